/**
 * The real tools the unit tier checks rendered files with, found the same way on every machine:
 *   1. an explicit variable (LOKI_BIN, PROMTAIL_BIN, PROMTOOL_BIN, ALLOY_CHECK);
 *   2. this build machine's offline copies: ../shared/tools (Loki, Promtail, alloy-check), Debian's promtool on PATH;
 *   3. the image the stack deploys, pinned in settings/defaults.ts, run with `docker run --rm` (a laptop or a
 *      GitHub runner with Docker checks the files with exactly the versions deployed; Alloy with `alloy validate`,
 *      which also runs Alloy's component validation).
 * None of them: one failure naming all three. Never a skip.
 */
import { SpawnSyncReturns, execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_IMAGES } from "../../settings/defaults";
import { besideProject } from "./sharedTools";

export type ToolName = "loki" | "promtail" | "promtool" | "amtool" | "alloy";

export interface ToolResult {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

export interface Tool {
    /** Where it was found: "LOKI_BIN", "../shared/tools", "PATH" or the image reference. */
    readonly source: string;
    /** Runs the tool with arguments in its own CLI's form; files it reads must be under `os.tmpdir()` or `cwd`. */
    run(args: string[], cwd?: string): ToolResult;
}

interface Spec {
    readonly envVar: string;
    /** The offline copy on this machine, if any. */
    readonly local: (sharedTools: string) => string | undefined;
    readonly image: string;
    /** The binary's path in the image, and how its arguments differ from the local tool's. */
    readonly entrypoint: string;
    readonly imageArgs?: (args: string[]) => string[];
}

const SPECS: Record<ToolName, Spec> = {
    // grafana/loki cmd/loki/Dockerfile: ENTRYPOINT ["/usr/bin/loki"]; promtail's Dockerfile: /usr/bin/promtail.
    loki: { envVar: "LOKI_BIN", local: (dir) => unpacked(dir, "loki"), image: DEFAULT_IMAGES.loki, entrypoint: "/usr/bin/loki" },
    promtail: { envVar: "PROMTAIL_BIN", local: (dir) => unpacked(dir, "promtail"), image: DEFAULT_IMAGES.promtail, entrypoint: "/usr/bin/promtail" },
    // prometheus/prometheus Dockerfile: COPY promtool /bin/promtool.
    promtool: { envVar: "PROMTOOL_BIN", local: () => onPath("promtool"), image: DEFAULT_IMAGES.prometheus, entrypoint: "/bin/promtool" },
    // prometheus/alertmanager Dockerfile (v0.30.1): COPY amtool /bin/amtool. Debian: prometheus-alertmanager.
    amtool: { envVar: "AMTOOL_BIN", local: () => onPath("amtool"), image: DEFAULT_IMAGES.alertmanager, entrypoint: "/bin/amtool" },
    // alloy-check -strict FILE (../shared/tools) or, in grafana/alloy (/bin/alloy), `alloy validate FILE`
    // (internal/alloycli/cmd_validate.go at v1.18.1): exit 0 valid, 1 invalid.
    alloy: {
        envVar: "ALLOY_CHECK",
        local: (dir) => existing(path.join(dir, "alloy-check")),
        image: DEFAULT_IMAGES.alloy,
        entrypoint: "/bin/alloy",
        imageArgs: (args) => ["validate", ...args.filter((a) => a !== "-strict")],
    },
};

const existing = (file: string) => (fs.existsSync(file) ? file : undefined);

function onPath(name: string): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        const candidate = path.join(dir, name);
        if (dir && fs.existsSync(candidate)) return candidate;
    }
    return undefined;
}

/** A tool packed with xz in ../shared/tools, unpacked once into the temporary folder. */
function unpacked(sharedTools: string, name: string): string | undefined {
    const packed = fs.existsSync(sharedTools) ? fs.readdirSync(sharedTools).find((f) => new RegExp(`^${name}-.*\\.xz$`).test(f)) : undefined;
    if (!packed) return undefined;
    const target = path.join(os.tmpdir(), "observability-tools", packed.replace(/\.xz$/, ""));
    if (!fs.existsSync(target)) {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        const partial = `${target}.${process.pid}`;
        fs.writeFileSync(partial, execFileSync("xz", ["-dc", path.join(sharedTools, packed)], { maxBuffer: 512 * 1024 * 1024 }), { mode: 0o755 });
        fs.renameSync(partial, target);
    }
    return target;
}

const result = (r: SpawnSyncReturns<string>): ToolResult => {
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** Whether `docker` answers and has (or can pull) the image. */
function dockerHas(docker: string, image: string): boolean {
    const server = spawnSync(docker, ["version", "--format", "{{.Server.Version}}"], { encoding: "utf8" });
    if (server.error || server.status !== 0) return false;
    if (spawnSync(docker, ["image", "inspect", image], { encoding: "utf8" }).status === 0) return true;
    return spawnSync(docker, ["pull", "--quiet", image], { encoding: "utf8", stdio: "ignore" }).status === 0;
}

export interface Resolution {
    readonly env?: NodeJS.ProcessEnv;
    readonly sharedTools?: string;
    readonly docker?: string;
    /** The image to run (the pinned one unless a test names a stand-in). */
    readonly image?: string;
}

export function resolveTool(name: ToolName, how: Resolution = {}): Tool {
    const spec = SPECS[name];
    const env = how.env ?? process.env;
    const fromEnv = env[spec.envVar];
    if (fromEnv) {
        if (!fs.existsSync(fromEnv)) throw new Error(`${spec.envVar}=${fromEnv} does not exist`);
        return binaryTool(spec.envVar, fromEnv);
    }
    const sharedTools = how.sharedTools ?? besideProject(path.join("shared", "tools"));
    const local = spec.local(sharedTools);
    if (local) return binaryTool(name === "promtool" || name === "amtool" ? "PATH" : "../shared/tools", local);
    const docker = how.docker ?? "docker";
    const image = how.image ?? spec.image;
    if (dockerHas(docker, image)) {
        return {
            source: image,
            run: (args, cwd) => {
                // The files are bind-mounted read-only at the same paths; the container has no network.
                const mounts = [...new Set([os.tmpdir(), ...(cwd ? [cwd] : [])])].flatMap((d) => ["-v", `${d}:${d}:ro`]);
                // As the test's own user, who owns the (0700) temporary folders; the image's user could not read them.
                const user = process.getuid ? ["--user", `${process.getuid()}:${process.getgid?.() ?? 0}`] : [];
                const r = spawnSync(docker, ["run", "--rm", "--network", "none", ...user, ...mounts, ...(cwd ? ["-w", cwd] : []), "--entrypoint", spec.entrypoint, image, ...(spec.imageArgs ?? ((a) => a))(args)], { encoding: "utf8" });
                return result(r);
            },
        };
    }
    throw new Error(
        `${name} not found: set ${spec.envVar} to the binary, keep ../shared/tools beside the project (${sharedTools})` +
            `${name === "promtool" ? " or put promtool on PATH (apt-get install prometheus)" : ""}` +
            `${name === "amtool" ? " or put amtool on PATH (apt-get install prometheus-alertmanager)" : ""}, or run Docker so the tests can run ${image}`,
    );
}

function binaryTool(source: string, bin: string): Tool {
    return { source, run: (args, cwd) => result(spawnSync(bin, args, { cwd, encoding: "utf8" })) };
}

const cache = new Map<ToolName, Tool>();
/** The tool for this run, resolved once. */
export function tool(name: ToolName): Tool {
    if (!cache.has(name)) cache.set(name, resolveTool(name));
    return cache.get(name) as Tool;
}
