import { spawn } from "child_process";
import * as http from "http";
import * as net from "net";
import * as path from "path";

/**
 * scripts/e2e/k8sSmoke.mjs against a stand-in Grafana that answers the datasource proxy's Loki and Prometheus APIs
 * with what the real ones return (Loki's query_range `streams` result, Prometheus' instant-query `vector`): it passes
 * only when a traceback arrived whole, Falco's events carry a priority and Loki is up, and names what is missing.
 */
const SCRIPT = path.join(__dirname, "..", "..", "scripts", "e2e", "k8sSmoke.mjs");
const TRACEBACK = 'Traceback (most recent call last):\n  File "/app.py", line 4, in <module>\n    raise ValueError("boom")\nValueError: boom';

function grafana(answers: { traceback: string[]; falco: number; lokiUp: boolean }): Promise<{ url: string; close: () => void; queries: string[] }> {
    const queries: string[] = [];
    const server = http.createServer((req, res) => {
        const url = new URL(req.url!, "http://x");
        if (req.headers.authorization !== `Basic ${Buffer.from("admin:pw").toString("base64")}`) return res.writeHead(401).end();
        const query = url.searchParams.get("query") ?? "";
        queries.push(`${url.pathname} ${query}`);
        res.setHeader("content-type", "application/json");
        if (url.pathname === "/api/datasources/proxy/uid/obs-cluster-loki/loki/api/v1/query_range") {
            const result = query.includes("obs-cluster-falco")
                ? answers.falco > 0
                    ? [{ stream: { container: "obs-cluster-falco", priority: "Warning" }, values: Array.from({ length: answers.falco }, (_, i) => [`${i}`, '{"rule":"Shell in observability stack container"}']) }]
                    : []
                : [{ stream: { job: "kubernetes", container: "traceback-app" }, values: answers.traceback.map((l, i) => [`${i}`, l]) }];
            return res.end(JSON.stringify({ status: "success", data: { resultType: "streams", result } }));
        }
        if (url.pathname === "/api/datasources/proxy/uid/obs-cluster-prometheus/api/v1/query") {
            return res.end(JSON.stringify({ status: "success", data: { resultType: "vector", result: answers.lokiUp ? [{ metric: { job: "loki" }, value: [0, "1"] }] : [] } }));
        }
        res.writeHead(404).end();
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, close: () => server.close(), queries })));
}

function smoke(url: string): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [SCRIPT, url, "obs-cluster", "cluster", "traceback-app", "1"], { env: { ...process.env, GRAFANA_PASSWORD: "pw", POLL_MS: "100" } });
        let out = "";
        child.stdout.on("data", (b) => (out += b));
        child.stderr.on("data", (b) => (out += b));
        child.on("close", (code) => resolve({ code, out }));
    });
}

test("passes when the traceback is one entry, Falco's events carry priority and Loki is up", async () => {
    const g = await grafana({ traceback: [TRACEBACK], falco: 2, lokiUp: true });
    const r = await smoke(g.url);
    g.close();
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/traceback whole in one entry \(4 lines\)/);
    expect(g.queries).toContainEqual('/api/datasources/proxy/uid/obs-cluster-loki/loki/api/v1/query_range {job="kubernetes", environment="cluster", container="traceback-app"} |= "Traceback (most recent call last)"');
});

test("fails, naming it, when the traceback arrived split into lines", async () => {
    const g = await grafana({ traceback: TRACEBACK.split("\n"), falco: 2, lokiUp: true });
    const r = await smoke(g.url);
    g.close();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/not within 1s: traceback$/m);
});

test("fails, naming them, without Falco events or with Loki down", async () => {
    const g = await grafana({ traceback: [TRACEBACK], falco: 0, lokiUp: false });
    const r = await smoke(g.url);
    g.close();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/not within 1s: falco, lokiScraped$/m);
});
