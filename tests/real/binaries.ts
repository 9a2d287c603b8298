import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

/** A test binary: its environment variable, else PATH. Fails with what to do, never skips. */
export function binary(name: "loki" | "promtail" | "prometheus" | "alertmanager"): string {
    const env = `${name.toUpperCase()}_BIN`;
    const fromEnv = process.env[env];
    if (fromEnv) {
        if (!fs.existsSync(fromEnv)) throw new Error(`${env}=${fromEnv} does not exist`);
        return fromEnv;
    }
    // Debian installs Alertmanager as prometheus-alertmanager.
    const names = name === "alertmanager" ? ["alertmanager", "prometheus-alertmanager"] : [name];
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        for (const n of names) {
            const candidate = path.join(dir, n);
            if (dir && fs.existsSync(candidate)) return candidate;
        }
    }
    const how =
        name === "prometheus" ? "apt-get install prometheus" : name === "alertmanager" ? "apt-get install prometheus-alertmanager" : `../shared/tools/install DIR && export ${env}=DIR/${name}`;
    throw new Error(`${name} not found: set ${env} or put it on PATH (${how}); .ci/run does this.`);
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
        server.on("error", reject);
    });
}

export function tempDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

/** A long-running binary with its output kept for failure messages. */
export class Running {
    readonly output: string[] = [];
    private readonly child: ChildProcess;
    private exited = false;

    constructor(
        readonly name: string,
        private readonly bin: string,
        private readonly args: string[],
    ) {
        this.child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
        const keep = (b: Buffer) => {
            this.output.push(b.toString());
            if (this.output.length > 400) this.output.splice(0, 100);
        };
        this.child.stdout?.on("data", keep);
        this.child.stderr?.on("data", keep);
        this.child.on("exit", () => (this.exited = true));
    }

    get pid(): number | undefined {
        return this.child.pid;
    }

    /** Waits until `url` answers 200, or fails with the process's last output. */
    async waitReady(url: string, timeoutMs = 60_000): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
            if (this.exited) throw new Error(`${this.name} exited:\n${this.output.join("").slice(-3000)}`);
            try {
                if ((await fetch(url)).status === 200) return;
            } catch {
                // not listening yet
            }
            await sleep(250);
        }
        throw new Error(`${this.name} not ready at ${url} after ${timeoutMs} ms:\n${this.output.join("").slice(-3000)}`);
    }

    /** The same binary with the same arguments, started again (after stop). */
    again(): Running {
        return new Running(this.name, this.bin, this.args);
    }

    async stop(): Promise<void> {
        if (this.exited) return;
        const gone = new Promise<void>((resolve) => this.child.on("exit", () => resolve()));
        this.child.kill("SIGTERM");
        await Promise.race([gone, sleep(10_000).then(() => this.child.kill("SIGKILL"))]);
    }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs a binary to completion; returns exit code and output. */
export function runOnce(bin: string, args: string[]): { code: number; output: string } {
    try {
        return { code: 0, output: execFileSync(bin, args, { stdio: ["ignore", "pipe", "pipe"] }).toString() };
    } catch (e) {
        const err = e as { status?: number; stdout?: Buffer; stderr?: Buffer };
        return { code: err.status ?? -1, output: `${err.stdout ?? ""}${err.stderr ?? ""}` };
    }
}
