import { ChildProcess, spawn, spawnSync } from "child_process";
import * as net from "net";
import * as path from "path";

const DIR = path.join(__dirname, "..", "..", "scripts", "e2e");
let receiver: ChildProcess;
let url: string;

function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const s = net.createServer().listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    receiver = spawn(process.execPath, [path.join(DIR, "webhookReceiver.mjs")], { env: { ...process.env, PORT: String(port), HOST: "127.0.0.1" }, stdio: "pipe" });
    await new Promise<void>((resolve) => receiver.stdout!.once("data", () => resolve()));
});
afterAll(() => receiver?.kill());

/** A notification as Grafana's webhook contact point sends it (docs: alerting/configure-notifications/.../webhook-notifier). */
function grafanaPayload(status: "firing" | "resolved", container: string) {
    return {
        receiver: "obs-dev-webhook",
        status,
        alerts: [{ status, labels: { alertname: "Error rate per container", container, environment: "dev", grafana_folder: "Observability stack (dev)" }, annotations: { summary: "More than 10 error lines" } }],
        groupLabels: { alertname: "Error rate per container" },
        commonLabels: { alertname: "Error rate per container", container },
        version: "1",
    };
}

const post = (body: unknown) => fetch(`${url}/alert`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const wait = (container: string) =>
    spawnSync(process.execPath, [path.join(DIR, "waitForAlert.mjs"), url, "Error rate per container", container, "1"], { encoding: "utf8", env: { ...process.env, POLL_MS: "200" } });

test("the receiver keeps what Grafana posts and lists it", async () => {
    expect((await post(grafanaPayload("resolved", "web"))).status).toBe(200);
    expect((await fetch(`${url}/alert`, { method: "POST", body: "not json" })).status).toBe(400);
    const received = await (await fetch(`${url}/received`)).json();
    expect(received).toEqual([grafanaPayload("resolved", "web")]);
});

test("the wait fails without a firing alert for that container (a resolved one, or another container's)", async () => {
    await post(grafanaPayload("firing", "other-app"));
    const r = wait("web");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no firing "Error rate per container" alert for container=web/);
});

test("the wait succeeds once the firing alert for that container arrives", async () => {
    await post(grafanaPayload("firing", "web"));
    const r = wait("web");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/received/);
});

test("the wait fails when the receiver is not there", () => {
    const r = spawnSync(process.execPath, [path.join(DIR, "waitForAlert.mjs"), "http://127.0.0.1:9", "A", "b", "1"], { encoding: "utf8", env: { ...process.env, POLL_MS: "200" } });
    expect(r.status).toBe(1);
});

/** A notification as Alertmanager's webhook sends it (prometheus/alertmanager notify/webhook Message). */
function alertmanagerPayload(status: "firing" | "resolved") {
    return {
        receiver: "obs-dev-webhook",
        status,
        alerts: [{ status, labels: { alertname: "LokiDown", environment: "dev", instance: "loki:3100", job: "loki", severity: "critical" }, annotations: {} }],
        groupLabels: { alertname: "LokiDown", environment: "dev" },
        version: "4",
    };
}

test("Prometheus' alerts through Alertmanager: matched by a label, firing then resolved", async () => {
    const waitFor = (status: string) =>
        spawnSync(process.execPath, [path.join(DIR, "waitForAlert.mjs"), url, "LokiDown", "job=loki", "1", status], { encoding: "utf8", env: { ...process.env, POLL_MS: "200" } });
    expect(waitFor("firing").status).toBe(1);
    await post(alertmanagerPayload("firing"));
    expect(waitFor("firing").status).toBe(0);
    expect(waitFor("resolved").status).toBe(1);
    await post(alertmanagerPayload("resolved"));
    const r = waitFor("resolved");
    expect([r.status, r.stdout]).toEqual([0, expect.stringMatching(/resolved "LokiDown" for job=loki received/)]);
});
