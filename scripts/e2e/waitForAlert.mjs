// Usage: node waitForAlert.mjs <receiver-url> <alertname> <container | label=value> <timeout-seconds> [firing|resolved]
// Exits 0 once the receiver holds an alert with that alertname, label and status (firing by default), 1 when the
// time runs out. Grafana's and Alertmanager's webhook payloads both carry { alerts: [{ status, labels }] }.
// A bare third argument is a container name (Grafana's log alerts); Prometheus' alerts name a job (job=loki).
const [url, alertname, match, timeout, wanted = "firing"] = process.argv.slice(2);
if (!url || !alertname || !match) {
    console.error("usage: waitForAlert.mjs <receiver-url> <alertname> <container | label=value> [timeout-seconds] [firing|resolved]");
    process.exit(2);
}
const [key, value] = match.includes("=") ? match.split(/=(.*)/s) : ["container", match];

function found(payloads) {
    return payloads.some((p) => (p.alerts ?? []).some((a) => a.status === wanted && a.labels?.alertname === alertname && a.labels?.[key] === value));
}

const started = Date.now();
const deadline = started + Number(timeout ?? 300) * 1000;
for (;;) {
    try {
        const payloads = await (await fetch(`${url.replace(/\/$/, "")}/received`)).json();
        if (found(payloads)) {
            console.log(`${wanted} "${alertname}" for ${key}=${value} received after ${((Date.now() - started) / 1000).toFixed(0)} s (${payloads.length} notification(s) in all)`);
            process.exit(0);
        }
    } catch (e) {
        console.log(`receiver not answering yet: ${e.message}`);
    }
    if (Date.now() > deadline) {
        console.error(`no ${wanted} "${alertname}" alert for ${key}=${value} within ${timeout ?? 300}s`);
        process.exit(1);
    }
    await new Promise((r) => setTimeout(r, Number(process.env.POLL_MS ?? 5000)));
}
