/**
 * policy/kubernetesRules.ts: the rules for the workloads the charts render, on plain objects (as `helm template`
 * prints them) and as the pack runs them on `kubernetes:` resources. PolicyPack is replaced to capture what the
 * pack declares.
 */
const declared: Array<{ name: string; args: any }> = [];
jest.mock("@pulumi/policy", () => ({
    ...jest.requireActual("@pulumi/policy"),
    PolicyPack: class {
        constructor(name: string, args: unknown) {
            declared.push({ name, args });
        }
    },
}));

import { KUBERNETES_RULES, KubernetesObject, kubernetesObjectOf, kubernetesViolations, parseImage } from "../../policy/kubernetesRules";
import { unknownCheckingProxy, UnknownValueError } from "@pulumi/policy";

const FALCO_IMAGE = "docker.io/falcosecurity/falco:0.41.3";
const ALLOY_IMAGE = "docker.io/grafana/alloy:v1.10.2";
const RESOURCES = { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } };
/** What every container that is neither Falco nor the collector declares. */
const LOCKED = { runAsNonRoot: true, runAsUser: 10001, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };

/** A container that passes every rule; each case below changes one thing. */
const container = (name: string, overrides: Record<string, unknown> = {}) => ({
    name,
    image: "grafana/loki:3.5.7",
    resources: RESOURCES,
    securityContext: LOCKED,
    ...overrides,
});

/** A workload of `kind` around a pod spec (CronJob's is two levels down, Pod's is its spec). */
function workload(kind: string, name: string, pod: Record<string, unknown>): KubernetesObject {
    const template = { metadata: { labels: { app: name } }, spec: pod };
    const spec = kind === "Pod" ? pod : kind === "CronJob" ? { schedule: "0 * * * *", jobTemplate: { spec: { template } } } : { template };
    return { apiVersion: "v1", kind, metadata: { name, namespace: "observability" }, spec };
}

const app = (pod: Record<string, unknown> = {}, kind = "Deployment") => workload(kind, "app", { containers: [container("app")], ...pod });

const hostPath = (name: string, path: string) => ({ name, hostPath: { path } });
const mount = (name: string, mountPath: string, readOnly?: boolean) => ({ name, mountPath, ...(readOnly === undefined ? {} : { readOnly }) });

/** Falco as its chart renders it (privileged, the host's /proc, /etc, /dev, /boot), with falcoctl locked down. */
function falco(falcoContainer: Record<string, unknown> = {}, pod: Record<string, unknown> = {}): KubernetesObject {
    return workload("DaemonSet", "falco", {
        initContainers: [container("falcoctl-artifact-install", { image: "docker.io/falcosecurity/falcoctl:0.11.2" })],
        containers: [
            {
                name: "falco",
                image: FALCO_IMAGE,
                resources: RESOURCES,
                securityContext: { privileged: true },
                volumeMounts: [mount("proc-fs", "/host/proc", true), mount("etc-fs", "/host/etc", true), mount("dev-fs", "/host/dev")],
                ...falcoContainer,
            },
            container("falcoctl-artifact-follow", { image: "docker.io/falcosecurity/falcoctl:0.11.2" }),
        ],
        volumes: [hostPath("proc-fs", "/proc"), hostPath("etc-fs", "/etc"), hostPath("dev-fs", "/dev"), hostPath("boot-fs", "/boot")],
        ...pod,
    });
}

/** The collector: Alloy as root, reading the host's logs read-only; its config reloader locked down. */
function alloy(mounts: unknown[] = [mount("varlog", "/var/log", true)], volumes: unknown[] = [hostPath("varlog", "/var/log")], alloyContainer: Record<string, unknown> = {}): KubernetesObject {
    return workload("DaemonSet", "alloy", {
        containers: [
            { name: "alloy", image: ALLOY_IMAGE, resources: RESOURCES, securityContext: { allowPrivilegeEscalation: false, runAsUser: 0 }, volumeMounts: mounts, ...alloyContainer },
            container("config-reloader", { image: "quay.io/prometheus-operator/prometheus-config-reloader:v0.81.0" }),
        ],
        volumes,
    });
}

const GOOD: KubernetesObject[] = [app(), falco(), alloy()];

const BAD: Array<[string, string, KubernetesObject]> = [
    ["k8s-resources-set", "no memory limit", app({ containers: [container("app", { resources: { requests: RESOURCES.requests } })] })],
    ["k8s-resources-set", "an init container without requests", app({ initContainers: [container("migrate", { resources: { limits: { memory: "64Mi" } } })] })],
    ["k8s-resources-set", "a memory limit of zero", app({ containers: [container("app", { resources: { ...RESOURCES, limits: { memory: "0" } } })] })],
    ["k8s-no-privilege", "a privileged container that is not Falco", app({ containers: [container("app", { securityContext: { ...LOCKED, privileged: true } })] })],
    ["k8s-no-privilege", "an added NET_ADMIN", app({ containers: [container("app", { securityContext: { ...LOCKED, capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] } } })] })],
    ["k8s-no-privilege", "hostNetwork", app({ hostNetwork: true })],
    ["k8s-no-privilege", "hostPID", app({ hostPID: true })],
    ["k8s-no-privilege", "hostIPC", app({ hostIPC: true })],
    ["k8s-no-privilege", "allowPrivilegeEscalation left unset", app({ containers: [container("app", { securityContext: { runAsNonRoot: true } })] })],
    ["k8s-no-privilege", "allowPrivilegeEscalation true", app({ containers: [container("app", { securityContext: { ...LOCKED, allowPrivilegeEscalation: true } })] })],
    // Named falco, labelled falco, the image called falco: not Falco's image.
    ["k8s-no-privilege", 'a container named "falco" running evil/falco:1, privileged', falco({ image: "evil/falco:1", securityContext: { ...LOCKED, privileged: true } }, { volumes: [] })],
    // Falco's own image does not make its pod's other containers privileged, nor a capability Falco does not need allowed.
    ["k8s-no-privilege", "a privileged sidecar in Falco's pod", falco({}, { initContainers: [container("loader", { securityContext: { ...LOCKED, privileged: true } })] })],
    ["k8s-no-privilege", "Falco adding NET_ADMIN", falco({ securityContext: { capabilities: { add: ["BPF", "NET_ADMIN"] } } })],
    ["k8s-non-root", "runAsUser 0", app({ containers: [container("app", { securityContext: { ...LOCKED, runAsUser: 0 } })] })],
    ["k8s-non-root", "no runAsNonRoot nor runAsUser", app({ containers: [container("app", { securityContext: { allowPrivilegeEscalation: false } })] })],
    // The container's securityContext wins over the pod's.
    ["k8s-non-root", "the pod non-root, the container root", app({ securityContext: { runAsNonRoot: true }, containers: [container("app", { securityContext: { allowPrivilegeEscalation: false, runAsUser: 0 } })] })],
    ["k8s-non-root", "the pod non-root, the container not", app({ securityContext: { runAsNonRoot: true }, containers: [container("app", { securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: false } })] })],
    ["k8s-non-root", "the pod as root, the container silent", app({ securityContext: { runAsUser: 0 }, containers: [container("app", { securityContext: { allowPrivilegeEscalation: false } })] })],
    // A chart's helper image (kube-state-metrics, node-exporter, a reloader) complies like any other.
    ["k8s-non-root", "kube-state-metrics as root", workload("Deployment", "kube-state-metrics", { containers: [container("kube-state-metrics", { image: "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.16.0", securityContext: { allowPrivilegeEscalation: false } })] })],
    ["k8s-host-paths", "hostPath /etc on Alloy", alloy([mount("etc", "/host/etc", true)], [hostPath("etc", "/etc")])],
    ["k8s-host-paths", "a writable /var/log mount on Alloy", alloy([mount("varlog", "/var/log", false)])],
    ["k8s-host-paths", "a /var/log mount on Alloy without readOnly", alloy([mount("varlog", "/var/log")])],
    ["k8s-host-paths", "hostPath /var/log/../etc on Alloy", alloy([mount("varlog", "/var/log", true)], [hostPath("varlog", "/var/log/../etc")])],
    ["k8s-host-paths", "hostPath /var/logs on Alloy (a sibling, not below)", alloy([mount("varlog", "/var/log", true)], [hostPath("varlog", "/var/logs")])],
    ["k8s-host-paths", "the Docker socket on Alloy", alloy([mount("sock", "/var/run/docker.sock", true)], [hostPath("sock", "/var/run/docker.sock")])],
    ["k8s-host-paths", "the collector's state directory in an app", app({ containers: [container("app", { volumeMounts: [mount("state", "/var/lib/alloy/x", false)] })], volumes: [hostPath("state", "/var/lib/alloy/x")] })],
    ["k8s-host-paths", "hostPath /var/lib/alloy/../docker on Alloy, writable", alloy([mount("state", "/tmp/alloy", false)], [hostPath("state", "/var/lib/alloy/../docker")])],
    ["k8s-host-paths", "hostPath /var/lib/alloyx on Alloy (a sibling of its state root)", alloy([mount("state", "/tmp/alloy", false)], [hostPath("state", "/var/lib/alloyx")])],
    ["k8s-host-paths", "/var/log read-only into an app", app({ containers: [container("app", { volumeMounts: [mount("varlog", "/var/log", true)] })], volumes: [hostPath("varlog", "/var/log")] })],
    ["k8s-host-paths", "a hostPath volume no container mounts", app({ volumes: [hostPath("root", "/")] })],
    // A container named alloy, running another image, is not the collector.
    ["k8s-host-paths", "/var/log in a pod named alloy that runs another image", alloy(undefined, undefined, { image: "evil/grafana-alloy:v1.10.2", securityContext: LOCKED })],
    ["k8s-pinned-images", "image :latest", app({ containers: [container("app", { image: "grafana/loki:latest" })] })],
    ["k8s-pinned-images", "image without a tag", app({ containers: [container("app", { image: "grafana/loki" })] })],
    ["k8s-pinned-images", "a registry port, no tag", app({ containers: [container("app", { image: "localhost:5000/grafana/loki" })] })],
    ["k8s-pinned-images", "a truncated digest", app({ containers: [container("app", { image: "grafana/loki@sha256:abc" })] })],
    ["k8s-pinned-images", "Falco's image without a tag", falco({ image: "falcosecurity/falco" })],
    ["k8s-resources-set", "a CronJob's pod without requests", app({ containers: [container("app", { resources: { limits: { memory: "64Mi" } } })] }, "CronJob")],
    ["k8s-no-privilege", "a CronJob's pod on the host's network", app({ hostNetwork: true }, "CronJob")],
    ["k8s-non-root", "a Job's container as root", app({ containers: [container("app", { securityContext: { ...LOCKED, runAsUser: 0 } })] }, "Job")],
    ["k8s-no-privilege", "a bare Pod privileged", app({ containers: [container("app", { securityContext: { ...LOCKED, privileged: true } })] }, "Pod")],
    ["k8s-host-paths", "a StatefulSet with a hostPath", app({ volumes: [hostPath("data", "/srv/data")] }, "StatefulSet")],
    ["k8s-pinned-images", "a ReplicaSet on latest", app({ containers: [container("app", { image: "grafana/loki:latest" })] }, "ReplicaSet")],
];

test("the compliant set passes every rule", () => {
    expect(kubernetesViolations(GOOD)).toEqual([]);
});

test.each(BAD)("%s fires alone on %s", (rule, _, object) => {
    const found = kubernetesViolations([object]);
    expect(found.length).toBeGreaterThan(0);
    expect(found.filter((v) => v.rule !== rule)).toEqual([]);
    for (const v of found) expect(v.object).toBe(`${object.kind}/${object.metadata.name}`);
});

test("every rule has a case that makes it fire", () => {
    expect(new Set(BAD.map(([rule]) => rule))).toEqual(new Set(KUBERNETES_RULES.map((r) => r.name)));
});

test("what is allowed stays allowed", () => {
    const ok = (...objects: KubernetesObject[]) => expect(kubernetesViolations(objects)).toEqual([]);
    // Falco least-privileged (modern eBPF) instead of privileged, from another registry, pinned by digest, CAP_ spelled out.
    const digest = `@sha256:${"a".repeat(64)}`;
    ok(falco({ image: `public.ecr.aws/falcosecurity/falco${digest}`, securityContext: { capabilities: { drop: ["ALL"], add: ["BPF", "SYS_RESOURCE", "PERFMON", "SYS_PTRACE", "CAP_SYS_ADMIN"] } } }));
    ok(falco({ image: `falcosecurity/falco:0.41.3${digest}` }), falco({ image: "localhost:5000/falcosecurity/falco:0.41.3" }));
    // Falco's pod may share the host's namespaces.
    ok(falco({}, { hostPID: true, hostNetwork: true }));
    // The collector's paths, written any way that normalises below them; the engine's container logs; an unmounted volume.
    ok(alloy([mount("pods", "/var/log/pods", true), mount("docker", "/var/lib/docker/containers", true)], [hostPath("pods", "/var/log/pods/"), hostPath("docker", "/var/lib/docker/containers")]));
    ok(alloy([mount("varlog", "/var/log", true)], [hostPath("varlog", "/var/lib/docker/../../log/./")]));
    ok(alloy([], [hostPath("varlog", "/var/log")]));
    // The collector's own state on the node, writable, below its root.
    ok(alloy([mount("varlog", "/var/log", true), mount("state", "/tmp/alloy", false)], [hostPath("varlog", "/var/log"), hostPath("state", "/var/lib/alloy/observability/obs-alloy")]));
    // The collector's config reloader may mount the collector's paths read-only too.
    const reloaderReads = alloy();
    reloaderReads.spec.template.spec.containers[1].volumeMounts = [mount("varlog", "/var/log", true)];
    ok(reloaderReads);
    // Non-root by the pod's securityContext alone, or a container's non-zero user over a root pod.
    ok(app({ securityContext: { runAsNonRoot: true }, containers: [container("app", { securityContext: { allowPrivilegeEscalation: false } })] }));
    ok(app({ securityContext: { runAsUser: 0 }, containers: [container("app", { securityContext: { allowPrivilegeEscalation: false, runAsUser: 65534 } })] }));
    // Quantities as numbers; the capabilities dropped; hostNetwork false.
    ok(app({ hostNetwork: false, containers: [container("app", { resources: { requests: { cpu: 0.5, memory: 134217728 }, limits: { memory: "256Mi", cpu: "1" } } })] }));
    // A tag that looks like latest but is a version; a digest alone.
    ok(app({ containers: [container("app", { image: "grafana/loki:latest-3.5.7" })] }), app({ containers: [container("app", { image: `grafana/loki${digest}` })] }));
    // Not workloads, empty documents: nothing to check.
    ok({ kind: "ConfigMap", metadata: { name: "c" } }, { kind: "Service", metadata: { name: "s" }, spec: { hostNetwork: true } } as KubernetesObject);
    expect(kubernetesViolations([null, undefined, app()])).toEqual([]);
});

test("each message names the object, the container and the offending value", () => {
    const messages = (o: KubernetesObject) => kubernetesViolations([o]).map((v) => v.message);
    expect(messages(app({ containers: [container("app", { resources: { requests: RESOURCES.requests, limits: { memory: "0" } } })] }))).toEqual([
        'Deployment/app container app has no resources.limits.memory ("0")',
    ]);
    expect(messages(app({ initContainers: [container("migrate", { resources: { limits: { memory: "64Mi" } } })] }))).toEqual([
        "Deployment/app initContainer migrate has no resources.requests.cpu (unset)",
        "Deployment/app initContainer migrate has no resources.requests.memory (unset)",
    ]);
    expect(messages(falco({ image: "evil/falco:1", securityContext: { ...LOCKED, privileged: true, capabilities: { add: ["NET_ADMIN"] } } }, { volumes: [] }))).toEqual([
        "DaemonSet/falco container falco (evil/falco:1) is privileged",
        "DaemonSet/falco container falco (evil/falco:1) adds capability NET_ADMIN",
    ]);
    expect(messages(app({ hostIPC: true, containers: [container("app", { securityContext: { runAsNonRoot: true } })] }))).toEqual([
        "Deployment/app sets hostIPC: true",
        "Deployment/app container app (grafana/loki:3.5.7) has allowPrivilegeEscalation unset, not false",
    ]);
    expect(messages(app({ containers: [container("app", { securityContext: { ...LOCKED, runAsNonRoot: undefined, runAsUser: 0 } })] }))).toEqual([
        "Deployment/app container app (grafana/loki:3.5.7) runs as root (runAsUser 0)",
    ]);
    expect(messages(app({ containers: [container("app", { securityContext: { allowPrivilegeEscalation: false } })] }))).toEqual([
        "Deployment/app container app (grafana/loki:3.5.7) may run as root (runAsNonRoot unset, runAsUser unset)",
    ]);
    expect(messages(alloy([mount("varlog", "/var/log", true)], [hostPath("varlog", "/var/log/../etc")]))).toEqual([
        "DaemonSet/alloy container alloy mounts the host's /var/log/../etc (/var/etc) (volume varlog)",
    ]);
    expect(messages(alloy([mount("varlog", "/var/log")]))).toEqual(["DaemonSet/alloy container alloy mounts the host's /var/log writable (volume varlog)"]);
    expect(messages(app({ volumes: [hostPath("root", "/")] }))).toEqual(["Deployment/app volume root is the host's /"]);
    expect(messages(app({ containers: [container("app", { image: "grafana/loki" })] }))).toEqual(["Deployment/app container app runs grafana/loki, without a tag"]);
    expect(messages(app({ containers: [container("app", { image: "grafana/loki:latest" })] }))).toEqual(["Deployment/app container app runs grafana/loki:latest, not a pinned tag"]);
    expect(messages(app({ ephemeralContainers: [container("debug", { image: undefined })] }, "Pod"))).toEqual(["Pod/app ephemeralContainer debug has no image"]);
});

test("image references: registry, path, tag and digest", () => {
    expect(parseImage("docker.io/falcosecurity/falco:0.41.3")).toEqual({ registry: "docker.io", path: "falcosecurity/falco", tag: "0.41.3", digest: undefined });
    expect(parseImage("localhost:5000/grafana/alloy")).toEqual({ registry: "localhost:5000", path: "grafana/alloy", tag: undefined, digest: undefined });
    expect(parseImage(`falcosecurity/falco@sha256:${"0".repeat(64)}`)).toEqual({ registry: undefined, path: "falcosecurity/falco", tag: undefined, digest: `sha256:${"0".repeat(64)}` });
    expect(parseImage("busybox:1.37.0")).toEqual({ registry: undefined, path: "busybox", tag: "1.37.0", digest: undefined });
    // A repository that merely ends in Falco's name is another repository (on Docker Hub, someone else's).
    expect(parseImage("docker.io/evil/falcosecurity/falco:1").path).toBe("evil/falcosecurity/falco");
    expect(kubernetesViolations([falco({ image: "docker.io/evil/falcosecurity/falco:1" }, { volumes: [] })]).map((v) => v.rule)).toEqual([
        "k8s-no-privilege",
        "k8s-no-privilege",
        "k8s-non-root",
    ]);
});

describe("under Pulumi", () => {
    const urn = (type: string, name: string) => `urn:pulumi:dev::observability::kubernetes:helm.sh/v4:Chart$${type}::${name}`;
    /** A chart's object as the pack sees it: the type token names the kind; the inputs are the object. */
    const resource = (o: KubernetesObject, type = `kubernetes:apps/v1:${o.kind}`, name = `observability/${o.metadata.name}`) => ({ type, urn: urn(type, name), props: o as Record<string, any> });
    const checkAll = (r: { type: string; urn: string; props: Record<string, any> }) => KUBERNETES_RULES.flatMap((rule) => rule.check(r, undefined as never).map((m) => `${rule.name}: ${m}`));

    test("the rules read the object a kubernetes: resource carries, its kind from the type token", () => {
        expect(checkAll(resource(app({ hostNetwork: true })))).toEqual(["k8s-no-privilege: Deployment/app sets hostNetwork: true"]);
        expect(checkAll(resource(app({ hostNetwork: true }, "CronJob"), "kubernetes:batch/v1:CronJob"))).toEqual(["k8s-no-privilege: CronJob/app sets hostNetwork: true"]);
        for (const o of GOOD) expect(checkAll(resource(o))).toEqual([]);
        // Without a name in its metadata, the object is named by its URN.
        const unnamed = { ...app({ hostPID: true }), metadata: {} } as unknown as KubernetesObject;
        expect(checkAll(resource(unnamed, "kubernetes:apps/v1:Deployment", "observability/app"))).toEqual(["k8s-no-privilege: Deployment/observability/app sets hostPID: true"]);
    });

    test("patches, lists, other kinds and other providers are not read as workloads", () => {
        const bad = app({ hostNetwork: true, containers: [container("app", { image: "x" })] });
        for (const type of ["kubernetes:apps/v1:DeploymentPatch", "kubernetes:apps/v1:DeploymentList", "kubernetes:core/v1:ConfigMap", "docker:index/container:Container", "kubernetes:helm.sh/v4:Chart"]) {
            expect([type, checkAll(resource(bad, type))]).toEqual([type, []]);
            expect(kubernetesObjectOf(resource(bad, type))).toBeUndefined();
        }
    });

    test("an unknown value the rules do not read does not stop them; one they read is the SDK's to report", () => {
        // During a preview the SDK hands inputs through a proxy that throws on an unknown value (policy/proxy.ts).
        const unknownString = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const annotated = app({ hostNetwork: true });
        (annotated.spec.template.metadata as any).annotations = { "checksum/config": unknownString };
        (annotated.metadata as any).labels = { version: unknownString };
        const r = resource(annotated);
        expect(checkAll({ ...r, props: unknownCheckingProxy(r.props) })).toEqual(["k8s-no-privilege: Deployment/app sets hostNetwork: true"]);
        const image = resource(app({ containers: [container("app", { image: unknownString })] }));
        expect(() => checkAll({ ...image, props: unknownCheckingProxy(image.props) })).toThrow(UnknownValueError);
    });

    test("the pack runs every Kubernetes rule, mandatory, on each resource", () => {
        require("../../policy/index");
        const policies: any[] = declared[0].args.policies;
        const byName = new Map(policies.map((p) => [p.name, p]));
        for (const rule of KUBERNETES_RULES) {
            const p = byName.get(rule.name);
            expect([p.enforcementLevel, p.description, typeof p.validateResource]).toEqual(["mandatory", rule.description, "function"]);
        }
        const reported: string[] = [];
        const r = resource(falco({ image: "evil/falco:1" }, { volumes: [] }), "kubernetes:apps/v1:DaemonSet");
        byName.get("k8s-no-privilege").validateResource({ ...r, name: "falco", opts: {} }, (m: string) => reported.push(m));
        expect(reported).toEqual([
            "DaemonSet/falco container falco (evil/falco:1) is privileged",
            "DaemonSet/falco container falco (evil/falco:1) has allowPrivilegeEscalation unset, not false",
        ]);
        // The Docker rules find nothing in a Kubernetes object (the other way round: the test above).
        for (const p of policies.filter((p) => !KUBERNETES_RULES.some((k) => k.name === p.name))) {
            const found: string[] = [];
            if (p.validateResource) p.validateResource({ ...r, name: "falco", opts: {} }, (m: string) => found.push(m));
            else p.validateStack({ resources: [{ ...r, propertyDependencies: {}, opts: {} }] }, (m: string) => found.push(m));
            expect([p.name, found]).toEqual([p.name, []]);
        }
    });
});
