/**
 * `npm run smoke`'s decisions, with its I/O replaced: which URLs it asks, what it counts as a pass, and the
 * one line it prints for each failure. tests/real/smoke.test.ts runs the same checks against the real Loki.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { dashboardSpecs } from "../../configs/grafana/dashboards";
import { datasourceUids } from "../../configs/grafana/selectors";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { Settings } from "../../settings/types";
import { checks, dockerWriter, endpoints, main, smoke, SmokeIo } from "../../scripts/smoke";
import { stackConfig } from "../harness/stackFiles";

const settingsOf = (stack: string, overrides: Record<string, unknown> = {}) => parseSettings(stack, rawConfig(stackConfig(stack, overrides)));

/** What the stack file itself says is published (the contract the smoke check reads its URLs from). */
function published(stack: string): Record<string, any> {
    const file = yaml.load(fs.readFileSync(path.join(__dirname, "..", "..", `Pulumi.${stack}.yaml`), "utf8")) as any;
    return file.config["observability:publish"];
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("endpoints: where the smoke check looks", () => {
    test("dev: Loki, Grafana and Prometheus on the published address and ports", () => {
        const p = published("dev");
        expect(p.loki).toBeDefined();
        const ep = endpoints(settingsOf("dev"), "pw");
        expect(ep.loki).toBe(`http://${p.address}:${p.loki}`);
        expect(ep.grafana).toBe(`http://${p.address}:${p.grafana}`);
        expect(ep.prometheus).toBe(`http://${p.address}:${p.prometheus}`);
    });

    test("staging publishes no Loki port: Loki is reached through Grafana's datasource proxy", () => {
        const p = published("staging");
        expect(p.loki).toBeUndefined();
        const s = settingsOf("staging");
        expect(endpoints(s, "pw").loki).toBe(`http://${p.address}:${p.grafana}/api/datasources/proxy/uid/${datasourceUids(s).loki}`);
    });

    test("ports bound to every interface are checked on loopback; a specific address is used as it is", () => {
        const s = settingsOf("dev");
        const all = { ...s, publish: { ...s.publish, address: "0.0.0.0" } } as Settings;
        expect(endpoints(all, "pw").grafana).toBe(`http://127.0.0.1:${published("dev").grafana}`);
        const lan = { ...s, publish: { ...s.publish, address: "10.20.30.40" } } as Settings;
        expect(endpoints(lan, "pw").grafana).toBe(`http://10.20.30.40:${published("dev").grafana}`);
    });

    test("an external Grafana is checked at its URL", () => {
        const s = settingsOf("dev");
        const ext = { ...s, grafana: { ...s.grafana, externalUrl: "https://grafana.example.com" } } as Settings;
        expect(endpoints(ext, "pw").grafana).toBe("https://grafana.example.com");
    });

    test("Grafana credentials: the stack's admin user by default, GRAFANA_USER when given; none without a password", () => {
        const s = settingsOf("dev");
        expect(endpoints(s, "pw").grafanaAuth).toBe(basic(s.grafana.adminUser, "pw"));
        expect(endpoints(s, "pw", "ops").grafanaAuth).toBe(basic("ops", "pw"));
        expect(endpoints(s, undefined).grafanaAuth).toBeUndefined();
    });
});

interface Call {
    readonly url: string;
    readonly auth?: string;
}

/** A deployed stack as the smoke check sees it: every answer can be changed per test. */
function world(settings: Settings, overrides: Partial<Record<"ready" | "datasources" | "dashboards" | "targets", unknown>> & { line?: (attempt: number) => unknown[] } = {}) {
    const calls: Call[] = [];
    const written: Array<{ name: string; labels: Record<string, string>; line: string }> = [];
    let clock = 1_700_000_000_000;
    let polls = 0;
    const answer = (status: number, body?: unknown) => new Response(body === undefined ? null : JSON.stringify(body), { status });
    const fetch = (async (url: string, init?: RequestInit) => {
        calls.push({ url, auth: (init?.headers as Record<string, string> | undefined)?.Authorization });
        const { pathname } = new URL(url);
        if (pathname.endsWith("/ready")) return answer((overrides.ready as number) ?? 200);
        if (pathname.endsWith("/loki/api/v1/query_range")) {
            polls++;
            const streams = overrides.line ? overrides.line(polls) : [{ stream: { service: "smoke" }, values: [] }];
            return answer(200, streams === undefined ? { status: "error", error: "query timed out" } : { status: "success", data: { result: streams } });
        }
        if (pathname === "/api/datasources") return answer(200, overrides.datasources ?? Object.values(datasourceUids(settings)).map((uid) => ({ uid })));
        if (pathname === "/api/search") return answer(200, overrides.dashboards ?? dashboardSpecs(settings).map((d) => ({ uid: d.uid })));
        if (pathname === "/api/v1/targets") {
            const t = overrides.targets;
            if (typeof t === "number") return answer(t);
            return answer(200, { status: "success", data: { activeTargets: t ?? [{ labels: { job: "loki" }, health: "up" }] } });
        }
        return answer(404);
    }) as typeof globalThis.fetch;
    const io: SmokeIo = {
        fetch,
        writeLine: async (name, labels, line) => void written.push({ name, labels, line }),
        now: () => clock,
        sleep: async (ms) => void (clock += ms),
    };
    return { io, calls, written, polls: () => polls, startedAt: clock };
}

async function run(settings: Settings, w: ReturnType<typeof world>, password: string | undefined = "pw") {
    const lines: string[] = [];
    const code = await smoke(checks(settings, endpoints(settings, password), w.io, "smoke-unique"), (l) => lines.push(l));
    return { code, lines };
}

describe("npm run smoke: a healthy stack", () => {
    const settings = settingsOf("dev");

    test("every check passes, one line each, exit 0", async () => {
        const w = world(settings);
        const { code, lines } = await run(settings, w);
        expect(code).toBe(0);
        expect(lines).toEqual([
            "ok   Loki ready: ready",
            "ok   a new container's line reaches Loki with its labels: found after 0 s",
            "ok   Grafana lists both datasources: 2 datasources",
            `ok   Grafana lists every dashboard: ${dashboardSpecs(settings).length} dashboards`,
            "ok   Prometheus reports every target up: 1 targets up",
        ]);
    });

    test("the line comes from a container named and labelled as the stack's, and is searched with the dashboards' labels", async () => {
        const w = world(settings);
        await run(settings, w);
        const name = `${settings.namePrefix}-smoke-unique`;
        expect(w.written).toEqual([{ name, labels: { "observability.stack": settings.namePrefix, "observability.component": "smoke" }, line: "smoke-unique" }]);
        const query = new URL(w.calls.find((c) => c.url.includes("query_range"))!.url).searchParams;
        expect(query.get("query")).toBe(`{job="docker", environment="${settings.environment}", container="${name}"} |= "smoke-unique"`);
        // From five minutes before the line was written, in nanoseconds.
        expect(query.get("start")).toBe(`${BigInt(w.startedAt - 5 * 60_000) * 1_000_000n}`);
    });

    test("Grafana is asked with the credentials; a directly published Loki without them", async () => {
        const w = world(settings);
        await run(settings, w);
        const auth = basic(settings.grafana.adminUser, "pw");
        for (const c of w.calls) expect({ url: c.url, auth: c.auth }).toEqual({ url: c.url, auth: c.url.startsWith(endpoints(settings, "pw").grafana!) ? auth : undefined });
        expect(w.calls.some((c) => c.auth === auth)).toBe(true);
    });

    test("through Grafana's proxy (staging) Loki is asked with Grafana's credentials", async () => {
        const staging = settingsOf("staging");
        const w = world(staging);
        expect((await run(staging, w)).code).toBe(0);
        const lokiCalls = w.calls.filter((c) => c.url.includes("/api/datasources/proxy/"));
        expect(lokiCalls.length).toBeGreaterThanOrEqual(2);
        for (const c of lokiCalls) expect(c.auth).toBe(basic(staging.grafana.adminUser, "pw"));
    });

    test("the line may take a while: Loki is polled every 2 s until it appears", async () => {
        const w = world(settings, { line: (attempt) => (attempt < 4 ? [] : [{ stream: { service: "smoke" } }]) });
        const { code, lines } = await run(settings, w);
        expect(code).toBe(0);
        expect(w.polls()).toBe(4);
        expect(lines[1]).toBe("ok   a new container's line reaches Loki with its labels: found after 6 s");
    });

    test("without Grafana or Prometheus published, only Loki is checked", async () => {
        const s = settingsOf("dev");
        const lokiOnly = { ...s, publish: { ...s.publish, ports: { loki: s.publish.ports.loki } } } as Settings;
        const w = world(lokiOnly);
        const { code, lines } = await run(lokiOnly, w);
        expect(code).toBe(0);
        expect(lines.map((l) => l.split(":")[0])).toEqual(["ok   Loki ready", "ok   a new container's line reaches Loki with its labels"]);
        // Grafana's credentials are for Grafana (and Loki through it) only.
        expect(w.calls.map((c) => c.auth)).toEqual(w.calls.map(() => undefined));
    });
});

describe("npm run smoke: each failure is one FAIL line and exit 1", () => {
    const settings = settingsOf("dev");
    const failing = async (w: ReturnType<typeof world>) => {
        const { code, lines } = await run(settings, w);
        expect(code).toBe(1);
        return lines.filter((l) => l.startsWith("FAIL"));
    };

    test("Loki not ready", async () => {
        expect(await failing(world(settings, { ready: 503 }))).toEqual(["FAIL Loki ready: /ready answered 503"]);
    });

    test("the line never arrives: given up after 60 s, naming the query", async () => {
        const w = world(settings, { line: () => [] });
        const [fail] = await failing(w);
        expect(fail).toMatch(/^FAIL a new container's line reaches Loki with its labels: not in Loki after 60 s: \{job="docker"/);
        expect(w.polls()).toBe(30);
    });

    test("Loki answers without data (an error body): polled like an empty answer until the deadline", async () => {
        const w = world(settings, { line: () => undefined as unknown as unknown[] });
        const [fail] = await failing(w);
        expect(fail).toMatch(/^FAIL a new container's line reaches Loki with its labels: not in Loki after 60 s/);
    });

    test("the line arrives without the service label the dashboards select on", async () => {
        const w = world(settings, { line: () => [{ stream: { service: "ecommerce-dashboard" } }] });
        expect(await failing(w)).toEqual(["FAIL a new container's line reaches Loki with its labels: service label is ecommerce-dashboard, not smoke"]);
    });

    test("a datasource missing", async () => {
        const w = world(settings, { datasources: [{ uid: datasourceUids(settings).loki }] });
        expect(await failing(w)).toEqual([`FAIL Grafana lists both datasources: missing ${datasourceUids(settings).prometheus}`]);
    });

    test("a dashboard missing", async () => {
        const [first, ...rest] = dashboardSpecs(settings).map((d) => d.uid);
        const w = world(settings, { dashboards: rest.map((uid) => ({ uid })) });
        expect(await failing(w)).toEqual([`FAIL Grafana lists every dashboard: missing ${first}`]);
    });

    test("a target down, named with its health", async () => {
        const w = world(settings, { targets: [{ labels: { job: "loki" }, health: "up" }, { labels: { job: "grafana" }, health: "down" }] });
        expect(await failing(w)).toEqual(["FAIL Prometheus reports every target up: down: grafana (down)"]);
    });

    test("no targets at all", async () => {
        expect(await failing(world(settings, { targets: [] }))).toEqual(["FAIL Prometheus reports every target up: no targets"]);
    });

    test("an API that refuses: the URL and its status", async () => {
        const [fail] = await failing(world(settings, { targets: 401 }));
        expect(fail).toBe(`FAIL Prometheus reports every target up: ${endpoints(settings, "pw").prometheus}/api/v1/targets answered 401`);
    });
});

describe("npm run smoke -- <stack>", () => {
    test("without a stack: usage, exit 1", async () => {
        const errors: string[] = [];
        expect(await main([], {}, () => undefined, (m) => errors.push(m))).toBe(1);
        expect(errors).toEqual(["usage: npm run smoke -- <stack>"]);
    });

    test("reads the stack file and GRAFANA_USER / GRAFANA_PASSWORD, prints one line per check", async () => {
        const settings = settingsOf("dev");
        const w = world(settings);
        const lines: string[] = [];
        const code = await main(["dev"], { GRAFANA_USER: "ops", GRAFANA_PASSWORD: "s3cret" }, (l) => lines.push(l), () => undefined, (s) => {
            expect(s.namePrefix).toBe(settings.namePrefix);
            return w.io;
        });
        expect(code).toBe(0);
        expect(lines).toHaveLength(5);
        const grafanaCalls = w.calls.filter((c) => c.url.includes("/api/"));
        expect(grafanaCalls.length).toBeGreaterThan(0);
        for (const c of grafanaCalls.filter((c) => c.url.startsWith(endpoints(settings, "x").grafana!))) expect(c.auth).toBe(basic("ops", "s3cret"));
        expect(w.written[0].name).toMatch(new RegExp(`^${settings.namePrefix}-smoke-`));
    });
});

describe("dockerWriter: the container that writes the smoke line", () => {
    test("named and labelled as asked, from the given image, its line on stdout in the json-file log, then removed", async () => {
        jest.useFakeTimers();
        try {
            const calls: string[] = [];
            let spec: any;
            const container = {
                start: async () => void calls.push("start"),
                remove: async (o: unknown) => void calls.push(`remove ${JSON.stringify(o)}`),
            };
            const docker = { createContainer: async (s: unknown) => ((spec = s), calls.push("create"), container) } as any;
            await dockerWriter(docker, "prom/prometheus:v3")("obs-dev-smoke-x", { "observability.component": "smoke" }, "smoke-x");
            expect(spec.name).toBe("obs-dev-smoke-x");
            expect(spec.Image).toBe("prom/prometheus:v3");
            expect(spec.Labels).toEqual({ "observability.component": "smoke" });
            expect(spec.HostConfig.LogConfig.Type).toBe("json-file");
            // The command prints the line: run it the way the image's shell would.
            expect(spec.Entrypoint).toEqual(["/bin/sh", "-c"]);
            expect(spec.Cmd).toHaveLength(1);
            expect(spec.Cmd[0]).toMatch(/^echo smoke-x; sleep \d+$/);
            expect(calls).toEqual(["create", "start"]);
            // Kept long enough for the collector to read it (the line stays in Loki), then removed by force.
            const sleep = Number(/sleep (\d+)/.exec(spec.Cmd[0])![1]);
            jest.advanceTimersByTime(sleep * 1000);
            expect(calls).toEqual(["create", "start"]);
            jest.advanceTimersByTime(60_000);
            await Promise.resolve();
            expect(calls).toEqual(["create", "start", 'remove {"force":true}']);
        } finally {
            jest.useRealTimers();
        }
    });
});
