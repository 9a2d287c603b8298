import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The nearest ancestor folder holding `relative` (the project's sibling ../shared, also from a copy of the project). */
export function besideProject(relative: string): string {
    for (let dir = path.join(__dirname, ".."); dir !== path.dirname(dir); dir = path.dirname(dir)) {
        const candidate = path.join(dir, relative);
        if (fs.existsSync(candidate)) return candidate;
    }
    return path.join(__dirname, "..", "..", "..", relative);
}

/**
 * A real binary for checks in the unit tier: $<envVar>, else the test build in ../shared/tools unpacked once into
 * the temporary folder (xz, as ../shared/tools/install does). Fails with what to do; never skips.
 */
function sharedBinary(name: string, envVar: string): string {
    const fromEnv = process.env[envVar];
    if (fromEnv) {
        if (!fs.existsSync(fromEnv)) throw new Error(`${envVar}=${fromEnv} does not exist`);
        return fromEnv;
    }
    const tools = besideProject(path.join("shared", "tools"));
    const packed = fs.existsSync(tools) ? fs.readdirSync(tools).find((f) => new RegExp(`^${name}-.*\\.xz$`).test(f)) : undefined;
    if (!packed) throw new Error(`${name} not found: set ${envVar}, or keep ../shared/tools (${tools}) beside the project`);
    const target = path.join(os.tmpdir(), "observability-tools", packed.replace(/\.xz$/, ""));
    if (!fs.existsSync(target)) {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        const partial = `${target}.${process.pid}`;
        fs.writeFileSync(partial, execFileSync("xz", ["-dc", path.join(tools, packed)], { maxBuffer: 512 * 1024 * 1024 }), { mode: 0o755 });
        fs.renameSync(partial, target);
    }
    return target;
}

export const lokiBinary = () => sharedBinary("loki", "LOKI_BIN");
export const promtailBinary = () => sharedBinary("promtail", "PROMTAIL_BIN");
