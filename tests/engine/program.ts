import { execFileSync } from "child_process";
import * as path from "path";
import { ProgramRun } from "../harness/mocks";

const ROOT = path.join(__dirname, "..", "..");

let storage: Record<string, string> | undefined;
/**
 * The engine's own root and storage driver, as a user sets them for their host (`pulumi config set dockerRoot ...`;
 * the preflight refuses an `up` where they differ): read from `docker info`, the CLI the tiers already need.
 */
function engineStorage(): Record<string, string> {
    if (!storage) {
        const [root, driver] = execFileSync("docker", ["info", "--format", "{{.DockerRootDir}} {{.Driver}}"]).toString().trim().split(" ");
        storage = { "observability:dockerRoot": root, "observability:dockerStorageDriver": driver };
    }
    return storage;
}

/** What the real program registers for a stack on this engine (in a child process, so a module can ask for several runs). */
export function registered(stack: string, overrides: Record<string, unknown> = {}): ProgramRun {
    const config = { ...engineStorage(), ...overrides };
    const out = execFileSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(__dirname, "registered.ts"), stack, JSON.stringify(config)], {
        cwd: ROOT,
        maxBuffer: 64 * 1024 * 1024,
        stdio: ["ignore", "pipe", "inherit"],
    });
    const { resources } = JSON.parse(out.toString());
    return { resources, outputs: {}, secretOutputs: [], warnings: [] };
}
