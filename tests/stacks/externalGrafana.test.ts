import { byType, isSecret, one, plainStrings, reveal, runProgram, stackConfig, ProgramRun } from "../harness/mocks";

// The staging stack file, pointed at an existing Grafana with a webhook contact point: the same content,
// no Grafana container, credentials and URL only as secrets.
const AUTH = "svc-token-for-tests";
const HOOK = "https://hooks.example.com/T000/secret-path";
let run: ProgramRun;

beforeAll(async () => {
    const config = stackConfig("staging", {
        "observability:grafana": { externalUrl: "https://grafana.example.com", contactPoint: { kind: "webhook" } },
        "observability:grafanaAuth": AUTH,
        "observability:contactPointUrl": HOOK,
    });
    run = await runProgram("staging", config, undefined, ["observability:grafanaAuth", "observability:contactPointUrl"]);
});

test("no Grafana container, no Grafana scrape job", () => {
    const services = byType(run, "docker:index/container:Container").map((c) => c.inputs.labels.find((l: any) => l.label === "observability.component").value);
    expect(services).not.toContain("grafana");
});

test("the provider targets the external URL with secret auth", () => {
    const p = one(run, "pulumi:providers:grafana");
    expect(p.inputs.url).toBe("https://grafana.example.com");
    const auth = typeof p.inputs.auth === "string" ? JSON.parse(p.inputs.auth) : p.inputs.auth;
    expect(isSecret(auth)).toBe(true);
    expect(reveal(auth)).toBe(AUTH);
});

test("the same dashboards and alerts are created", () => {
    expect(byType(run, "grafana:oss/dashboard:Dashboard").length).toBe(4);
    expect(byType(run, "grafana:alerting/ruleGroup:RuleGroup").length).toBe(1);
});

test("the webhook URL is a secret in the contact point", () => {
    const cp = one(run, "grafana:alerting/contactPoint:ContactPoint");
    expect(isSecret(cp.inputs.webhooks) || isSecret(cp.inputs.webhooks[0].url)).toBe(true);
    expect(reveal(cp.inputs.webhooks)[0].url).toBe(HOOK);
});

test("neither secret appears in plain text in any input", () => {
    for (const r of run.resources) {
        for (const s of plainStrings(r)) {
            expect(s).not.toContain(AUTH);
            expect(s).not.toContain(HOOK);
        }
    }
});
