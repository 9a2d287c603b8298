/**
 * After any deploy: `npm run smoke -- <stack>`. One line per check, exit 0 when all pass, 1 otherwise.
 *   Loki ready; a short-lived container of the stack writes a unique line, readable in Loki within 60 s
 *   with the labels the dashboards select on; Grafana lists both datasources and every dashboard;
 *   Prometheus reports every target up.
 * Grafana credentials: GRAFANA_USER (default: the stack's admin user) and GRAFANA_PASSWORD
 * (`pulumi stack output grafanaAdminPassword --show-secrets`). Docker: DOCKER_HOST or the default socket.
 */
import * as path from "path";
import Docker from "dockerode";
import { dashboardSpecs } from "../configs/grafana/dashboards";
import { datasourceUids } from "../configs/grafana/selectors";
import { LABELS } from "../configs/labels";
import { logJob } from "../configs/collection";
import { rawConfig } from "../settings/load";
import { parseSettings } from "../settings/parse";
import { readStackFile } from "../settings/stackFile";
import { Settings } from "../settings/types";

export interface Endpoints {
    /** Loki's base URL, direct or through Grafana's datasource proxy. */
    readonly loki: string;
    readonly grafana?: string;
    readonly prometheus?: string;
    /** Basic-auth header for Grafana (and Loki through it). */
    readonly grafanaAuth?: string;
}

export interface SmokeIo {
    readonly fetch: typeof fetch;
    /** Runs a container that prints `line`, with the given name and labels, and removes it. */
    readonly writeLine: (name: string, labels: Record<string, string>, line: string) => Promise<void>;
    readonly now: () => number;
    readonly sleep: (ms: number) => Promise<void>;
}

export interface CheckResult {
    readonly name: string;
    readonly ok: boolean;
    readonly detail: string;
}

/** Where each service answers on the host, from the stack's settings. */
export function endpoints(settings: Settings, grafanaPassword: string | undefined, grafanaUser = settings.grafana.adminUser): Endpoints {
    const host = (port: number | undefined) => (port ? `http://${settings.publish.address === "0.0.0.0" ? "127.0.0.1" : settings.publish.address}:${port}` : undefined);
    const grafana = settings.grafana.externalUrl ?? host(settings.publish.ports.grafana);
    const grafanaAuth = grafanaPassword ? `Basic ${Buffer.from(`${grafanaUser}:${grafanaPassword}`).toString("base64")}` : undefined;
    // Loki is published in dev only; elsewhere Grafana's datasource proxy reaches it on the private network.
    const loki = host(settings.publish.ports.loki) ?? `${grafana}/api/datasources/proxy/uid/${datasourceUids(settings).loki}`;
    return { loki, grafana, prometheus: host(settings.publish.ports.prometheus), grafanaAuth };
}

async function json(io: SmokeIo, url: string, auth?: string): Promise<any> {
    const res = await io.fetch(url, { headers: auth ? { Authorization: auth } : {} });
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    return res.json();
}

type Check = () => Promise<string>;

/** The checks, in order; each returns a detail line or throws why it failed. */
export function checks(settings: Settings, ep: Endpoints, io: SmokeIo, unique = `smoke-${Date.now().toString(36)}`): Array<[string, Check]> {
    const lokiAuth = ep.loki.startsWith(ep.grafana ?? "\u0000") ? ep.grafanaAuth : undefined;
    const list: Array<[string, Check]> = [
        [
            "Loki ready",
            async () => {
                const res = await io.fetch(`${ep.loki}/ready`, { headers: lokiAuth ? { Authorization: lokiAuth } : {} });
                if (res.status !== 200) throw new Error(`/ready answered ${res.status}`);
                return "ready";
            },
        ],
        [
            "a new container's line reaches Loki with its labels",
            async () => {
                const name = `${settings.namePrefix}-${unique}`;
                await io.writeLine(name, { [LABELS.stack]: settings.namePrefix, [LABELS.component]: "smoke" }, unique);
                const query = `{job="${logJob(settings)}", environment="${settings.environment}", container="${name}"} |= "${unique}"`;
                const start = io.now();
                while (io.now() - start < 60_000) {
                    const params = new URLSearchParams({ query, start: `${BigInt(start - 300_000) * 1_000_000n}`, limit: "10" });
                    const body = await json(io, `${ep.loki}/loki/api/v1/query_range?${params}`, lokiAuth);
                    const streams = body.data?.result ?? [];
                    if (streams.length > 0) {
                        const labels = streams[0].stream;
                        if (labels.service !== "smoke") throw new Error(`service label is ${labels.service}, not smoke`);
                        return `found after ${Math.round((io.now() - start) / 1000)} s`;
                    }
                    await io.sleep(2000);
                }
                throw new Error(`not in Loki after 60 s: ${query}`);
            },
        ],
    ];
    if (ep.grafana) {
        list.push(
            [
                "Grafana lists both datasources",
                async () => {
                    const uids = new Set((await json(io, `${ep.grafana}/api/datasources`, ep.grafanaAuth)).map((d: any) => d.uid));
                    const missing = Object.values(datasourceUids(settings)).filter((u) => !uids.has(u));
                    if (missing.length > 0) throw new Error(`missing ${missing.join(", ")}`);
                    return `${uids.size} datasources`;
                },
            ],
            [
                "Grafana lists every dashboard",
                async () => {
                    const uids = new Set((await json(io, `${ep.grafana}/api/search?type=dash-db`, ep.grafanaAuth)).map((d: any) => d.uid));
                    const missing = dashboardSpecs(settings).map((d) => d.uid).filter((u) => !uids.has(u));
                    if (missing.length > 0) throw new Error(`missing ${missing.join(", ")}`);
                    return `${dashboardSpecs(settings).length} dashboards`;
                },
            ],
        );
    }
    if (ep.prometheus) {
        list.push([
            "Prometheus reports every target up",
            async () => {
                const { activeTargets } = (await json(io, `${ep.prometheus}/api/v1/targets`)).data;
                const down = activeTargets.filter((t: any) => t.health !== "up").map((t: any) => `${t.labels.job} (${t.health})`);
                if (activeTargets.length === 0) throw new Error("no targets");
                if (down.length > 0) throw new Error(`down: ${down.join(", ")}`);
                return `${activeTargets.length} targets up`;
            },
        ]);
    }
    return list;
}

/** Runs every check; prints one line each; 0 when all pass. */
export async function smoke(list: Array<[string, Check]>, log: (line: string) => void): Promise<number> {
    let failed = 0;
    for (const [name, check] of list) {
        try {
            log(`ok   ${name}: ${await check()}`);
        } catch (e) {
            failed++;
            log(`FAIL ${name}: ${(e as Error).message}`);
        }
    }
    return failed === 0 ? 0 : 1;
}

/** A container from an image the stack already pulled (Prometheus's busybox base has a shell). */
export function dockerWriter(docker: Docker, image: string): SmokeIo["writeLine"] {
    return async (name, labels, line) => {
        const c = await docker.createContainer({ name, Image: image, Entrypoint: ["/bin/sh", "-c"], Cmd: [`echo ${line}; sleep 20`], Labels: labels, HostConfig: { LogConfig: { Type: "json-file", Config: {} } } });
        await c.start();
        // Removed after the collector has had time to read it; the line stays in Loki.
        setTimeout(() => void c.remove({ force: true }).catch(() => undefined), 25_000).unref();
    };
}

/** The real I/O: fetch, a line written by a container from the stack's Prometheus image, the clock. */
function realIo(settings: Settings): SmokeIo {
    return { fetch, writeLine: dockerWriter(new Docker(), settings.images.prometheus), now: Date.now, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, log: (line: string) => void, error: (line: string) => void, io = realIo, projectDir = path.join(__dirname, "..")): Promise<number> {
    const stack = argv[0];
    if (!stack) {
        error("usage: npm run smoke -- <stack>");
        return 1;
    }
    const settings = parseSettings(stack, rawConfig(readStackFile(stack, projectDir)));
    return smoke(checks(settings, endpoints(settings, env.GRAFANA_PASSWORD, env.GRAFANA_USER), io(settings)), log);
}

if (require.main === module) main(process.argv.slice(2), process.env, console.log, console.error).then((code) => process.exit(code));
