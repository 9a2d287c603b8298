import * as fs from "fs";
import { Readable, Writable } from "stream";
import Docker from "dockerode";
import * as tar from "tar-stream";
import { IMAGE_FACTS } from "../../settings/imageFacts";
import { Service } from "../../settings/types";

/** The engine the tier runs against: DOCKER_HOST's socket, else the default one. */
export function engine(): Docker {
    const host = process.env.DOCKER_HOST;
    return host?.startsWith("unix://") ? new Docker({ socketPath: host.slice("unix://".length) }) : new Docker();
}

/** Fails (never skips) with what to do when no engine answers. */
export async function requireEngine(docker: Docker): Promise<void> {
    try {
        await docker.ping();
    } catch (e) {
        throw new Error(
            `No Docker engine answers (${(e as Error).message}). Start one: as root, ` +
                "`dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs &` (.ci/run does this).",
        );
    }
}

const BUSYBOX = process.env.BUSYBOX_BIN ?? "/bin/busybox";

/** A tar archive of the given entries, in memory. */
export async function packTar(entries: ReadonlyArray<{ header: Parameters<ReturnType<typeof tar.pack>["entry"]>[0]; content?: string | Buffer }>): Promise<Buffer> {
    const pack = tar.pack();
    const chunks: Buffer[] = [];
    pack.on("data", (c) => chunks.push(c as Buffer));
    const ended = new Promise<void>((resolve, reject) => {
        pack.on("end", () => resolve());
        pack.on("error", reject);
    });
    for (const e of entries) (e.content === undefined ? pack.entry(e.header) : pack.entry(e.header, e.content));
    pack.finalize();
    await ended;
    return Buffer.concat(chunks);
}

/** A root filesystem with a static busybox and its applets: no image can be pulled here. */
async function busyboxRootfs(): Promise<Buffer> {
    if (!fs.existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} is missing: apt-get install busybox-static (or set BUSYBOX_BIN)`);
    const dirs = ["bin", "etc", "tmp", "proc", "sys", "dev", "run", "var", "var/run"];
    // httpd, nc, nslookup: the as-deployed tier's stand-in endpoints and network probes; grep: the Ubuntu-based
    // collectors' healthcheck reads the answer with it (bashHttpCheck).
    const applets = ["sh", "sleep", "cat", "touch", "rm", "mkdir", "chown", "chmod", "id", "ls", "stat", "echo", "test", "wget", "httpd", "nc", "nslookup", "printf", "timeout", "grep"];
    return packTar([
        ...dirs.map((dir) => ({ header: { name: dir, type: "directory" as const, mode: dir === "tmp" ? 0o1777 : 0o755 } })),
        { header: { name: "bin/busybox", mode: 0o755 }, content: fs.readFileSync(BUSYBOX) },
        ...applets.map((applet) => ({ header: { name: `bin/${applet}`, type: "symlink" as const, linkname: "busybox" } })),
        { header: { name: "etc/passwd" }, content: "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n" },
        { header: { name: "etc/group" }, content: "root:x:0:\nnogroup:x:65534:\n" },
    ]);
}

async function drain(stream: NodeJS.ReadableStream): Promise<void> {
    await new Promise<void>((resolve, reject) => {
        stream.on("data", () => undefined);
        stream.on("end", () => resolve());
        stream.on("error", reject);
    });
}

export const STAND_IN_REPO = "observability-stand-in";

/** A real static binary placed in a stand-in image at the path the upstream image has it, as its entrypoint. */
export interface RealProgram {
    readonly binary: string;
    readonly path: string;
}

/** A busybox image imported from a local root filesystem: what every stand-in and test workload starts from. */
export async function baseImage(docker: Docker): Promise<string> {
    await drain(await (docker as any).importImage(Readable.from([await busyboxRootfs()]), { repo: STAND_IN_REPO, tag: "base" }));
    return `${STAND_IN_REPO}:base`;
}

/**
 * One stand-in image per service, built from IMAGE_FACTS (the upstream Dockerfiles): the image's USER and
 * the directories it creates for that user, so a volume mounted there inherits the same owner as in
 * production. The entrypoint ignores its arguments and sleeps, standing in for the real program.
 */
/** A file added to a stand-in image (a fake tool the program calls, such as Grafana's CLI). */
export interface StandInFile {
    readonly path: string;
    readonly content: string | Buffer;
    readonly mode: number;
}

export async function buildStandIns(
    docker: Docker,
    real: Partial<Record<Service, RealProgram>> = {},
    extraFiles: Partial<Record<Service, StandInFile[]>> = {},
    /** The image's ENTRYPOINT where it is not the real program itself (HAProxy's docker-entrypoint.sh). */
    entrypoints: Partial<Record<Service, string[]>> = {},
): Promise<Record<Service, string>> {
    const base = await baseImage(docker);
    const out = {} as Record<Service, string>;
    for (const [service, facts] of Object.entries(IMAGE_FACTS) as Array<[Service, (typeof IMAGE_FACTS)[Service]]>) {
        const script = facts.ownedDirs.map((d) => `mkdir -p ${d.path} && chown ${d.owner} ${d.path} && chmod ${d.mode} ${d.path}`).join(" && ") || "true";
        const builder = await docker.createContainer({ Image: base, Cmd: ["/bin/sh", "-c", script], User: "0" });
        const program = real[service];
        // An image entrypoint the program hands over to (Grafana's /run.sh) becomes the sleeping stand-in itself.
        const files: Array<{ path: string; content: string | Buffer; mode: number }> = [
            ...(program ? [{ path: program.path, content: fs.readFileSync(program.binary), mode: 0o755 }] : []),
            ...(!program && facts.entrypoint ? [{ path: facts.entrypoint[0], content: "#!/bin/sh\nexec sleep 3600\n", mode: 0o755 }] : []),
            ...(extraFiles[service] ?? []),
        ];
        if (files.length > 0) {
            await builder.putArchive(await packTar(files.map((f) => ({ header: { name: f.path.replace(/^\//, ""), mode: f.mode }, content: f.content }))), { path: "/" });
        }
        await builder.start();
        const { StatusCode } = await builder.wait();
        if (StatusCode !== 0) throw new Error(`stand-in for ${service}: '${script}' exited ${StatusCode}`);
        const tag = service.toLowerCase();
        const entrypoint = entrypoints[service] ?? (program ? [program.path] : facts.entrypoint ?? ["/bin/sh", "-c", "exec sleep 3600", "stand-in"]);
        const env = Object.entries(facts.env ?? {}).map(([k, v]) => `ENV ${k}=${v}`);
        await builder.commit({ repo: STAND_IN_REPO, tag, changes: [`USER ${facts.user}`, ...env, `ENTRYPOINT ${JSON.stringify(entrypoint)}`, "CMD []"] } as any);
        await builder.remove();
        out[service] = `${STAND_IN_REPO}:${tag}`;
    }
    return out;
}

export interface ExecResult {
    readonly exitCode: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs a command in a running container as `user`, like `docker exec -u`. */
export async function execAs(docker: Docker, containerId: string, user: string, cmd: string[]): Promise<ExecResult> {
    const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, User: user, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const sink = (into: Buffer[]) => new Writable({ write: (c: Buffer, _e, cb) => (into.push(c), cb()) });
    docker.modem.demuxStream(stream, sink(out), sink(err));
    await new Promise<void>((resolve) => stream.on("end", () => resolve()));
    const { ExitCode } = await exec.inspect();
    return { exitCode: ExitCode ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

/** Removes every container, volume and network of a stack prefix (before and after a run). */
export async function removeStack(docker: Docker, prefix: string): Promise<void> {
    const containers = await docker.listContainers({ all: true, filters: { label: [`observability.stack=${prefix}`] } });
    // One at a time: removing several containers that share networks concurrently has left Docker 20.10 with a stale
    // endpoint count ("has active endpoints" on a network with no container, fixed only by a daemon restart).
    for (const c of containers) await docker.getContainer(c.Id).remove({ force: true });
    const { Volumes } = await docker.listVolumes({ filters: { label: [`observability.stack=${prefix}`] } });
    await Promise.all((Volumes ?? []).map((v) => docker.getVolume(v.Name).remove()));
    const networks = await docker.listNetworks({ filters: { label: [`observability.stack=${prefix}`] } });
    for (const n of networks) {
        const network = docker.getNetwork(n.Id);
        // The engine releases a removed container's endpoints on several networks asynchronously at times ("has active
        // endpoints"): whatever is still attached is disconnected, and the removal retried briefly.
        for (let attempt = 0; ; attempt++) {
            const attached = Object.keys(((await network.inspect()) as { Containers?: Record<string, unknown> }).Containers ?? {});
            await Promise.all(attached.map((id) => network.disconnect({ Container: id, Force: true }).catch(() => undefined)));
            try {
                await network.remove();
                break;
            } catch (e) {
                if (attempt >= 10) throw e;
                await new Promise((r) => setTimeout(r, 500));
            }
        }
    }
}

/** Linux capability names by bit number (linux/capability.h). */
const CAPABILITIES = [
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT",
    "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE",
    "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ",
    "PERFMON", "BPF", "CHECKPOINT_RESTORE",
];

/**
 * Capabilities this host cannot grant to any container (absent from its bounding set; in this sandbox,
 * SYS_RESOURCE). runc refuses a container that asks for one; that is the host's limit, not the program's.
 */
export function capabilitiesHostLacks(): string[] {
    const line = fs.readFileSync("/proc/self/status", "utf8").split("\n").find((l) => l.startsWith("CapBnd:"));
    if (!line) throw new Error("no CapBnd in /proc/self/status");
    const mask = BigInt(`0x${line.split(/\s+/)[1]}`);
    return CAPABILITIES.filter((_, bit) => ((mask >> BigInt(bit)) & 1n) === 0n);
}
