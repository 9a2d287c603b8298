import { execFileSync } from "child_process";
import * as path from "path";
import { ProgramRun } from "../harness/mocks";

const ROOT = path.join(__dirname, "..", "..");

/** What the real program registers for a stack (in a child process, so a module can ask for several runs). */
export function registered(stack: string, overrides: Record<string, unknown> = {}): ProgramRun {
    const out = execFileSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(__dirname, "registered.ts"), stack, JSON.stringify(overrides)], {
        cwd: ROOT,
        maxBuffer: 64 * 1024 * 1024,
        stdio: ["ignore", "pipe", "inherit"],
    });
    const { resources } = JSON.parse(out.toString());
    return { resources, outputs: {}, secretOutputs: [], warnings: [] };
}
