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
