/**
 * alertmanager.yml for every stack file and every contact-point kind, checked by the real amtool (Debian's
 * prometheus-alertmanager 0.25, or AMTOOL_BIN, or the pinned image's /bin/amtool): the file loads, and
 * LokiDown from the stack's environment routes to the contact point's receiver.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { renderAlertmanagerConfig } from "../../configs/alertmanager";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { tool } from "../harness/tools";
import { stackConfig, stacks } from "../harness/stackFiles";
import { tempDir } from "../real/binaries";

const HOOK = "https://hooks.example.com/services/T000/B000/not-a-real-path";
const PASSWORD = "relay-password-for-tests";
const SMTP = { host: "smtp.example.com:587", from: "alerts@example.com" };
/** Each kind, as a stack file would set it; the secrets as `pulumi config set --secret` would. */
const KINDS: Array<[string, Record<string, unknown>, { contactPointUrl?: string; smtpPassword?: string }]> = [
    ["webhook", { contactPoint: { kind: "webhook" } }, { contactPointUrl: HOOK }],
    ["slack", { contactPoint: { kind: "slack" } }, { contactPointUrl: HOOK }],
    ["email with a relay login", { contactPoint: { kind: "email", addresses: ["oncall@example.com", "lead@example.com"] }, smtp: { ...SMTP, user: "relay" } }, { smtpPassword: PASSWORD }],
    ["none", { contactPoint: { kind: "none" } }, {}],
];

function write(content: string): string {
    const file = path.join(tempDir("alertmanager-config"), "alertmanager.yml");
    fs.writeFileSync(file, content);
    return file;
}

function amtool(args: string[]): { ok: boolean; output: string } {
    const r = tool("amtool").run(args);
    return { ok: r.status === 0, output: r.stdout + r.stderr };
}

/** The receiver amtool routes an alert to. */
function routeOf(file: string, labels: Record<string, string>): string {
    const r = tool("amtool").run(["config", "routes", "test", `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
    expect([r.status, r.stderr]).toEqual([0, expect.not.stringMatching(/error/i)]);
    return r.stdout.trim();
}

describe.each(stacks())("%s", (stack) => {
    const base = rawConfig(stackConfig(stack));

    test("the stack file's own contact point: amtool loads the file; LokiDown goes to that receiver", () => {
        const settings = parseSettings(stack, base);
        const secrets = settings.grafana.contactPoint.kind === "email" ? { smtpPassword: PASSWORD } : { contactPointUrl: HOOK };
        const file = write(renderAlertmanagerConfig(settings, secrets));
        const check = amtool(["check-config", file]);
        expect(check.output).toContain("SUCCESS");
        expect(check.ok).toBe(true);
        const kind = settings.grafana.contactPoint.kind;
        expect(routeOf(file, { alertname: "LokiDown", environment: settings.environment, severity: "critical" })).toBe(kind === "none" ? "none" : `${settings.namePrefix}-${kind}`);
    });

    test.each(KINDS)("%s: amtool loads it; every alert reaches the receiver, which sends the resolution too", (kind, grafana, secrets) => {
        const settings = parseSettings(stack, { ...base, grafana: { ...(base.grafana as object), ...grafana } });
        const text = renderAlertmanagerConfig(settings, secrets);
        const file = write(text);
        const check = amtool(["check-config", file]);
        expect([check.ok, check.output]).toEqual([true, expect.stringContaining("SUCCESS")]);
        const receiver = kind === "none" ? "none" : `${settings.namePrefix}-${kind.split(" ")[0]}`;
        for (const alertname of ["LokiDown", "CollectorDown", "DataDiskFilling", "SomethingNew"]) {
            expect(routeOf(file, { alertname, environment: settings.environment })).toBe(receiver);
        }
        const parsed = yaml.load(text) as any;
        const [r] = parsed.receivers;
        if (kind === "webhook") expect(r.webhook_configs).toEqual([{ url: HOOK, send_resolved: true }]);
        if (kind === "slack") expect(r.slack_configs).toEqual([{ api_url: HOOK, send_resolved: true }]);
        if (kind.startsWith("email")) {
            expect(r.email_configs).toEqual([{ to: "oncall@example.com, lead@example.com", send_resolved: true }]);
            expect(parsed.global).toEqual({ smtp_smarthost: SMTP.host, smtp_from: SMTP.from, smtp_auth_username: "relay", smtp_auth_password: PASSWORD });
        }
        if (kind === "none") expect(Object.keys(r)).toEqual(["name"]);
    });

    test("batching and repeats are the stack's settings, the same as Grafana's notification policy", () => {
        const settings = parseSettings(stack, { ...base, alerts: { ...(base.alerts as object), groupWait: "10s", groupInterval: "1m", repeatInterval: "2h" } });
        const route = (yaml.load(renderAlertmanagerConfig(settings, { contactPointUrl: HOOK, smtpPassword: PASSWORD })) as any).route;
        expect([route.group_wait, route.group_interval, route.repeat_interval]).toEqual(["10s", "1m", "2h"]);
        expect(route.group_by).toEqual(["alertname", "environment"]);
    });
});

test("amtool is the real one: it refuses a route to a receiver that does not exist", () => {
    const settings = parseSettings("dev", rawConfig(stackConfig("dev")));
    const broken = renderAlertmanagerConfig(settings, {}).replace(/receiver: none/, "receiver: nobody");
    const check = amtool(["check-config", write(broken)]);
    expect(check.ok).toBe(false);
    expect(check.output).toMatch(/undefined receiver "nobody"/);
});
