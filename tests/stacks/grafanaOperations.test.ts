import { byType, isSeed, one, plainStrings, reveal, seed } from "../harness/mocks";
import { expectedConfigHash, label, programFor } from "../harness/stackSpec";

// The prod stack file with a Slack contact point, an SMTP relay that needs a login, a shorter `for` on the
// error-rate alert (as the end-to-end workflow uses it), and ports published on every interface, as allowed.
const SMTP_PASSWORD = "smtp-password-for-tests";
const SLACK = "https://hooks.slack.com/services/T0/B0/secret";
const program = programFor(
    "prod",
    {
        "observability:grafana": {
            contactPoint: { kind: "slack" },
            smtp: { host: "smtp.example.com:587", from: "obs@example.com", user: "obs-mailer" },
        },
        "observability:alerts": { logErrorsFor: "30s" },
        "observability:publish": { address: "0.0.0.0", allowAllInterfaces: true },
    },
    { "observability:smtpPassword": SMTP_PASSWORD, "observability:contactPointUrl": SLACK },
);
const grafana = () =>
    byType(program.run(), "docker:index/container:Container").find((c) => label(c, "observability.component") === "grafana" && !isSeed(c))!;

test("the SMTP login reaches Grafana as a file only its user reads; the password is nowhere in plain text", () => {
    const envs: string[] = reveal(grafana().inputs.envs);
    expect(envs).toEqual(expect.arrayContaining(["GF_SMTP_USER=obs-mailer", "GF_SMTP_PASSWORD__FILE=/config/smtp_password", "GF_SMTP_HOST=smtp.example.com:587"]));
    const file = reveal(seed(program.run(), "grafana").inputs.uploads).find((u: any) => u.file === "/config/smtp_password");
    expect(file).toEqual(expect.objectContaining({ content: SMTP_PASSWORD, permissions: "0400", owner: "472" }));
    for (const r of program.run().resources) for (const s of plainStrings(r)) expect(s).not.toContain(SMTP_PASSWORD);
    // It changes Grafana's config-hash label only through its salted digest.
    expect(label(grafana(), "observability.config-hash")).toBe(expectedConfigHash(seed(program.run(), "grafana")));
});

test("a Slack contact point ignores only its `slacks` field (pulumiverse/pulumi-grafana#379); volumes and networks only their labels; nothing else ignores a change", () => {
    const cp = one(program.run(), "grafana:alerting/contactPoint:ContactPoint");
    expect(cp.options?.ignoreChanges).toEqual(["slacks"]);
    const others = program.run().resources.filter((r) => r !== cp && (r.options?.ignoreChanges ?? []).length > 0);
    const labelsOnly = (r: { type: string; options?: { ignoreChanges?: string[] } }) =>
        ["docker:index/volume:Volume", "docker:index/network:Network"].includes(r.type) && JSON.stringify(r.options?.ignoreChanges) === '["labels"]';
    expect(others.filter((r) => !labelsOnly(r)).map((r) => r.name)).toEqual([]);
    expect(reveal(cp.inputs.slacks)[0].url).toBe(SLACK);
});

test("the error-rate alert waits as long as the settings say", () => {
    const rules = one(program.run(), "grafana:alerting/ruleGroup:RuleGroup").inputs.rules;
    expect(rules.find((r: any) => r.name === "Error rate per container").for).toBe("30s");
});

test("every interface only as allowed: published ports on 0.0.0.0, every container marked so for the policy", () => {
    const containers = byType(program.run(), "docker:index/container:Container").filter((c) => !isSeed(c));
    const ports = containers.flatMap((c) => c.inputs.ports ?? []);
    expect(ports.length).toBeGreaterThanOrEqual(2);
    for (const p of ports) expect([p.ip, p.protocol]).toEqual(["0.0.0.0", "tcp"]);
    for (const c of containers) expect([c.inputs.name, label(c, "observability.allow-all-interfaces")]).toEqual([c.inputs.name, "true"]);
});
