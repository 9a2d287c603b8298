import { grafanaSpec } from "../harness/grafanaSpec";
import { monitoringSpec } from "../harness/monitoringSpec";
import { policySpec } from "../harness/policySpec";
import { byType, isSecret, one, plainStrings, reveal } from "../harness/mocks";
import { foundationSpec, programFor } from "../harness/stackSpec";

// The staging stack file, pointed at an existing Grafana with a webhook contact point: the same content,
// no Grafana container, credentials and URL only as secrets, Loki and Prometheus at URLs that Grafana reaches.
const AUTH = "svc-token-for-tests";
const HOOK = "https://hooks.example.com/T000/secret-path";
const program = programFor(
    "staging",
    {
        "observability:grafana": {
            externalUrl: "https://grafana.example.com",
            lokiUrl: "https://loki.obs.example.com",
            prometheusUrl: "https://prometheus.obs.example.com",
            contactPoint: { kind: "webhook" },
        },
    },
    { "observability:grafanaAuth": AUTH, "observability:contactPointUrl": HOOK },
);
// Every promise of a stack holds with an external Grafana too; only Grafana's own container is absent.
foundationSpec("staging with an external Grafana", program);
monitoringSpec("staging with an external Grafana", program);
grafanaSpec("staging with an external Grafana", program);
policySpec("staging with an external Grafana", program);
test("no Grafana container, no Grafana scrape job", () => {
    const services = byType(program.run(), "docker:index/container:Container").map((c) => c.inputs.labels.find((l: any) => l.label === "observability.component").value);
    expect(services).not.toContain("grafana");
});

test("the provider targets the external URL with secret auth", () => {
    const p = one(program.run(), "pulumi:providers:grafana");
    expect(p.inputs.url).toBe("https://grafana.example.com");
    const auth = typeof p.inputs.auth === "string" ? JSON.parse(p.inputs.auth) : p.inputs.auth;
    expect(isSecret(auth)).toBe(true);
    expect(reveal(auth)).toBe(AUTH);
});

test("the same dashboards and alerts are created", () => {
    expect(byType(program.run(), "grafana:oss/dashboard:Dashboard").length).toBe(4);
    expect(byType(program.run(), "grafana:alerting/ruleGroup:RuleGroup").length).toBe(1);
});

test("the webhook URL is a secret in the contact point", () => {
    const cp = one(program.run(), "grafana:alerting/contactPoint:ContactPoint");
    expect(isSecret(cp.inputs.webhooks) || isSecret(cp.inputs.webhooks[0].url)).toBe(true);
    expect(reveal(cp.inputs.webhooks)[0].url).toBe(HOOK);
});

test("neither secret appears in plain text in any input", () => {
    for (const r of program.run().resources) {
        for (const s of plainStrings(r)) {
            expect(s).not.toContain(AUTH);
            expect(s).not.toContain(HOOK);
        }
    }
});

test("outputs: Grafana's URL is the external one; no admin password of the stack's own", () => {
    const { outputs } = program.run();
    expect((outputs.publishedUrls as Record<string, string>).grafana).toBe("https://grafana.example.com");
    expect(outputs.grafanaAdminPassword).toBeUndefined();
});
