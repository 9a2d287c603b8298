/**
 * The rendered prometheus.yml and alerts.yml of dev (which runs Alloy) run by the real Prometheus, scraping
 * the real Loki on loopback, and a stand-in for Alloy's port (tests/real/fakeAlloy.ts) serving host and
 * container metrics made for the tests; stopping Loki makes LokiDown pending, then firing within its `for`.
 * Prometheus sends its alerts to the real Alertmanager (Debian's 0.25 for the pinned v0.30.1) running the rendered
 * alertmanager.yml of a webhook contact point, whose URL is a receiver in this test: LokiDown arrives, is repeated,
 * then resolved when Loki is back; alerts are grouped by name. Only addresses move to loopback (the targets, the
 * Alertmanager's, its listen address) and its data directory into a temporary one.
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
import { ALERTMANAGER_TARGET, alertmanagerFlags, renderAlertmanagerConfig } from "../../configs/alertmanager";
import { WebhookReceiver, startWebhookReceiver } from "./webhookReceiver";
import { LocalPipeline, startLocalPipeline } from "./localConfigs";
import { DISK_USED, FakeAlloy, startFakeAlloy } from "./fakeAlloy";

const DOWN_FOR_SECONDS = 10;
const REPEAT_SECONDS = 12;
// A short `for`, scrape interval, batching and repeat through the stack's own settings, so the test waits seconds,
// not minutes; dev's contact point becomes a webhook (this test's receiver).
const settings = parseSettings(
    "dev",
    rawConfig(
        stackConfig("dev", {
            "observability:alerts": { downFor: `${DOWN_FOR_SECONDS}s`, groupWait: "1s", groupInterval: "2s", repeatInterval: `${REPEAT_SECONDS}s` },
            "observability:prometheus": { scrapeInterval: "2s", retention: "1d" },
            "observability:grafana": { contactPoint: { kind: "webhook" } },
        }),
    ),
);

let pipeline: LocalPipeline;
let prometheus: Running;
let api: string;
let lokiBase: string;
let alloy: FakeAlloy;
let alertmanager: Running;
let webhook: WebhookReceiver;

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
    const amHttp = await freePort();
    webhook = await startWebhookReceiver();
    fs.writeFileSync(path.join(dir, "alertmanager.yml"), renderAlertmanagerConfig(settings, { contactPointUrl: webhook.url }));
    const flags = alertmanagerFlags(dir).map((f) => (f.startsWith("--storage.path=") ? `--storage.path=${path.join(dir, "alertmanager")}` : f));
    alertmanager = new Running("alertmanager", binary("alertmanager"), [...flags, `--web.listen-address=127.0.0.1:${amHttp}`]);
    await alertmanager.waitReady(`http://127.0.0.1:${amHttp}/-/ready`);
    expect(settings.collector).toBe("alloy");
    alloy = await startFakeAlloy(await freePort(), ["loki", "alloy", "prometheus", "grafana"].map((s) => `${settings.namePrefix}-${s}`));
    const hostPort = (url: string) => url.replace(/^http:\/\//, "");
    // Only the targets' addresses move to loopback: the stack's aliases do not resolve on the host.
    const moved: Record<string, string> = {
        [`loki:${SERVICE_PORTS.loki}`]: hostPort(pipeline.lokiUrl),
        [`alloy:${SERVICE_PORTS.alloy}`]: alloy.address,
        [`localhost:${SERVICE_PORTS.prometheus}`]: `127.0.0.1:${promHttp}`,
        [ALERTMANAGER_TARGET]: `127.0.0.1:${amHttp}`,
    };
    const cfg = prometheusConfig(settings);
    const alerting = { alertmanagers: cfg.alerting.alertmanagers.map((a) => ({ static_configs: a.static_configs.map((s) => ({ targets: s.targets.map((t) => moved[t] ?? t) })) })) };
    expect(alerting.alertmanagers[0].static_configs[0].targets).toEqual([`127.0.0.1:${amHttp}`]);
    const local = { ...cfg, alerting, scrape_configs: cfg.scrape_configs.map((j) => ({ ...j, static_configs: j.static_configs.map((s) => ({ targets: s.targets.map((t) => moved[t] ?? t) })) })) };
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
    await alertmanager?.stop();
    await webhook?.stop();
    await pipeline?.stop();
    await alloy?.stop();
});

test("Loki, the collector's port (its own, host and container metrics) and Prometheus itself are scraped and up", async () => {
    const deadline = Date.now() + 30_000;
    let health: Record<string, string> = {};
    while (Date.now() < deadline) {
        const { activeTargets } = await get("/targets");
        health = Object.fromEntries(activeTargets.map((t: any) => [t.labels.job, t.health]));
        if (["loki", "alloy", "node", "cadvisor", "prometheus", "alertmanager"].every((j) => health[j] === "up")) break;
        await sleep(1000);
    }
    expect(health).toEqual(expect.objectContaining({ loki: "up", alloy: "up", node: "up", cadvisor: "up", prometheus: "up", alertmanager: "up" }));
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

test("LokiDiscardingLines' expression finds the lines this Loki refused over its ingestion limit, by reason", async () => {
    const rule = (yaml.load(renderAlertRules(settings)) as any).groups[0].rules.find((r: any) => r.alert === "LokiDiscardingLines");
    // One push larger than the burst the stack file allows: Loki refuses all of it with 429.
    const line = "x".repeat(1000);
    const count = Math.ceil((settings.loki.ingestionBurstSizeMb * 1048576 * 1.2) / line.length);
    const now = BigInt(Date.now()) * 1_000_000n;
    const values = Array.from({ length: count }, (_, i) => [`${now + BigInt(i)}`, line]);
    const push = await fetch(`${lokiBase}/loki/api/v1/push`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ streams: [{ stream: { job: "over-the-limit" }, values }] }),
    });
    expect(push.status).toBe(429);
    let result: any[] = [];
    for (const deadline = Date.now() + 30_000; result.length === 0 && Date.now() < deadline; await sleep(1000)) {
        result = (await get(`/query?${new URLSearchParams({ query: rule.expr })}`)).result;
    }
    expect(result.map((r: any) => r.metric.reason)).toEqual(["rate_limited"]);
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

let lokiStoppedAt = 0;
test("stopping Loki makes LokiDown pending, then firing within its `for`", async () => {
    await pipeline.loki.stop();
    const stoppedAt = Date.now();
    lokiStoppedAt = stoppedAt;
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

/** LokiDown notifications the receiver got, in order. */
const lokiDown = () => webhook.received.filter((n) => n.body.groupLabels?.alertname === "LokiDown");

test("LokiDown reaches the webhook through Alertmanager, then again after repeat_interval", async () => {
    expect(lokiStoppedAt).toBeGreaterThan(0);
    await webhook.waitFor(() => lokiDown().filter((n) => n.body.status === "firing").length >= 2, (REPEAT_SECONDS + 30) * 1000);
    const [first, second] = lokiDown().filter((n) => n.body.status === "firing");
    // The notification names the alert, its environment and its receiver; the route groups by name and environment.
    expect(first.body).toEqual(
        expect.objectContaining({ receiver: `${settings.namePrefix}-webhook`, status: "firing", groupLabels: { alertname: "LokiDown", environment: settings.environment } }),
    );
    expect(first.body.alerts.map((a: any) => [a.labels.alertname, a.labels.job, a.labels.severity, a.status])).toEqual([["LokiDown", "loki", "critical", "firing"]]);
    const delivered = first.at - lokiStoppedAt;
    console.log(`LokiDown: Loki stopped -> webhook in ${(delivered / 1000).toFixed(1)} s (for ${DOWN_FOR_SECONDS}s, scrape 2s, group_wait 1s); repeated after ${((second.at - first.at) / 1000).toFixed(1)} s`);
    expect(delivered).toBeLessThanOrEqual((DOWN_FOR_SECONDS + 15) * 1000);
    // Repeated no sooner than repeat_interval, and no later than one group_interval and an evaluation after it.
    expect(second.at - first.at).toBeGreaterThanOrEqual(REPEAT_SECONDS * 1000);
    expect(second.at - first.at).toBeLessThanOrEqual((REPEAT_SECONDS + 6) * 1000);
});

test("Loki back: the webhook gets LokiDown resolved", async () => {
    expect(lokiDown().some((n) => n.body.status === "resolved")).toBe(false);
    const startedAt = Date.now();
    const loki = pipeline.loki.again();
    try {
        // Prometheus sees Loki up as soon as /metrics answers, before Loki reports ready.
        await webhook.waitFor(() => lokiDown().some((n) => n.body.status === "resolved"), 90_000);
        const resolved = lokiDown().find((n) => n.body.status === "resolved")!;
        expect(resolved.body.alerts.map((a: any) => [a.labels.alertname, a.status])).toEqual([["LokiDown", "resolved"]]);
        console.log(`LokiDown resolved: Loki restarted -> webhook in ${((resolved.at - startedAt) / 1000).toFixed(1)} s`);
    } finally {
        await loki.stop();
    }
});

test("alerts are grouped by name: the collector's two exporter jobs down arrive in one notification", async () => {
    // The stand-in for Alloy stops: its own job (CollectorDown) and its two exporters' jobs (PrometheusTargetMissing,
    // with dev's application targets, which do not exist here).
    await alloy.stop();
    const jobs = (n: { body: any }) => n.body.alerts.filter((a: any) => a.status === "firing").map((a: any) => a.labels.job);
    const missing = () => webhook.received.filter((n) => n.body.groupLabels?.alertname === "PrometheusTargetMissing" && n.body.status === "firing");
    const both = (n: { body: any }) => ["node", "cadvisor"].every((j) => jobs(n).includes(j));
    await webhook.waitFor(() => missing().some(both) && webhook.received.some((n) => n.body.groupLabels?.alertname === "CollectorDown"), 60_000);
    const grouped = missing().find(both)!;
    console.log(`PrometheusTargetMissing: one notification for jobs ${jobs(grouped).sort().join(", ")}`);
    // CollectorDown is its own group: never in the same notification.
    expect(webhook.received.every((n) => new Set(n.body.alerts.map((a: any) => a.labels.alertname)).size === 1)).toBe(true);
});
