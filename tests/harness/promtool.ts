import { tool } from "./tools";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface PromtoolResult {
    readonly ok: boolean;
    readonly output: string;
}

/** The real promtool (tests/harness/tools.ts: PROMTOOL_BIN, PATH, or the pinned Prometheus image), run in `cwd`. */
export function promtool(args: string[], cwd: string): PromtoolResult {
    const r = tool("promtool").run(args, cwd);
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

