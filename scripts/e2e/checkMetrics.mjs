// Usage: node checkMetrics.mjs <prometheus-url> <prefix> <service,service,...> [timeout-seconds]
// Exits 0 once Prometheus holds container_memory_usage_bytes for every named service's container (<prefix>-<service>,
// cAdvisor's `name` label) and a host filesystem series for each data disk (the exporter's /data/<service>
// mounts of Loki's and Prometheus' volumes); 1 when the time runs out, printing what it found.
const [url, prefix, services, timeout] = process.argv.slice(2);
if (!url || !prefix || !services) {
    console.error("usage: checkMetrics.mjs <prometheus-url> <prefix> <service,...> [timeout-seconds]");
    process.exit(2);
}
const containers = services.split(",").map((s) => `${prefix}-${s}`);
const disks = ["/data/loki", "/data/prometheus"];

async function query(q) {
    const res = await fetch(`${url.replace(/\/$/, "")}/api/v1/query?${new URLSearchParams({ query: q })}`);
    const body = await res.json();
    if (body.status !== "success") throw new Error(`${q}: ${JSON.stringify(body)}`);
    return body.data.result;
}

let missing = [];
const deadline = Date.now() + Number(timeout ?? 300) * 1000;
for (;;) {
    try {
        const memory = (await query("container_memory_usage_bytes")).map((r) => r.metric.name);
        const filesystems = (await query('node_filesystem_size_bytes{mountpoint=~"/data/.+"}')).map((r) => r.metric.mountpoint);
        missing = [...containers.filter((c) => !memory.includes(c)).map((c) => `container_memory_usage_bytes{name="${c}"}`), ...disks.filter((d) => !filesystems.includes(d)).map((d) => `node_filesystem_size_bytes{mountpoint="${d}"}`)];
        if (missing.length === 0) {
            console.log(`memory series for ${containers.length} containers (${memory.filter((n) => containers.includes(n)).length} of the stack's), filesystem series for ${disks.join(", ")}`);
            process.exit(0);
        }
    } catch (e) {
        missing = [e.message];
    }
    if (Date.now() > deadline) {
        console.error(`missing after ${timeout ?? 300}s:\n  ${missing.join("\n  ")}`);
        process.exit(1);
    }
    await new Promise((r) => setTimeout(r, Number(process.env.POLL_MS ?? 5000)));
}
