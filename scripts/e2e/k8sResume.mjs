// Usage: GRAFANA_PASSWORD=... node k8sResume.mjs <grafana-url> <prefix> <node-log-lines> <settle-seconds> -- <restart command...>
// A new collector pod resumes where the last one stopped (its positions on the node) instead of sending the node's
// logs again. Through Grafana's Prometheus datasource, it reads how many lines Loki has received
// (loki_distributor_lines_received_total) and discarded, runs the restart command (the e2e workflow: the
// deletion of Alloy's pod, then its successor Ready), waits <settle-seconds> (a re-read takes seconds; Prometheus
// scrapes every 15 s), and reads them again. Lines sent again would be about <node-log-lines> (every line of the log
// files of the pods Alloy collects on the node, counted by the workflow just before); the check fails when half of
// that arrived, or when Loki discarded lines meanwhile (a re-read line over an hour older than its stream's newest is
// refused as too far behind).
// Exits 0 when it held, 1 when it did not (or the restart failed), 2 on bad usage.
import { spawnSync } from "node:child_process";

const dash = process.argv.indexOf("--");
const [grafana, prefix, nodeLines, settle] = process.argv.slice(2, dash < 0 ? undefined : dash);
const restart = dash < 0 ? [] : process.argv.slice(dash + 1);
const password = process.env.GRAFANA_PASSWORD;
if (!grafana || !prefix || !(Number(nodeLines) > 0) || !(Number(settle) >= 0) || restart.length === 0 || !password) {
    console.error("usage: GRAFANA_PASSWORD=... k8sResume.mjs <grafana-url> <prefix> <node-log-lines> <settle-seconds> -- <restart command...>");
    process.exit(2);
}
const auth = `Basic ${Buffer.from(`${process.env.GRAFANA_USER ?? "admin"}:${password}`).toString("base64")}`;
const sleep = (seconds) => new Promise((r) => setTimeout(r, seconds * 1000));

/** One number from an instant PromQL query through Grafana's datasource proxy; retried while Prometheus has none. */
async function scalar(query) {
    const deadline = Date.now() + Number(process.env.QUERY_TIMEOUT_S ?? 120) * 1000;
    for (;;) {
        const url = `${grafana.replace(/\/$/, "")}/api/datasources/proxy/uid/${prefix}-prometheus/api/v1/query?${new URLSearchParams({ query })}`;
        const response = await fetch(url, { headers: { authorization: auth } });
        const body = response.ok ? await response.json() : undefined;
        const value = body?.data?.result?.[0]?.value?.[1];
        if (value !== undefined) return Number(value);
        if (Date.now() > deadline) throw new Error(`${query}: no value (HTTP ${response.status})`);
        await sleep(Number(process.env.POLL_S ?? 5));
    }
}

const RECEIVED = 'sum(loki_distributor_lines_received_total{job="loki"})';
const DISCARDED = 'sum(loki_discarded_samples_total{job="loki"}) or vector(0)';
try {
    const [received0, discarded0] = [await scalar(RECEIVED), await scalar(DISCARDED)];
    const started = Date.now();
    const run = spawnSync(restart[0], restart.slice(1), { stdio: "inherit" });
    if (run.status !== 0) {
        console.error(`the restart command failed (exit ${run.status ?? run.error?.message})`);
        process.exit(1);
    }
    await sleep(Number(settle));
    const [received1, discarded1] = [await scalar(RECEIVED), await scalar(DISCARDED)];
    const received = received1 - received0;
    const discarded = discarded1 - discarded0;
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    console.log(`Loki received ${received} lines and discarded ${discarded} in the ${seconds} s from the restart; the node's pod logs hold ${nodeLines} lines`);
    if (received >= Number(nodeLines) / 2 || discarded > 0) {
        console.error("the new collector pod sent its node's logs again: its positions were not kept");
        process.exit(1);
    }
} catch (e) {
    console.error(e.message);
    process.exit(1);
}
