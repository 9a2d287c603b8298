/**
 * scripts/e2e/checkMetrics.mjs, the e2e workflow's check of container and disk metrics, against a stand-in
 * Prometheus API answering what the real one answers (api/v1/query, vector results).
 */
import { spawn } from "child_process";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";

const SCRIPT = path.join(__dirname, "..", "..", "scripts", "e2e", "checkMetrics.mjs");

function prometheus(series: { memory: string[]; mounts: string[] }): Promise<{ url: string; close: () => void }> {
    const server = http.createServer((req, res) => {
        const q = new URL(req.url ?? "", "http://x").searchParams.get("query") ?? "";
        const result = q.startsWith("container_memory_usage_bytes")
            ? series.memory.map((name) => ({ metric: { __name__: "container_memory_usage_bytes", name, job: "cadvisor" }, value: [0, "1024"] }))
            : series.mounts.map((mountpoint) => ({ metric: { __name__: "node_filesystem_size_bytes", mountpoint, job: "node" }, value: [0, "1"] }));
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ status: "success", data: { resultType: "vector", result } }));
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() })));
}

function run(url: string): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [SCRIPT, url, "obs-dev", "loki,prometheus,alloy", "1"], { env: { ...process.env, POLL_MS: "200" } });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("exit", (code) => resolve({ code, out }));
    });
}

test("passes when every named container has a memory series and both data disks a filesystem series", async () => {
    const p = await prometheus({ memory: ["obs-dev-loki", "obs-dev-prometheus", "obs-dev-alloy", "other"], mounts: ["/data/loki", "/data/prometheus"] });
    try {
        expect(await run(p.url)).toEqual({ code: 0, out: expect.stringContaining("memory series for 3 containers") });
    } finally {
        p.close();
    }
});

test("fails naming what is missing: a container without memory series (cAdvisor could not create its handler), a disk", async () => {
    const p = await prometheus({ memory: ["obs-dev-loki", "obs-dev-prometheus"], mounts: ["/data/loki"] });
    try {
        const r = await run(p.url);
        expect(r.code).toBe(1);
        expect(r.out).toContain('container_memory_usage_bytes{name="obs-dev-alloy"}');
        expect(r.out).toContain('node_filesystem_size_bytes{mountpoint="/data/prometheus"}');
        expect(r.out).not.toContain('name="obs-dev-loki"');
    } finally {
        p.close();
    }
});

test("fails when Prometheus is not there", async () => {
    expect((await run("http://127.0.0.1:9")).code).toBe(1);
});
