/**
 * `npm run smoke`'s logic against the real Loki and Promtail on the real engine; Grafana and Prometheus
 * are stand-in HTTP servers answering what their APIs answer (no Grafana binary can be had here).
 */
import * as http from "http";
import { AddressInfo } from "net";
import { dashboardSpecs } from "../../configs/grafana/dashboards";
import { datasourceUids } from "../../configs/grafana/selectors";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { checks, dockerWriter, smoke, SmokeIo } from "../../scripts/smoke";
import { baseImage, engine, requireEngine } from "../engine/docker";
import { stackConfig } from "../harness/mocks";
import { sleep } from "./binaries";
import { LocalPipeline, startLocalPipeline } from "./localConfigs";

const settings = parseSettings("dev", rawConfig(stackConfig("dev")));
let pipeline: LocalPipeline;
let lokiUrl: string;
let io: SmokeIo;
const servers: http.Server[] = [];

/** A stand-in API: path (without query) → JSON body. */
async function standIn(routes: Record<string, unknown>, auth?: string): Promise<string> {
    const server = http.createServer((req, res) => {
        if (auth && req.headers.authorization !== auth) return void res.writeHead(401).end();
        const body = routes[(req.url ?? "").split("?")[0]];
        if (body === undefined) return void res.writeHead(404).end();
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const AUTH = `Basic ${Buffer.from("admin:pw").toString("base64")}`;
const grafanaRoutes = (dashboards: string[]) => ({
    "/api/datasources": Object.values(datasourceUids(settings)).map((uid) => ({ uid })),
    "/api/search": dashboards.map((uid) => ({ uid })),
});
const targets = (health: string[]) => ({ "/api/v1/targets": { status: "success", data: { activeTargets: health.map((h, i) => ({ labels: { job: `job${i}` }, health: h })) } } });

beforeAll(async () => {
    const docker = engine();
    await requireEngine(docker);
    pipeline = await startLocalPipeline(settings, "real-smoke");
    lokiUrl = pipeline.lokiUrl;
    io = { fetch, writeLine: dockerWriter(docker, await baseImage(docker)), now: Date.now, sleep };
});

afterAll(async () => {
    await pipeline?.stop();
    servers.forEach((s) => s.close());
});

test("a healthy stack: every check passes, one line each, exit 0", async () => {
    const grafana = await standIn(grafanaRoutes(dashboardSpecs(settings).map((d) => d.uid)), AUTH);
    const prometheus = await standIn(targets(["up", "up"]));
    const lines: string[] = [];
    const code = await smoke(checks(settings, { loki: lokiUrl, grafana, prometheus, grafanaAuth: AUTH }, io), (l) => lines.push(l));
    expect(lines).toHaveLength(5);
    expect(lines.filter((l) => l.startsWith("FAIL"))).toEqual([]);
    expect(code).toBe(0);
});

test("a missing dashboard, a down target and a line that never arrives each fail their own line, exit 1", async () => {
    const grafana = await standIn(grafanaRoutes(dashboardSpecs(settings).slice(1).map((d) => d.uid)), AUTH);
    const prometheus = await standIn(targets(["up", "down"]));
    // A writer that writes nothing, and a clock that runs out at once: the line check must fail.
    const silent: SmokeIo = { ...io, writeLine: async () => undefined, now: (() => { let t = Date.now(); return () => (t += 61_000); })() };
    const lines: string[] = [];
    const code = await smoke(checks(settings, { loki: lokiUrl, grafana, prometheus, grafanaAuth: AUTH }, silent), (l) => lines.push(l));
    expect(code).toBe(1);
    expect(lines.map((l) => l.split(":")[0])).toEqual([
        "ok   Loki ready",
        "FAIL a new container's line reaches Loki with its labels",
        "ok   Grafana lists both datasources",
        "FAIL Grafana lists every dashboard",
        "FAIL Prometheus reports every target up",
    ]);
});
