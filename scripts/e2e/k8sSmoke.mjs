// Usage: GRAFANA_PASSWORD=... node k8sSmoke.mjs <grafana-url> <prefix> <environment> <python-container> <timeout-seconds>
// The Kubernetes stack's end-to-end check, through Grafana's datasource proxy (what a person's Grafana reads):
//   1. a Python traceback written by a pod arrives as ONE entry, with the stack's labels (job=kubernetes, the
//      environment, the container, its namespace);
//   2. Falco's events arrive with their `priority` label (the e2e workflow has just run a shell in a stack pod);
//   3. Prometheus scrapes Loki: up{job="loki"} == 1.
// Exits 0 when all three hold, 1 when the time runs out (saying which did not), 2 on bad usage.
const [grafana, prefix, environment, container, timeout = "300"] = process.argv.slice(2);
const password = process.env.GRAFANA_PASSWORD;
if (!grafana || !prefix || !environment || !container || !password) {
    console.error("usage: GRAFANA_PASSWORD=... k8sSmoke.mjs <grafana-url> <prefix> <environment> <python-container> [timeout-seconds]");
    process.exit(2);
}
const auth = `Basic ${Buffer.from(`${process.env.GRAFANA_USER ?? "admin"}:${password}`).toString("base64")}`;
const base = grafana.replace(/\/$/, "");

async function get(path, params) {
    const response = await fetch(`${base}${path}?${new URLSearchParams(params)}`, { headers: { authorization: auth } });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
    return response.json();
}

const sinceNs = () => String((Date.now() - 3600_000) * 1e6);
const logs = (query) => get(`/api/datasources/proxy/uid/${prefix}-loki/loki/api/v1/query_range`, { query, start: sinceNs(), limit: "50", direction: "backward" });

const checks = {
    async traceback() {
        const body = await logs(`{job="kubernetes", environment="${environment}", container="${container}"} |= "Traceback (most recent call last)"`);
        for (const stream of body.data?.result ?? []) {
            const whole = stream.values.find(([, line]) => line.includes("Traceback (most recent call last)") && /\n\s+File "/.test(line) && /\nValueError: /.test(line));
            if (whole) return `traceback whole in one entry (${whole[1].split("\n").length} lines), labels ${JSON.stringify(stream.stream)}`;
        }
        return undefined;
    },
    async falco() {
        const body = await logs(`{job="kubernetes", environment="${environment}", container="${prefix}-falco", priority=~".+"}`);
        const stream = (body.data?.result ?? []).find((s) => s.values.length > 0);
        return stream ? `${stream.values.length} Falco event(s) with priority="${stream.stream.priority}", e.g. ${stream.values[0][1].slice(0, 160)}` : undefined;
    },
    async lokiScraped() {
        const body = await get(`/api/datasources/proxy/uid/${prefix}-prometheus/api/v1/query`, { query: 'up{job="loki"} == 1' });
        const n = body.data?.result?.length ?? 0;
        return n > 0 ? `up{job="loki"} == 1 for ${n} target(s)` : undefined;
    },
};

const started = Date.now();
const deadline = started + Number(timeout) * 1000;
const passed = {};
for (;;) {
    for (const [name, check] of Object.entries(checks)) {
        if (passed[name]) continue;
        try {
            const ok = await check();
            if (ok) {
                passed[name] = ok;
                console.log(`${name}: ${ok} (after ${((Date.now() - started) / 1000).toFixed(0)} s)`);
            }
        } catch (e) {
            console.log(`${name}: not yet (${e.message})`);
        }
    }
    if (Object.keys(passed).length === Object.keys(checks).length) process.exit(0);
    if (Date.now() > deadline) {
        console.error(`not within ${timeout}s: ${Object.keys(checks).filter((n) => !passed[n]).join(", ")}`);
        process.exit(1);
    }
    await new Promise((r) => setTimeout(r, Number(process.env.POLL_MS ?? 5000)));
}
