import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";

/**
 * scripts/e2e/k8sResume.mjs against a stand-in Grafana whose Prometheus datasource answers Loki's received and
 * discarded counters as Prometheus' instant query does (a `vector`), with one value before the restart command has
 * run (it creates a file) and another after: the check passes only when the restart sent far fewer lines than the
 * node holds and Loki discarded none.
 */
const SCRIPT = path.join(__dirname, "..", "..", "scripts", "e2e", "k8sResume.mjs");

interface Counters {
    received: number;
    discarded?: number;
}

function grafana(before: Counters, after: Counters, flag: string): Promise<{ url: string; close: () => void; queries: string[] }> {
    const queries: string[] = [];
    const server = http.createServer((req, res) => {
        const url = new URL(req.url!, "http://x");
        if (req.headers.authorization !== `Basic ${Buffer.from("admin:pw").toString("base64")}`) return res.writeHead(401).end();
        if (url.pathname !== "/api/datasources/proxy/uid/obs-cluster-prometheus/api/v1/query") return res.writeHead(404).end();
        const query = url.searchParams.get("query") ?? "";
        queries.push(query);
        const now = fs.existsSync(flag) ? after : before;
        const value = query.includes("loki_distributor_lines_received_total") ? now.received : query.includes("loki_discarded_samples_total") ? now.discarded : undefined;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ status: "success", data: { resultType: "vector", result: value === undefined ? [] : [{ metric: {}, value: [0, String(value)] }] } }));
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, close: () => server.close(), queries })));
}

function resume(url: string, nodeLines: number, restart: string[]): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [SCRIPT, url, "obs-cluster", String(nodeLines), "0", "--", ...restart], {
            env: { ...process.env, GRAFANA_PASSWORD: "pw", POLL_S: "0.05", QUERY_TIMEOUT_S: "1" },
        });
        let out = "";
        child.stdout.on("data", (b) => (out += b));
        child.stderr.on("data", (b) => (out += b));
        child.on("close", (code) => resolve({ code, out }));
    });
}

async function run(before: Counters, after: Counters, nodeLines = 10_000, restart?: string[]) {
    const flag = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "resume-")), "restarted");
    const g = await grafana(before, after, flag);
    try {
        return { ...(await resume(g.url, nodeLines, restart ?? [process.execPath, "-e", `require("fs").writeFileSync(${JSON.stringify(flag)}, "")`])), queries: g.queries };
    } finally {
        g.close();
    }
}

test("passes when the new pod sent only new lines and Loki discarded none", async () => {
    const r = await run({ received: 50_000, discarded: 3 }, { received: 50_120, discarded: 3 });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Loki received 120 lines and discarded 0 in the \d+ s from the restart; the node's pod logs hold 10000 lines/);
    expect(r.queries).toEqual(expect.arrayContaining(['sum(loki_distributor_lines_received_total{job="loki"})', 'sum(loki_discarded_samples_total{job="loki"}) or vector(0)']));
});

test("fails when the node's logs were sent again", async () => {
    const r = await run({ received: 50_000, discarded: 0 }, { received: 59_800, discarded: 0 });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/received 9800 lines/);
    expect(r.out).toMatch(/its positions were not kept/);
});

test("fails when Loki discarded lines meanwhile (old lines sent again)", async () => {
    const r = await run({ received: 50_000, discarded: 0 }, { received: 50_100, discarded: 40 });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/discarded 40/);
});

test("fails when the restart command fails, or Prometheus has no count of Loki's lines", async () => {
    const failed = await run({ received: 1, discarded: 0 }, { received: 1, discarded: 0 }, 10_000, [process.execPath, "-e", "process.exit(3)"]);
    expect(failed.code).toBe(1);
    expect(failed.out).toMatch(/the restart command failed \(exit 3\)/);
    const none = await run({ received: undefined as unknown as number }, { received: 1 });
    expect(none.code).toBe(1);
    expect(none.out).toMatch(/loki_distributor_lines_received_total\{job="loki"\}\): no value/);
});

test("refuses bad usage", async () => {
    const r = await new Promise<number | null>((resolve) => spawn(process.execPath, [SCRIPT, "http://127.0.0.1:1", "obs-cluster", "many", "0", "--", "true"], { env: { ...process.env, GRAFANA_PASSWORD: "pw" } }).on("close", resolve));
    expect(r).toBe(2);
});
