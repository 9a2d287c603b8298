/** What the as-deployed tier does on the engine besides the program's own containers: applications and probes. */
import Docker from "dockerode";
import { packTar, execAs } from "../engine/docker";
import { sleep } from "../real/binaries";

/** A user's container beside the stack: prints its entries once, and serves /metrics where the stack scrapes it. */
export interface App {
    readonly name: string;
    readonly labels?: Record<string, string>;
    /** Log entries, each one record (a traceback is one entry of several lines). */
    readonly entries: string[];
    metricsPort?: number;
}

/** Starts an application on the stack's network, as the README tells users (`docker network connect <prefix>-net`). */
export async function startApp(docker: Docker, image: string, app: App, network: string): Promise<string> {
    const then = app.metricsPort ? `exec httpd -f -p ${app.metricsPort} -h /www` : "exec sleep 3600";
    const c = await docker.createContainer({
        name: app.name,
        Image: image,
        Entrypoint: ["/bin/sh", "-c", `cat /app.log; ${then}`],
        Labels: app.labels ?? {},
        User: "0",
        HostConfig: { NetworkMode: network },
    });
    await c.putArchive(
        await packTar([
            { header: { name: "app.log" }, content: app.entries.map((e) => `${e}\n`).join("") },
            { header: { name: "www/metrics" }, content: `app_up{app="${app.name}"} 1\n` },
        ]),
        { path: "/" },
    );
    await c.start();
    return c.id;
}

/** The container's address on one of its networks. */
export async function networkAddress(docker: Docker, id: string, network: string): Promise<string> {
    const info = await docker.getContainer(id).inspect();
    const address = info.NetworkSettings.Networks[network]?.IPAddress;
    if (!address) throw new Error(`${info.Name} has no address on ${network}`);
    return address;
}

/** Waits for the engine to report the container healthy, as the provider's `wait` does. */
export async function waitHealthy(docker: Docker, id: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const info = await docker.getContainer(id).inspect();
        if (info.State.Health?.Status === "healthy") return;
        if (!info.State.Running || Date.now() > deadline) {
            const log = await docker.getContainer(id).logs({ stdout: true, stderr: true, tail: 40 });
            throw new Error(`${info.Name} is not healthy (${info.State.Status}, ${info.State.Health?.Status}):\n${log.toString()}`);
        }
        await sleep(1000);
    }
}

/**
 * One raw HTTP/1.0 request from inside a container (busybox nc), as that container's place on the network
 * allows: any method and path, exactly as written. Returns the raw response, empty when nothing answered.
 */
export async function probe(docker: Docker, id: string, host: string, port: number, method: string, path: string): Promise<string> {
    const script = 'printf "%s\\r\\nHost: %s\\r\\nConnection: close\\r\\n\\r\\n" "$1" "$2" | timeout 10 nc -w 5 "$2" "$3"';
    const r = await execAs(docker, id, "0", ["sh", "-c", script, "probe", `${method} ${path} HTTP/1.0`, host, String(port)]);
    return r.stdout;
}

/** The status code of a raw response, undefined when there was none. */
export function httpStatus(response: string): number | undefined {
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(response);
    return m ? Number(m[1]) : undefined;
}
