/**
 * test:k8s: every Kubernetes stack file, as the program registers it (tests/harness/mocks.ts: the values each
 * helm.v4.Chart receives), rendered by the real Helm v3.20.2 against the pinned charts, its files checked by the real
 * tools (loki -verify-config, alloy-check -strict, promtool, amtool), every object applied server-side to a real
 * kube-apiserver v1.26.3 (etcd, RBAC, strict field validation) and read back; the render twice is identical, and what
 * the settings ask is read back from the objects (a chart ignores a misspelt value path: this is what catches it).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { renderAlloyKubernetesConfig } from "../../configs/alloy/kubernetes";
import { renderFalcoRules } from "../../configs/falco";
import { lokiTarget } from "../../configs/kubernetes/loki";
import { lokiConfig } from "../../configs/loki";
import { scrapeJobNames } from "../../configs/scrapeTargets";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { Settings } from "../../settings/types";
import { kubernetesViolations } from "../../policy/kubernetesRules";
import { RegisteredChart, registeredCharts } from "../harness/charts";
import { chartDir, loadableChart } from "../harness/chartSource";
import { expectationProblems, podSpec } from "../harness/chartExpectations";
import { KubeObject, TestCluster, helmTemplate, isHook, startTestCluster } from "../harness/kube";
import { runProgram } from "../harness/mocks";
import { promtool, writeTree } from "../harness/promtool";
import { kubernetesStacks, stackConfig } from "../harness/stackFiles";
import { tool } from "../harness/tools";

/** The API server here is v1.26.3 (../shared/tools/PROVENANCE-k8s.md): charts render for it, and it validates them; with a cluster of one's own (OBSERVABILITY_TEST_KUBECONFIG), its version. */
const KUBE_VERSION = process.env.OBSERVABILITY_TEST_KUBE_VERSION ?? "1.26.3";

interface Rendered {
    readonly chart: RegisteredChart;
    readonly objects: KubeObject[];
    readonly seconds: number;
    readonly removedDependencies: string[];
}

function render(chart: RegisteredChart, values = chart.values): Omit<Rendered, "chart"> {
    const loadable = loadableChart(chartDir(chart.chart, chart.version), values);
    const started = Date.now();
    const objects = helmTemplate({ chartDir: loadable.dir, release: chart.release, namespace: chart.namespace, values, kubeVersion: KUBE_VERSION, includeCrds: true });
    return { objects, seconds: (Date.now() - started) / 1000, removedDependencies: loadable.removed };
}

const configMapData = (objects: KubeObject[], name: string, key: string): string => {
    const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === name) as any;
    if (!cm?.data?.[key]) throw new Error(`no ConfigMap ${name} with ${key} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
    return cm.data[key];
};

/**
 * prometheus.yml checked by promtool (--syntax-only: the rule file's path is the pod's /etc/config; the rules are checked
 * on their own). Debian's promtool (2.42.0+ds) is built without Kubernetes discovery ("field kubernetes_sd_configs not
 * found"): with it, the file less its kubernetes_sd_configs blocks goes to promtool, and those blocks, with each job's
 * relabelling, to the real Promtail 3.6.15, which embeds Prometheus' Kubernetes discovery config
 * (-check-syntax). The pinned Prometheus image's promtool (PROMTOOL_BIN, or Docker) and e2e-kubernetes.yml check it whole.
 */
function checkPrometheusConfig(text: string): string[] {
    const whole = promtool(["check", "config", "--syntax-only", "prometheus.yml"], writeTree({ "prometheus.yml": text }));
    if (whole.ok) return [];
    const errors = whole.output.split("\n").filter((l) => /^\s+line \d+:/.test(l));
    if (errors.length === 0 || !errors.every((l) => /field kubernetes_sd_configs not found in type config\.ScrapeConfig/.test(l))) return [whole.output];
    const config = yaml.load(text) as any;
    const withoutSd = { ...config, scrape_configs: config.scrape_configs.map(({ kubernetes_sd_configs: _sd, ...job }: any) => job) };
    const rest = promtool(["check", "config", "--syntax-only", "prometheus.yml"], writeTree({ "prometheus.yml": yaml.dump(withoutSd) }));
    const discovery = {
        server: { http_listen_port: 0, grpc_listen_port: 0 },
        positions: { filename: "/tmp/positions.yaml" },
        clients: [{ url: "http://loki:3100/loki/api/v1/push" }],
        scrape_configs: config.scrape_configs
            .filter((j: any) => j.kubernetes_sd_configs)
            .map((j: any) => ({ job_name: j.job_name, kubernetes_sd_configs: j.kubernetes_sd_configs, relabel_configs: j.relabel_configs })),
    };
    const sdDir = writeTree({ "sd.yaml": yaml.dump(discovery) });
    const sd = tool("promtail").run(["-check-syntax", "-config.file", path.join(sdDir, "sd.yaml")]);
    return [...(rest.ok ? [] : [rest.output]), ...(sd.status === 0 ? [] : [`promtail: ${sd.stdout}${sd.stderr}`])];
}

describe.each(kubernetesStacks())("%s: the charts rendered by the real Helm, applied to a real kube-apiserver", (stack) => {
    let settings: Settings;
    const rendered: Rendered[] = [];
    let cluster: TestCluster | undefined;
    let applySeconds = 0;
    const all = () => rendered.flatMap((r) => r.objects.filter((o) => !isHook(o)));
    const of = (chart: string) => rendered.find((r) => r.chart.chart === chart)!.objects;
    const p = () => settings.namePrefix;

    beforeAll(async () => {
        settings = parseSettings(stack, rawConfig(stackConfig(stack)));
        const run = await runProgram(stack, stackConfig(stack));
        for (const chart of registeredCharts(run)) rendered.push({ chart, ...render(chart) });
        cluster = await startTestCluster();
    });
    afterAll(() => cluster?.stop());

    test("five charts, each at its pinned version; no Helm hook is left to drop (Pulumi's Chart drops them)", () => {
        expect(rendered.map((r) => `${r.chart.chart}-${r.chart.version}`).sort()).toEqual(Object.entries(settings.charts).map(([c, v]) => `${c}-${v}`).sort());
        expect(rendered.flatMap((r) => r.objects.filter(isHook).map((o) => `${r.chart.chart}: ${o.kind}/${o.metadata.name}`))).toEqual([]);
    });

    test("Loki's ConfigMap is the stack's whole file, and the real Loki 3.7.6 accepts it", () => {
        const text = configMapData(of("loki"), "loki", "config.yaml");
        expect(yaml.load(text)).toEqual(JSON.parse(JSON.stringify(lokiConfig(settings, lokiTarget(settings, false)))));
        const dir = writeTree({ "loki.yaml": text });
        const r = tool("loki").run(["-verify-config", "-config.file", path.join(dir, "loki.yaml")]);
        expect({ status: r.status, out: r.status === 0 ? "" : `${r.stdout}${r.stderr}` }).toEqual({ status: 0, out: "" });
    });

    /**
     * The script, command, mount and variable as the chart renders them, run by the real /bin/sh. SWAP, stated: the
     * container's filesystem is a temp dir (GF_PATHS_DATA moved there), Grafana's CLI a stand-in on PATH recording its
     * arguments and stdin, and the image's /run.sh is absent (its exec fails last); the real image runs it in
     * e2e-kubernetes.yml, which changes grafanaAdminPassword on a live stack and logs in with the new one.
     */
    test("Grafana's pod runs the start script from its ConfigMap, which sets the admin password to the Secret's on an existing database", () => {
        const objects = of("grafana");
        const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === `${p()}-grafana`)!;
        const pod = podSpec(deployment)!;
        const grafana = pod.containers.find((c) => c.name === "grafana") as any;
        const [shell, script] = grafana.command;
        expect(shell).toBe("/bin/sh");
        const mount = grafana.volumeMounts.find((m: any) => m.mountPath === path.posix.dirname(script));
        const configMap = pod.volumes!.find((v) => v.name === mount?.name)?.configMap?.name;
        const text = configMapData(objects, configMap, path.posix.basename(script));
        const passwordVar = grafana.env.find((e: any) => e.valueFrom?.secretKeyRef?.name === `${p()}-grafana-admin` && e.valueFrom.secretKeyRef.key === "admin-password")?.name;
        expect(passwordVar).toBeDefined();

        const root = writeTree({ "start.sh": text, "bin/grafana": '#!/bin/sh\necho "$@" > "$GF_PATHS_DATA/cli-args"\ncat > "$GF_PATHS_DATA/cli-stdin"\n' });
        fs.chmodSync(path.join(root, "bin", "grafana"), 0o755);
        const data = path.join(root, "data");
        fs.mkdirSync(data);
        const env = { PATH: `${path.join(root, "bin")}:/usr/bin:/bin`, GF_PATHS_DATA: data, GF_PATHS_HOME: "/usr/share/grafana", GF_PATHS_CONFIG: "/etc/grafana/grafana.ini", [passwordVar]: "pässword with spaces $HOME" };
        const start = () => spawnSync("/bin/sh", [path.join(root, "start.sh")], { env, encoding: "utf8" });
        // First start: no database yet, Grafana creates it with the variable's password; the script only hands over.
        const first = start();
        expect([fs.existsSync(path.join(data, "cli-args")), first.stderr]).toEqual([false, expect.stringMatching(/\/run\.sh/)]);
        // A database from an earlier pod: the password is reset to the variable's, through stdin, before /run.sh.
        fs.writeFileSync(path.join(data, "grafana.db"), "sqlite");
        const later = start();
        expect(fs.readFileSync(path.join(data, "cli-args"), "utf8").trim()).toBe(
            `cli --homepath /usr/share/grafana --config /etc/grafana/grafana.ini --configOverrides cfg:default.paths.data=${data} admin reset-admin-password --password-from-stdin`,
        );
        expect(fs.readFileSync(path.join(data, "cli-stdin"), "utf8")).toBe("pässword with spaces $HOME");
        expect(later.stderr).toMatch(/\/run\.sh/);
        // Its pod template carries the digest of the Secret's values, so a new password replaces the pod.
        expect((deployment.spec as any).template.metadata.annotations["observability-stack/secrets-digest"]).toMatch(/^[0-9a-f]{64}$/);
    });

    test("Alloy's ConfigMap is the DaemonSet file (the chart's tpl undone), and alloy-check -strict accepts it", () => {
        const text = configMapData(of("alloy"), `${p()}-alloy`, "config.alloy");
        expect(text.trim()).toBe(renderAlloyKubernetesConfig(settings).trim());
        const dir = writeTree({ "config.alloy": text });
        const r = tool("alloy").run(["-strict", path.join(dir, "config.alloy")]);
        expect({ status: r.status, out: `${r.stdout}${r.stderr}`.trim() }).toEqual({ status: 0, out: "" });
    });

    test("Prometheus' rendered prometheus.yml and alerting_rules.yml pass promtool; its jobs are the stack's, alerts to the Alertmanager service", () => {
        const promYml = configMapData(of("prometheus"), `${p()}-prometheus-server`, "prometheus.yml");
        const rules = configMapData(of("prometheus"), `${p()}-prometheus-server`, "alerting_rules.yml");
        const dir = writeTree({ "prometheus.yml": promYml, "alerting_rules.yml": rules });
        expect(checkPrometheusConfig(promYml)).toEqual([]);
        expect(promtool(["check", "rules", "alerting_rules.yml"], dir)).toEqual({ ok: true, output: expect.stringContaining("SUCCESS") });
        const config = yaml.load(promYml) as any;
        expect(config.rule_files).toContain("/etc/config/alerting_rules.yml");
        expect(config.scrape_configs.map((j: any) => j.job_name).sort()).toEqual([...scrapeJobNames(settings)].sort());
        expect(config.alerting.alertmanagers).toEqual([{ static_configs: [{ targets: [`${p()}-prometheus-alertmanager.${settings.kubernetes!.namespace}.svc.cluster.local:9093`] }] }]);
        expect(config.global.external_labels).toEqual({ environment: settings.environment });
    });

    test("Alertmanager's rendered file passes amtool check-config", () => {
        const text = configMapData(of("prometheus"), `${p()}-prometheus-alertmanager`, "alertmanager.yml");
        const dir = writeTree({ "alertmanager.yml": text });
        const r = tool("amtool").run(["check-config", path.join(dir, "alertmanager.yml")]);
        expect({ status: r.status, out: r.status === 0 ? "" : `${r.stdout}${r.stderr}` }).toEqual({ status: 0, out: "" });
    });

    test("Falco: JSON events, the container plugin loaded once, the stack's rules beside the defaults, nothing downloaded", () => {
        if (!settings.falco.enabled) return;
        const falco = yaml.load(configMapData(of("falco"), `${p()}-falco`, "falco.yaml")) as any;
        expect(falco.json_output).toBe(true);
        expect(falco.load_plugins).toEqual(["container"]);
        expect(falco.rules_files).toEqual(expect.arrayContaining(["/etc/falco/falco_rules.yaml", "/etc/falco/rules.d"]));
        expect(falco.webserver).toEqual(expect.objectContaining({ enabled: true, listen_port: 8765, prometheus_metrics_enabled: true }));
        expect(configMapData(of("falco"), `${p()}-falco-rules`, "stack_rules.yaml").trim()).toBe(renderFalcoRules(settings).trim());
        const ds = of("falco").find((o) => o.kind === "DaemonSet")!;
        const mounts = podSpec(ds)!.containers[0].volumeMounts ?? [];
        // The image's config.d would load the plugin a second time (falcosecurity/charts#1057): an empty directory hides it.
        expect(mounts.find((m: any) => m.mountPath === "/etc/falco/config.d")?.name).toBe("empty-config-d");
    });

    test("what the settings ask is what the objects say (images, resources, volumes, secrets, replicas, what is off)", () => {
        expect(expectationProblems(settings, all())).toEqual([]);
    });

    test("a misspelt value path is caught: `singleBinary.resource` renders Loki without the stack's budget", () => {
        const loki = rendered.find((r) => r.chart.chart === "loki")!.chart;
        const single = { ...(loki.values.singleBinary as Record<string, unknown>) };
        single.resource = single.resources;
        delete single.resources;
        const misspelt = render(loki, { ...loki.values, singleBinary: single }).objects;
        const others = rendered.filter((r) => r.chart.chart !== "loki").flatMap((r) => r.objects);
        expect(expectationProblems(settings, [...misspelt, ...others])).toEqual([expect.stringMatching(/^StatefulSet .*-loki: resources undefined, settings say /)]);
    });

    test("the policy pack's Kubernetes rules pass every rendered object", () => {
        expect(kubernetesViolations(all())).toEqual([]);
    });

    test("every object is accepted by the real API server (server-side apply, strict fields) and reads back", () => {
        const objects = all();
        const started = Date.now();
        const result = cluster!.applyServerSide(objects, { namespace: settings.kubernetes!.namespace });
        applySeconds = (Date.now() - started) / 1000;
        expect(result.failures).toEqual([]);
        expect(result.applied).toBe(objects.length);
        for (const o of objects) expect(`${o.kind}/${o.metadata.name}: ${cluster!.readBack(o) ? "stored" : "missing"}`).toBe(`${o.kind}/${o.metadata.name}: stored`);
        const loki = cluster!.readBack(objects.find((o) => o.kind === "StatefulSet" && o.metadata.name === `${p()}-loki`)!) as any;
        expect(loki.spec.podManagementPolicy).toBeDefined();
    });

    test("a second render is identical, object for object", () => {
        for (const r of rendered) expect(yaml.dump(render(r.chart).objects, { sortKeys: true })).toBe(yaml.dump(r.objects, { sortKeys: true }));
    });

    test("figures: render time, objects per chart, what the stack asks of a cluster", () => {
        const lines = rendered.map((r) => `${r.chart.chart} ${r.chart.version}: ${r.objects.filter((o) => !isHook(o)).length} objects, rendered in ${r.seconds.toFixed(2)} s${r.removedDependencies.length ? ` (missing disabled dependencies: ${r.removedDependencies.join(", ")})` : ""}`);
        let cpu = 0;
        let memory = 0;
        for (const o of all()) {
            const spec = podSpec(o);
            if (!spec) continue;
            const replicas = o.kind === "DaemonSet" ? 1 : ((o.spec as any).replicas ?? 1);
            for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
                cpu += replicas * parseFloat(String(c.resources?.requests?.cpu ?? "0").replace(/m$/, "")) / (String(c.resources?.requests?.cpu ?? "").endsWith("m") ? 1000 : 1);
                memory += replicas * parseFloat(String(c.resources?.requests?.memory ?? "0").replace(/Mi$/, ""));
            }
        }
        const claims = all().flatMap((o) => ((o.spec as any)?.volumeClaimTemplates ?? []).map((t: any) => t.spec.resources.requests.storage));
        lines.push(`${all().length} objects applied server-side in ${applySeconds.toFixed(1)} s`);
        lines.push(`requests (DaemonSets per node): ${cpu.toFixed(2)} CPU, ${memory} MiB; claims in charts: ${claims.join(", ")}`);
        console.log(lines.join("\n"));
        expect(cpu).toBeGreaterThan(0);
    });
});

describe("cluster with Loki on S3, three instances: the chart takes it, Loki reads it, credentials only by reference", () => {
    const overrides = { "observability:loki": { retention: "168h", replicas: 3, storage: { type: "s3", bucket: "obs-logs", endpoint: "minio.storage:9000", region: "eu-west-1" } } };
    const secrets = { "observability:lokiStorageKeyId": "AKIAEXAMPLE", "observability:lokiStorageKey": "s3cr3t-example-key" };
    let objects: KubeObject[] = [];
    let settings: Settings;

    beforeAll(async () => {
        const config = stackConfig("cluster", { ...overrides, ...secrets });
        settings = parseSettings("cluster", rawConfig(config));
        const run = await runProgram("cluster", config, undefined, Object.keys(secrets).map((k) => k.split(":")[1]));
        objects = render(registeredCharts(run).find((c) => c.chart === "loki")!).objects;
    });

    test("three replicas, a memberlist ring of three copies, the bucket; the keys as ${VAR} from the Secret", () => {
        const text = configMapData(objects, "loki", "config.yaml");
        const config = yaml.load(text) as any;
        expect(config.common.storage).toEqual({ s3: { bucketnames: "obs-logs", endpoint: "minio.storage:9000", s3forcepathstyle: true, region: "eu-west-1", access_key_id: "${LOKI_STORAGE_KEY_ID}", secret_access_key: "${LOKI_STORAGE_KEY}" } });
        expect([config.common.replication_factor, config.common.ring.kvstore.store, config.memberlist.join_members]).toEqual([3, "memberlist", ["obs-cluster-loki-memberlist.observability.svc.cluster.local:7946"]]);
        expect(text).not.toContain("s3cr3t-example-key");
        const sts = objects.find((o) => o.kind === "StatefulSet" && o.metadata.name === "obs-cluster-loki") as any;
        expect(sts.spec.replicas).toBe(3);
        const loki = podSpec(sts)!.containers.find((c) => c.name === "loki") as any;
        expect(loki.envFrom).toEqual([{ secretRef: { name: "obs-cluster-loki-storage" } }]);
        expect(loki.args).toContain("-config.expand-env=true");
        expect(expectationProblems(settings, objects).filter((p) => /loki/i.test(p))).toEqual([]);
    });

    test("the real Loki 3.7.6 accepts the file with the keys expanded from its environment", () => {
        const dir = writeTree({ "loki.yaml": configMapData(objects, "loki", "config.yaml") });
        const r = tool("loki").run(["-verify-config", "-config.expand-env=true", "-config.file", path.join(dir, "loki.yaml")]);
        expect({ status: r.status, out: r.status === 0 ? "" : `${r.stdout}${r.stderr}` }).toEqual({ status: 0, out: "" });
    });
});
