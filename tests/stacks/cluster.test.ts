import * as yaml from "js-yaml";
import { CHART_TYPE, chartNamed, registeredCharts } from "../harness/charts";
import { GENERATED_PASSWORD, byType, isSecret, plainStrings, reveal, runProgram } from "../harness/mocks";
import { programFor } from "../harness/stackSpec";
import { stackConfig } from "../harness/stackFiles";
import { CHART_REPOSITORIES } from "../../settings/defaults";

const program = programFor("cluster");

describe("cluster: the Kubernetes stack as the program registers it", () => {
    test("one KubernetesStack root, five releases each wrapping one helm.v4.Chart, no Docker resource", () => {
        const run = program.run();
        const roots = run.resources.filter((r) => r.options?.parent === undefined);
        expect(roots.map((r) => [r.type, r.name])).toEqual([["observability:stack:KubernetesStack", "obs-cluster"]]);
        expect(run.resources.filter((r) => r.type.startsWith("docker:"))).toEqual([]);
        const releases = run.resources.filter((r) => /^observability:stack:\w+Release$/.test(r.type)).map((r) => r.type.split(":")[2]).sort();
        expect(releases).toEqual(["AlloyRelease", "FalcoRelease", "GrafanaRelease", "LokiRelease", "PrometheusRelease"]);
        for (const chart of byType(run, CHART_TYPE)) expect(chart.options?.parent).toMatch(/^obs-cluster-(loki|alloy|prometheus|grafana|falco)$/);
    });

    test("each chart at the stack's pinned version, from its upstream repository, released as <prefix>-<chart> in the stack's namespace", () => {
        const charts = registeredCharts(program.run()).map((c) => [c.chart, c.version, c.repository, c.release, c.namespace]);
        expect(charts.sort()).toEqual([
            ["alloy", "1.11.1", "https://grafana.github.io/helm-charts", "obs-cluster-alloy", "observability"],
            ["falco", "9.1.0", "https://falcosecurity.github.io/charts", "obs-cluster-falco", "observability"],
            ["grafana", "12.11.1", "https://grafana-community.github.io/helm-charts", "obs-cluster-grafana", "observability"],
            ["loki", "18.11.0", "https://grafana-community.github.io/helm-charts", "obs-cluster-loki", "observability"],
            ["prometheus", "29.27.0", "https://prometheus-community.github.io/helm-charts", "obs-cluster-prometheus", "observability"],
        ]);
        expect(Object.keys(CHART_REPOSITORIES).sort()).toEqual(["alloy", "falco", "grafana", "loki", "prometheus"]);
    });

    test("Grafana's admin comes from a Secret the program makes from a Pulumi secret; no chart value holds a secret", () => {
        const run = program.run();
        const grafana = chartNamed(run, "grafana");
        expect(grafana.values.admin).toEqual({ existingSecret: "obs-cluster-grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
        const secret = byType(run, "kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "obs-cluster-grafana-admin");
        expect(secret).toBeDefined();
        expect(isSecret(secret!.inputs.stringData) || isSecret(secret!.inputs.stringData["admin-password"])).toBe(true);
        expect(reveal(secret!.inputs.stringData)["admin-password"]).toBe(GENERATED_PASSWORD);
        for (const chart of byType(run, CHART_TYPE)) expect(plainStrings(chart).filter((s) => s.includes(GENERATED_PASSWORD))).toEqual([]);
    });

    test("the namespace is created first and admits Falco's privilege (Pod Security 'privileged')", () => {
        const ns = byType(program.run(), "kubernetes:core/v1:Namespace");
        expect(ns.map((n) => [n.inputs.metadata.name, n.inputs.metadata.labels["pod-security.kubernetes.io/enforce"]])).toEqual([["observability", "privileged"]]);
        // Each release waits for what it needs: the namespace, its claim and Secret, Loki before its collector, the collector before Falco's first events.
        const deps = Object.fromEntries(program.run().resources.filter((r) => /Release$/.test(r.type)).map((r) => [r.type.split(":")[2], [...(r.options?.dependsOn ?? [])].sort()]));
        expect(deps).toEqual({
            LokiRelease: ["obs-cluster-namespace"],
            PrometheusRelease: ["obs-cluster-prometheus-data"],
            AlloyRelease: ["obs-cluster-loki"],
            FalcoRelease: ["obs-cluster-alloy"],
            GrafanaRelease: ["obs-cluster-grafana-admin", "obs-cluster-grafana-data", "obs-cluster-loki", "obs-cluster-prometheus"],
        });
    });

    test("only the collector, Grafana and Prometheus reach Loki's HTTP port (NetworkPolicy)", () => {
        const [policy] = byType(program.run(), "kubernetes:networking.k8s.io/v1:NetworkPolicy");
        const http = policy.inputs.spec.ingress.find((i: any) => i.ports.some((p: any) => p.port === 3100));
        expect(http.from.map((f: any) => f.podSelector.matchLabels["app.kubernetes.io/instance"]).sort()).toEqual(["obs-cluster-alloy", "obs-cluster-grafana", "obs-cluster-prometheus"]);
        expect(policy.inputs.spec.podSelector.matchLabels).toEqual({ "app.kubernetes.io/instance": "obs-cluster-loki" });
    });

    test("the same Grafana content as on Docker, its datasources at the services' cluster DNS names", () => {
        const run = program.run();
        const ds = byType(run, "grafana:oss/dataSource:DataSource").map((d) => [d.inputs.type, d.inputs.url]).sort();
        expect(ds).toEqual([
            ["alertmanager", "http://obs-cluster-prometheus-alertmanager.observability.svc.cluster.local:9093"],
            ["loki", "http://obs-cluster-loki.observability.svc.cluster.local:3100"],
            ["prometheus", "http://obs-cluster-prometheus-server.observability.svc.cluster.local:9090"],
        ]);
        expect(byType(run, "grafana:oss/dashboard:Dashboard").length).toBeGreaterThanOrEqual(3);
        const [provider] = byType(run, "pulumi:providers:grafana");
        expect(provider.inputs.url).toBe("http://127.0.0.1:3000");
    });

    test("the provider forces its own values over a hand edit (drift is an update, not a field conflict)", () => {
        const [provider] = byType(program.run(), "pulumi:providers:kubernetes");
        expect(JSON.parse(String(provider.inputs.enablePatchForce))).toBe(true);
    });

    test("outputs: namespace, in-cluster URLs, Grafana's URL; the admin password only as a secret", () => {
        const run = program.run();
        expect(run.outputs.namespace).toBe("observability");
        expect(run.outputs.grafanaUrl).toBe("http://127.0.0.1:3000");
        expect(run.secretOutputs).toContain("grafanaAdminPassword");
    });
});

describe("cluster: data volumes kept and protected like Docker's", () => {
    test("Grafana's and Prometheus' claims are the program's, retained and protected when the stack asks", async () => {
        const run = await runProgram("cluster", stackConfig("cluster", { "observability:retainVolumes": true, "observability:protectVolumes": true }));
        const claims = byType(run, "kubernetes:core/v1:PersistentVolumeClaim").map((c) => [c.inputs.metadata.name, c.inputs.spec.resources.requests.storage, c.options?.retainOnDelete, c.options?.protect]);
        expect(claims.sort()).toEqual([
            ["obs-cluster-grafana-data", "2Gi", true, true],
            ["obs-cluster-prometheus-data", "5Gi", true, true],
        ]);
        expect(chartNamed(run, "grafana").values.persistence).toEqual({ enabled: true, existingClaim: "obs-cluster-grafana-data", lookupVolumeName: false });
        expect((chartNamed(run, "prometheus").values.server as any).persistentVolume).toEqual({ enabled: true, existingClaim: "obs-cluster-prometheus-data" });
    });
});

describe("cluster: renders are deterministic", () => {
    test("two runs of the program register identical chart values", async () => {
        const first = registeredCharts(program.run()).map((c) => [c.chart, yaml.dump(c.values, { sortKeys: true })]);
        const again = await runProgram("cluster", stackConfig("cluster"));
        const second = registeredCharts(again).map((c) => [c.chart, yaml.dump(c.values, { sortKeys: true })]);
        expect(second).toEqual(first);
    });
});

describe("cluster: a changed secret replaces exactly the pods that read it", () => {
    const ANNOTATION = "observability-stack/secrets-digest";
    const overrides = {
        "observability:loki": { retention: "168h", replicas: 1, storage: { type: "s3", bucket: "obs-logs", region: "eu-west-1" } },
        "observability:grafana": { contactPoint: { kind: "webhook" } },
    };
    const SECRETS = {
        "observability:grafanaAdminPassword": "first-admin-password",
        "observability:lokiStorageKeyId": "AKIAEXAMPLE",
        "observability:lokiStorageKey": "first-storage-key",
        "observability:contactPointUrl": "https://hooks.example.com/first",
    };
    /** The digest on each secret-reading pod template, by chart: Grafana's pod, Loki's pods, Alertmanager's pod. */
    const digests = async (secrets: Record<string, string>) => {
        const run = await runProgram("cluster", stackConfig("cluster", { ...overrides, ...secrets }), undefined, Object.keys(secrets).map((k) => k.split(":")[1]));
        const values = (chart: string) => chartNamed(run, chart).values as any;
        return {
            grafana: values("grafana").podAnnotations?.[ANNOTATION],
            loki: values("loki").loki.podAnnotations?.[ANNOTATION],
            alertmanager: values("prometheus").alertmanager.podAnnotations?.[ANNOTATION],
            charts: byType(run, CHART_TYPE).flatMap((c) => plainStrings(c)),
        };
    };

    test("each digest changes with its own secrets only, and reveals none of them", async () => {
        const first = await digests(SECRETS);
        for (const d of [first.grafana, first.loki, first.alertmanager]) expect(d).toMatch(/^[0-9a-f]{64}$/);
        expect(new Set([first.grafana, first.loki, first.alertmanager]).size).toBe(3);
        for (const value of Object.values(SECRETS)) expect(first.charts.filter((s) => s.includes(value))).toEqual([]);

        const same = await digests(SECRETS);
        expect([same.grafana, same.loki, same.alertmanager]).toEqual([first.grafana, first.loki, first.alertmanager]);
        const password = await digests({ ...SECRETS, "observability:grafanaAdminPassword": "second-admin-password" });
        expect([password.grafana === first.grafana, password.loki, password.alertmanager]).toEqual([false, first.loki, first.alertmanager]);
        const key = await digests({ ...SECRETS, "observability:lokiStorageKey": "second-storage-key" });
        expect([key.grafana, key.loki === first.loki, key.alertmanager]).toEqual([first.grafana, false, first.alertmanager]);
        const hook = await digests({ ...SECRETS, "observability:contactPointUrl": "https://hooks.example.com/second" });
        expect([hook.grafana, hook.loki, hook.alertmanager === first.alertmanager]).toEqual([first.grafana, first.loki, false]);
    });

    test("the digest is keyed: a digest of the secrets without the state's key is not it", async () => {
        const { grafana } = await digests(SECRETS);
        const crypto = await import("crypto");
        const unkeyed = crypto.createHash("sha256").update(JSON.stringify(["first-admin-password", ""])).digest("hex");
        expect(grafana).not.toBe(unkeyed);
        // Keyed by the stack's digest key, a RandomPassword kept secret in the state (the mock's generated value here).
        expect(grafana).toBe(crypto.createHmac("sha256", GENERATED_PASSWORD).update(JSON.stringify(["first-admin-password", ""])).digest("hex"));
    });

    test("pods that read no Secret carry no digest", async () => {
        const run = program.run();
        expect((chartNamed(run, "loki").values as any).loki.podAnnotations).toBeUndefined();
        expect((chartNamed(run, "prometheus").values as any).alertmanager.podAnnotations).toBeUndefined();
        expect((chartNamed(run, "grafana").values as any).podAnnotations[ANNOTATION]).toMatch(/^[0-9a-f]{64}$/);
    });
});
