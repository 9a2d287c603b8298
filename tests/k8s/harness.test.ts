/**
 * The Kubernetes harness itself, on the real tools (npm run test:k8s): Helm v3.20.2 renders the vendored Grafana chart
 * deterministically, a v1.26.3 API server stores and defaults every object server-side, and an unknown field is
 * refused, so that a passing apply in the other k8s tests means the objects really fit the API's schema.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KubeObject, TestCluster, helmTemplate, isHook, kubeTools, objectsOf, resolveKubeTools, sharedChartDir, startTestCluster } from "../harness/kube";
import { besideProject } from "../harness/sharedTools";

const KUBE_VERSION = "1.26.3";
const NAMESPACE = "observability";
const RELEASE = "grafana";
// Deterministic offline: no random admin password (existingSecret), no PVC lookup, no test hooks (INDEX.md Q4, Q6).
const VALUES = { admin: { existingSecret: "x" }, persistence: { enabled: true, lookupVolumeName: false }, testFramework: { enabled: false } };

const timings: Record<string, number> = {};
const timed = <T>(name: string, f: () => T): T => {
    const start = performance.now();
    try {
        return f();
    } finally {
        timings[name] = Math.round(performance.now() - start);
    }
};

const grafanaChart = () => sharedChartDir("grafana", "12.11.1");
const renderGrafana = (values: unknown = VALUES) => helmTemplate({ chartDir: grafanaChart(), release: RELEASE, namespace: NAMESPACE, values, kubeVersion: KUBE_VERSION });

const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o)) as T;
type PodSpec = { containers: Array<Record<string, unknown>> };
const podSpec = (deployment: KubeObject) => (deployment as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;

describe("the offline Kubernetes harness", () => {
    let cluster: TestCluster | undefined;
    let rendered: KubeObject[];

    beforeAll(async () => {
        const start = performance.now();
        cluster = await startTestCluster();
        timings.clusterStart = Math.round(performance.now() - start);
    }, 120_000);

    afterAll(() => {
        cluster?.stop();
        // One line for the record: how long each step took on this machine.
        console.log(`k8s harness timings (ms), tools from ${kubeTools().source}: ${JSON.stringify(timings)}`);
    });

    const testCluster = (): TestCluster => {
        if (!cluster) throw new Error("the test cluster did not start (see beforeAll)");
        return cluster;
    };

    test("renders the vendored Grafana chart with the real Helm, the admin password from the existing Secret", () => {
        rendered = timed("grafanaRender", renderGrafana);
        const [deployment] = objectsOf(rendered, "Deployment", RELEASE);
        expect(deployment).toBeDefined();
        expect(deployment.metadata.namespace).toBe(NAMESPACE);
        const env = podSpec(deployment).containers.find((c) => c.name === "grafana")?.env as Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
        expect(env.find((e) => e.name === "GF_SECURITY_ADMIN_PASSWORD")?.valueFrom?.secretKeyRef).toEqual({ name: "x", key: "admin-password" });
        expect(env.find((e) => e.name === "GF_SECURITY_ADMIN_USER")?.valueFrom?.secretKeyRef).toEqual({ name: "x", key: "admin-user" });
        // With the existing Secret the chart renders no Secret of its own (no random password), and the PVC is there.
        expect(objectsOf(rendered, "Secret")).toEqual([]);
        expect(objectsOf(rendered, "PersistentVolumeClaim", RELEASE)).toHaveLength(1);
        expect(rendered.filter(isHook)).toEqual([]);
    });

    test("renders the same objects twice", () => {
        expect(renderGrafana()).toEqual(rendered);
    });

    test("keeps hook objects and marks them (Pulumi's Chart omits them)", () => {
        // Alertmanager's connection test (a `test-success` hook) in the vendored Prometheus chart.
        const prometheus = helmTemplate({
            chartDir: sharedChartDir("prometheus", "29.27.0"),
            release: "prom",
            namespace: NAMESPACE,
            values: { alertmanager: { testFramework: { enabled: true } } },
            kubeVersion: KUBE_VERSION,
        });
        const hooks = prometheus.filter(isHook);
        expect(hooks.map((h) => `${h.kind}/${h.metadata.name}`)).toEqual(["Pod/prom-alertmanager-test-connection"]);
        expect(hooks[0].metadata.annotations?.["helm.sh/hook"]).toBe("test-success");
        expect(prometheus.filter((o) => !isHook(o)).length).toBeGreaterThan(20);
        // Grafana's test hooks never render: its own .helmignore drops templates/tests/ (so does `helm package`), so
        // testFramework.enabled changes nothing.
        expect(renderGrafana({ ...VALUES, testFramework: { enabled: true } })).toEqual(rendered);
    });

    test("fails with Helm's own error, and names a chart that is not vendored", () => {
        expect(() => helmTemplate({ chartDir: path.join(grafanaChart(), "no-such-chart"), release: "r", namespace: "n", values: {}, kubeVersion: KUBE_VERSION })).toThrow(
            /helm template r .*no-such-chart failed \(exit 1\):\nError: .*no-such-chart/,
        );
        expect(() => sharedChartDir("grafana", "0.0.0")).toThrow(/chart grafana 0\.0\.0 not found: expected the vendored chart at .*grafana-0\.0\.0/);
    });

    test("applies every object server-side, and reads back what the server stored and defaulted", () => {
        const c = testCluster();
        const result = timed("grafanaApply", () => c.applyServerSide(rendered, { namespace: NAMESPACE }));
        expect(result.failures).toEqual([]);
        expect(result.applied).toBe(rendered.length);

        const stored = c.readBack(objectsOf(rendered, "Deployment", RELEASE)[0]) as KubeObject & { spec: Record<string, unknown> };
        expect(stored).toBeDefined();
        expect(stored.metadata.namespace).toBe(NAMESPACE);
        // Defaults the chart does not set, filled in by the API server.
        expect(stored.spec.revisionHistoryLimit).toBe(10);
        expect(stored.spec.progressDeadlineSeconds).toBe(600);
        expect(podSpec(stored).containers[0].terminationMessagePath).toBe("/dev/termination-log");
        const managers = (stored.metadata as { managedFields?: Array<{ manager: string; operation: string }> }).managedFields ?? [];
        expect(managers).toContainEqual(expect.objectContaining({ manager: "observability-tests", operation: "Apply" }));
        // Cluster-scoped objects too, and something absent reads back as undefined.
        expect(c.readBack(objectsOf(rendered, "ClusterRole")[0])?.metadata.name).toBe(`${RELEASE}-clusterrole`);
        expect(c.readBack({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "absent", namespace: NAMESPACE } })).toBeUndefined();
    });

    test("refuses an unknown field (a strict apply), naming the object and the field", () => {
        const c = testCluster();
        const deployment = clone(objectsOf(rendered, "Deployment", RELEASE)[0]);
        deployment.metadata.name = "grafana-unknown-field";
        // The control: the same Deployment without the unknown field is accepted.
        expect(c.applyServerSide([deployment]).failures).toEqual([]);

        const bogus = clone(deployment);
        bogus.metadata.name = "grafana-bogus";
        podSpec(bogus).containers[0].bogus = true;
        const configMap: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "with-spec" }, spec: {}, data: { a: "b" } };
        const result = c.applyServerSide([bogus, configMap], { namespace: NAMESPACE });
        expect(result.applied).toBe(0);
        expect(result.failures).toHaveLength(2);
        expect(result.failures[0]).toMatch(/^Deployment\/grafana-bogus in observability: .*\.spec\.template\.spec\.containers\[name="grafana"\]\.bogus: field not declared in schema/);
        expect(result.failures[1]).toMatch(/^ConfigMap\/with-spec in observability: .*\.spec: field not declared in schema/);
        expect(c.readBack(bogus)).toBeUndefined();
        expect(c.readBack(configMap)).toBeUndefined();
        // What the refusal guards against: without validation (a plain create), the same ConfigMap is stored and its
        // unknown field silently dropped. (On 1.26 --validate=false does not relax a server-side apply: its typed patch
        // refuses undeclared fields at every fieldValidation level.)
        const loose = { ...configMap, metadata: { name: "with-spec-loose", namespace: NAMESPACE } };
        expect(c.kubectl(["create", "--validate=false", "-f", "-"], JSON.stringify(loose)).status).toBe(0);
        const stored = c.readBack(loose);
        expect(stored?.data).toEqual({ a: "b" });
        expect(stored).not.toHaveProperty("spec");
    });

    test("applies CustomResourceDefinitions first and waits until they are Established", () => {
        const c = testCluster();
        const alloy = timed("alloyRender", () =>
            helmTemplate({ chartDir: sharedChartDir("alloy", "1.11.1"), release: "alloy", namespace: NAMESPACE, values: {}, kubeVersion: KUBE_VERSION, includeCrds: true }),
        );
        const [crd] = objectsOf(alloy, "CustomResourceDefinition", "podlogs.monitoring.grafana.com");
        expect(crd).toBeDefined();
        // A custom resource listed before its definition, without a namespace: it goes to the test namespace.
        const podLogs: KubeObject = { apiVersion: "monitoring.grafana.com/v1alpha2", kind: "PodLogs", metadata: { name: "apps" }, spec: { selector: {} } };
        const result = timed("alloyApply", () => c.applyServerSide([podLogs, ...alloy], { namespace: NAMESPACE }));
        expect(result.failures).toEqual([]);
        expect(result.applied).toBe(alloy.length + 1);
        expect(c.readBack(podLogs)?.metadata.namespace).toBe(NAMESPACE);
    });

    test("stop() stops etcd and kube-apiserver", () => {
        const c = testCluster();
        const pids = ["apiserver", "etcd"].map((p) => Number(fs.readFileSync(path.join(c.dir, "state", `${p}.pid`), "utf8").trim()));
        const alive = (pid: number) => {
            try {
                process.kill(pid, 0);
                return true;
            } catch {
                return false;
            }
        };
        expect(pids.every(alive)).toBe(true);
        c.stop();
        expect(pids.filter(alive)).toEqual([]);
        expect(fs.existsSync(c.dir)).toBe(false);
    });
});

describe("finding the Kubernetes tools", () => {
    const installer = besideProject(path.join("shared", "tools", "install-k8s"));
    let scratch: string;
    beforeEach(() => (scratch = fs.mkdtempSync(path.join(os.tmpdir(), "kube-tools-"))));
    afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

    test("unpacks ../shared/tools/install-k8s into the folder once, then reuses it", () => {
        const installDir = path.join(scratch, "observability-ci-k8s");
        const first = resolveKubeTools({ env: { PATH: "" }, installer, installDir });
        expect(first).toEqual({
            helm: path.join(installDir, "helm"),
            kubectl: path.join(installDir, "kubectl"),
            kubeApiserver: path.join(installDir, "kube-apiserver"),
            testEnv: path.join(installDir, "k8s-test-env.sh"),
            source: `../shared/tools/install-k8s (${installDir})`,
        });
        const helm = fs.statSync(first.helm).mtimeMs;
        expect(resolveKubeTools({ env: { PATH: "" }, installer: path.join(scratch, "no-installer"), installDir })).toEqual(first);
        expect(fs.statSync(first.helm).mtimeMs).toBe(helm);
        expect(fs.readdirSync(scratch)).toEqual(["observability-ci-k8s"]);
    });

    test("takes each variable first, and fails naming the variables when nothing is found", () => {
        const installed = kubeTools();
        const none = { installer: path.join(scratch, "no-installer"), installDir: path.join(scratch, "none") };
        const env = { PATH: "", HELM_BIN: installed.helm, KUBECTL_BIN: installed.kubectl };
        expect(resolveKubeTools({ env, ...none })).toEqual({ helm: installed.helm, kubectl: installed.kubectl, kubeApiserver: undefined, testEnv: undefined, source: "helm: HELM_BIN; kubectl: KUBECTL_BIN" });
        expect(() => resolveKubeTools({ env: { ...env, KUBECTL_BIN: path.join(scratch, "kubectl") }, ...none })).toThrow(`KUBECTL_BIN=${path.join(scratch, "kubectl")} is not an executable file`);
        expect(() => resolveKubeTools({ env: { PATH: "" }, ...none })).toThrow(/^helm and kubectl not found: set HELM_BIN and KUBECTL_BIN \(and KUBE_APISERVER_BIN, K8S_TEST_ENV for the test cluster\)/);
        // PATH last.
        fs.symlinkSync(installed.helm, path.join(scratch, "helm"));
        fs.symlinkSync(installed.kubectl, path.join(scratch, "kubectl"));
        expect(resolveKubeTools({ env: { PATH: scratch }, ...none })).toMatchObject({ helm: path.join(scratch, "helm"), kubectl: path.join(scratch, "kubectl"), source: "PATH" });
    });
});
