/** The project's stack files, without loading Pulumi (tests that only read settings stay light). */
import * as fs from "fs";
import * as path from "path";
import { readStackFile } from "../../settings/stackFile";

const ROOT = path.join(__dirname, "..", "..");

/** Every stack file of the project: Pulumi.<stack>.yaml. */
export function stacks(): string[] {
    return fs
        .readdirSync(ROOT)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => Boolean(s))
        .sort();
}

/** The real Pulumi.<stack>.yaml as the engine would hand it over, with optional overrides. */
export function stackConfig(stack: string, overrides: Record<string, unknown> = {}): Record<string, string> {
    return readStackFile(stack, ROOT, overrides);
}

/** The stack files of one platform (`platform:` in the file; docker when absent). */
function ofPlatform(platform: "docker" | "kubernetes"): string[] {
    return stacks().filter((s) => (stackConfig(s)["observability:platform"] ?? "docker") === platform);
}

/** Stacks on one Docker engine: the engine, real-binary and as-deployed tiers run these. */
export function dockerStacks(): string[] {
    return ofPlatform("docker");
}

/** Stacks on a Kubernetes cluster: test:k8s renders and applies these. */
export function kubernetesStacks(): string[] {
    return ofPlatform("kubernetes");
}
