// Usage: node waitForAlert.mjs <receiver-url> <alertname> <container> <timeout-seconds>
// Exits 0 once the receiver holds a firing alert with that alertname and container label (Grafana's webhook
// payload: { alerts: [{ status, labels }] }), 1 when the time runs out.
const [url, alertname, container, timeout] = process.argv.slice(2);
if (!url || !alertname || !container) {
    console.error("usage: waitForAlert.mjs <receiver-url> <alertname> <container> [timeout-seconds]");
    process.exit(2);
}

function firing(payloads, name, label) {
    return payloads.some((p) => (p.alerts ?? []).some((a) => a.status === "firing" && a.labels?.alertname === name && a.labels?.container === label));
}

const deadline = Date.now() + Number(timeout ?? 300) * 1000;
for (;;) {
    try {
        const payloads = await (await fetch(`${url.replace(/\/$/, "")}/received`)).json();
        if (firing(payloads, alertname, container)) {
            console.log(`alert "${alertname}" for ${container} received after ${payloads.length} notification(s)`);
            process.exit(0);
        }
    } catch (e) {
        console.log(`receiver not answering yet: ${e.message}`);
    }
    if (Date.now() > deadline) {
        console.error(`no firing "${alertname}" alert for ${container} within ${timeout ?? 300}s`);
        process.exit(1);
    }
    await new Promise((r) => setTimeout(r, Number(process.env.POLL_MS ?? 5000)));
}
