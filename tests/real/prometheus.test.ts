/**
 * The rendered prometheus.yml and alerts.yml of dev (which runs Alloy) run by the real Prometheus, scraping
 * the real Loki on loopback, and a stand-in for Alloy's port (tests/real/fakeAlloy.ts) serving host and
 * container metrics made for the tests; stopping Loki makes LokiDown pending, then firing within its `for`.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { renderAlertRules } from "../../configs/alertRules";
import { dashboardSpecs } from "../../configs/grafana/dashboards";
import { RULES_FILE, prometheusConfig } from "../../configs/prometheus";
import { SERVICE_PORTS } from "../../settings/defaults";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { engine, requireEngine } from "../engine/docker";
import { stackConfig } from "../harness/mocks";
import { Running, binary, freePort, sleep, tempDir } from "./binaries";
import { LocalPipeline, startLocalPipeline } from "./localConfigs";
import { DISK_USED, FakeAlloy, startFakeAlloy } from "./fakeAlloy";

const DOWN_FOR_SECONDS = 10;
// A short `for` and scrape interval through the stack's own settings, so the test waits seconds, not minutes.
const settings = parseSettings(
    "dev",
    rawConfig(stackConfig("dev", { "observability:alerts": { downFor: `${DOWN_FOR_SECONDS}s` }, "observability:prometheus": { scrapeInterval: "2s", retention: "1d" } })),
);

let pipeline: LocalPipeline;
let prometheus: Running;
let api: string;
let lokiBase: string;
let alloy: FakeAlloy;

async function get(pathAndQuery: string): Promise<any> {
    const res = await fetch(`${api}${pathAndQuery}`);
    return (await res.json()).data;
}

beforeAll(async () => {
    await requireEngine(engine());
    pipeline = await startLocalPipeline(settings, "real-prometheus");
    lokiBase = pipeline.lokiUrl;
    const dir = tempDir("real-prometheus");
    const promHttp = await freePort();
    expect(settings.collector).toBe("alloy");
    alloy = await startFakeAlloy(await freePort(), ["loki", "alloy", "prometheus", "grafana"].map((s) => `${settings.namePrefix}-${s}`));
    const hostPort = (url: string) => url.replace(/^http:\/\//, "");
    // Only the targets' addresses move to loopback: the stack's aliases do not resolve on the host.
    const moved: Record<string, string> = {
        [`loki:${SERVICE_PORTS.loki}`]: hostPort(pipeline.lokiUrl),
        [`alloy:${SERVICE_PORTS.alloy}`]: alloy.address,
        [`localhost:${SERVICE_PORTS.prometheus}`]: `127.0.0.1:${promHttp}`,
    };
    const cfg = prometheusConfig(settings);
    const local = { ...cfg, scrape_configs: cfg.scrape_configs.map((j) => ({ ...j, static_configs: j.static_configs.map((s) => ({ targets: s.targets.map((t) => moved[t] ?? t) })) })) };
    fs.writeFileSync(path.join(dir, "prometheus.yml"), yaml.dump(local));
    fs.writeFileSync(path.join(dir, RULES_FILE), renderAlertRules(settings));

    api = `http://127.0.0.1:${promHttp}/api/v1`;
    prometheus = new Running("prometheus", binary("prometheus"), [
        `--config.file=${path.join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${path.join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${promHttp}`,
    ]);
    await prometheus.waitReady(`http://127.0.0.1:${promHttp}/-/ready`);
});

afterAll(async () => {
    await prometheus?.stop();
    await pipeline?.stop();
    await alloy?.stop();
});

test("Loki, the collector's port (its own, host and container metrics) and Prometheus itself are scraped and up", async () => {
    const deadline = Date.now() + 30_000;
    let health: Record<string, string> = {};
    while (Date.now() < deadline) {
        const { activeTargets } = await get("/targets");
        health = Object.fromEntries(activeTargets.map((t: any) => [t.labels.job, t.health]));
        if (["loki", "alloy", "node", "cadvisor", "prometheus"].every((j) => health[j] === "up")) break;
        await sleep(1000);
    }
    expect(health).toEqual(expect.objectContaining({ loki: "up", alloy: "up", node: "up", cadvisor: "up", prometheus: "up" }));
});

test("every rule of alerts.yml is loaded", async () => {
    const { groups } = await get("/rules");
    const loaded = groups.flatMap((g: any) => g.rules.map((r: any) => r.name)).sort();
    const rendered = (yaml.load(renderAlertRules(settings)) as any).groups.flatMap((g: any) => g.rules.map((r: any) => r.alert)).sort();
    expect(loaded).toEqual(rendered);
    expect(loaded).toContain("LokiDown");
});

test("every dashboard PromQL query returns data from this Prometheus scraping this Loki", async () => {
    // A push, so Loki's distributor counters exist; then enough scrapes for a rate.
    const push = await fetch(`${lokiBase}/loki/api/v1/push`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ streams: [{ stream: { job: "prometheus-test" }, values: [[`${BigInt(Date.now()) * 1_000_000n}`, "a line"]] }] }),
    });
    expect(push.status).toBe(204);
    const queries = dashboardSpecs(settings).flatMap((d) => d.panels.flatMap((p) => p.queries.filter((q) => q.language === "promql").map((q) => ({ panel: p.title, expr: q.expr }))));
    expect(queries.length).toBeGreaterThanOrEqual(3);
    for (const { panel, expr } of queries) {
        let samples = 0;
        for (const deadline = Date.now() + 30_000; samples === 0 && Date.now() < deadline; await sleep(1000)) {
            samples = (await get(`/query?${new URLSearchParams({ query: expr })}`)).result.length;
        }
        expect({ panel, expr, data: samples > 0 }).toEqual({ panel, expr, data: true });
    }
});

test("DataDiskFilling's expression selects the disk over its threshold and only that one", async () => {
    const rule = (yaml.load(renderAlertRules(settings)) as any).groups[0].rules.find((r: any) => r.alert === "DataDiskFilling");
    let result: any[] = [];
    for (const deadline = Date.now() + 30_000; result.length === 0 && Date.now() < deadline; await sleep(1000)) {
        result = (await get(`/query?${new URLSearchParams({ query: rule.expr })}`)).result;
    }
    const over = Object.entries(DISK_USED).filter(([, used]) => used > settings.alerts.dataDiskUsedRatio).map(([service]) => `/data/${service}`);
    expect(over.length).toBeGreaterThan(0);
    expect(result.map((r: any) => r.metric.mountpoint).sort()).toEqual(over.sort());
});

test("stopping Loki makes LokiDown pending, then firing within its `for`", async () => {
    await pipeline.loki.stop();
    const stoppedAt = Date.now();
    const states: Array<{ state: string; at: number }> = [];
    while (Date.now() - stoppedAt < (DOWN_FOR_SECONDS + 30) * 1000) {
        const { alerts } = await get("/alerts");
        const down = alerts.find((a: any) => a.labels.alertname === "LokiDown");
        if (down && states[states.length - 1]?.state !== down.state) states.push({ state: down.state, at: Date.now() - stoppedAt });
        if (down?.state === "firing") break;
        await sleep(500);
    }
    expect(states.map((s) => s.state)).toEqual(["pending", "firing"]);
    const firing = states[1].at - states[0].at;
    // `for` counts from the first failed evaluation; one evaluation interval of slack each side.
    expect(firing).toBeGreaterThanOrEqual((DOWN_FOR_SECONDS - 2) * 1000);
    expect(firing).toBeLessThanOrEqual((DOWN_FOR_SECONDS + 6) * 1000);
});
