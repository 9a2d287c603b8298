import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Fails loudly (never skips) when promtool is missing: .ci/run installs it from Debian's prometheus package. */
export function requirePromtool(): string {
    const found = spawnSync("promtool", ["--version"], { encoding: "utf8" });
    if (found.error || found.status !== 0) {
        throw new Error("promtool is not installed: `apt-get install prometheus` (Debian) provides it; .ci/run does this");
    }
    return found.stdout.split("\n")[0];
}

export interface PromtoolResult {
    readonly ok: boolean;
    readonly output: string;
}

export function promtool(args: string[], cwd: string): PromtoolResult {
    const r = spawnSync("promtool", args, { cwd, encoding: "utf8" });
    if (r.error) throw r.error;
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** Writes files (relative path -> content) into a fresh temporary directory. */
export function writeTree(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "obs-"));
    for (const [rel, content] of Object.entries(files)) {
        const target = path.join(dir, rel);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, content);
    }
    return dir;
}

