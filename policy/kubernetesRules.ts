import { posix } from "path";
import type { PolicyResource, Rule } from "./rules";
import { COLLECTOR_STATE_ROOT } from "../configs/kubernetes/alloy";

/**
 * The Kubernetes rules: what the workloads the charts render (Deployment, DaemonSet, StatefulSet, Job, CronJob,
 * ReplicaSet, Pod) may ask of the node. Pure: they read plain objects, so they run both in the policy pack (every
 * object `kubernetes.helm.v4.Chart` registers is its own resource, its inputs the object) and on `helm template`
 * output (kubernetesViolations).
 *
 * Falco and the log collector are recognised by the image they run, never by a name or a label: anything can be
 * called "falco".
 */

/** A Kubernetes object as `helm template` prints it, or as a Pulumi resource's inputs carry it. */
export interface KubernetesObject {
    readonly apiVersion?: string;
    readonly kind: string;
    readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
    readonly spec?: any;
    readonly [key: string]: unknown;
}

/** One violation of one rule by one object (`Kind/name`). */
export interface KubernetesViolation {
    readonly rule: string;
    readonly object: string;
    readonly message: string;
}

/** A rule of the pack (it runs on `kubernetes:` resources) that also reads plain objects. */
export interface KubernetesRule extends Rule {
    /** Violation messages for one plain object; empty when it complies or is not a workload. */
    readonly checkObject: (object: KubernetesObject) => string[];
}

/** Where each workload kind keeps its pod spec. */
const templated = (o: KubernetesObject) => o.spec?.template?.spec;
const POD_SPEC = new Map<string, (o: KubernetesObject) => any>([
    ["Pod", (o) => o.spec],
    ["Deployment", templated],
    ["DaemonSet", templated],
    ["StatefulSet", templated],
    ["ReplicaSet", templated],
    ["ReplicationController", templated],
    ["Job", templated],
    ["CronJob", (o) => o.spec?.jobTemplate?.spec?.template?.spec],
]);

/** Falco (it watches the host's processes) and the log collector (it reads the host's log files), by repository. */
const FALCO_REPOSITORY = "falcosecurity/falco";
const COLLECTOR_REPOSITORY = "grafana/alloy";
/** What Falco's modern eBPF probe needs when it is not privileged (the chart's driver.modernEbpf.leastPrivileged, and SYS_ADMIN for older kernels). */
const FALCO_CAPABILITIES = ["BPF", "SYS_RESOURCE", "PERFMON", "SYS_PTRACE", "SYS_ADMIN"];
/** The host paths the collector reads, with everything below them: the pods' and the engine's container logs. */
const COLLECTOR_HOST_PATHS = ["/var/log", "/var/lib/docker/containers"];
const DIGEST = /^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** An image reference's parts: `[registry/]path[:tag][@digest]`; a first component is a registry when it looks like a host. */
export function parseImage(reference: string): { registry?: string; path: string; tag?: string; digest?: string } {
    const at = reference.indexOf("@");
    const name = at < 0 ? reference : reference.slice(0, at);
    const colon = name.indexOf(":", name.lastIndexOf("/") + 1);
    const repository = colon < 0 ? name : name.slice(0, colon);
    const first = repository.split("/")[0];
    const registry = repository.includes("/") && (/[.:]/.test(first) || first === "localhost") ? first : undefined;
    return {
        registry,
        path: registry === undefined ? repository : repository.slice(registry.length + 1),
        tag: colon < 0 ? undefined : name.slice(colon + 1),
        digest: at < 0 ? undefined : reference.slice(at + 1),
    };
}

const runs = (container: any, repository: string) => typeof container?.image === "string" && parseImage(container.image).path === repository;
const isFalco = (container: any) => runs(container, FALCO_REPOSITORY);
const isCollector = (container: any) => runs(container, COLLECTOR_REPOSITORY);

/** A container as a message names it, with its list (an init container is not the app of the same name). */
interface Named {
    readonly container: any;
    readonly label: string;
}

/** The pod's containers, init containers and ephemeral containers. */
function containersOf(pod: any, lists = ["initContainers", "containers", "ephemeralContainers"]): Named[] {
    const words: Record<string, string> = { initContainers: "initContainer", containers: "container", ephemeralContainers: "ephemeralContainer" };
    return lists.flatMap((list) => (Array.isArray(pod?.[list]) ? pod[list] : []).map((c: any) => ({ container: c, label: `${words[list]} ${c?.name}` })));
}

/** A pod runs Falco (or the collector) when one of its main containers runs that image; an init container is not the service. */
const podRuns = (pod: any, is: (c: any) => boolean) => containersOf(pod, ["containers"]).some((n) => is(n.container));

/** How a message names an object. */
const objectName = (o: KubernetesObject) => `${o.kind}/${o.metadata?.name}`;

/**
 * A rule over the pod spec of a workload: `checkPod` gets the pod spec and the object's name; objects that are not
 * workloads, or have no pod spec, pass.
 */
function workloadRule(name: string, description: string, checkPod: (pod: any, object: string) => string[]): KubernetesRule {
    const checkObject = (o: KubernetesObject) => {
        const pod = POD_SPEC.get(o.kind)?.(o);
        return pod ? checkPod(pod, objectName(o)) : [];
    };
    const check = (r: PolicyResource) => {
        const o = kubernetesObjectOf(r);
        return o ? checkObject(o) : [];
    };
    return { name, description, checkObject, check };
}

/**
 * The object a `kubernetes:` resource stands for: its kind from the type token (`kubernetes:apps/v1:Deployment`),
 * so a patch (`…:DeploymentPatch`) or a list is not read as a whole workload; its name from its metadata, else
 * from the URN. Only the fields the rules read are touched: during a preview the policy SDK throws on reading an
 * unknown value.
 */
export function kubernetesObjectOf(r: PolicyResource): KubernetesObject | undefined {
    if (!r.type.startsWith("kubernetes:")) return undefined;
    const kind = r.type.split(":")[2] ?? "";
    if (!POD_SPEC.has(kind)) return undefined;
    const metadata = r.props.metadata;
    return { kind, metadata: { name: String(metadata?.name ?? r.urn.split("::").pop()) }, spec: r.props.spec };
}

/** A quantity that is set: a non-empty string or a number, and not zero (a limit of zero is none). */
const isSet = (q: unknown) => (typeof q === "number" && q > 0) || (typeof q === "string" && q.trim() !== "" && !/^[+]?0*(\.0*)?[a-zA-Z]*$/.test(q.trim()));

const normalise = (path: string) => posix.normalize(path).replace(/(.)\/+$/, "$1");
const below = (path: string, root: string) => path === root || path.startsWith(`${root}/`);

export const KUBERNETES_RULES: KubernetesRule[] = [
    workloadRule("k8s-resources-set", "Every container and init container requests CPU and memory and has a memory limit.", (pod, o) =>
        containersOf(pod, ["initContainers", "containers"]).flatMap(({ container, label }) =>
            (
                [
                    ["requests", "cpu"],
                    ["requests", "memory"],
                    ["limits", "memory"],
                ] as const
            )
                .filter(([kind, resource]) => !isSet(container?.resources?.[kind]?.[resource]))
                .map(([kind, resource]) => `${o} ${label} has no resources.${kind}.${resource} (${JSON.stringify(container?.resources?.[kind]?.[resource]) ?? "unset"})`),
        ),
    ),
    workloadRule(
        "k8s-no-privilege",
        "No container is privileged, adds capabilities or may escalate its privileges (allowPrivilegeEscalation: false, explicitly), and no pod shares the host's PID, network or IPC namespace; except Falco (its image, falcosecurity/falco), which may be privileged or add BPF, SYS_RESOURCE, PERFMON, SYS_PTRACE, SYS_ADMIN.",
        (pod, o) => {
            const out = podRuns(pod, isFalco) ? [] : ["hostPID", "hostNetwork", "hostIPC"].filter((ns) => pod[ns] === true).map((ns) => `${o} sets ${ns}: true`);
            for (const { container, label } of containersOf(pod)) {
                const sc = container?.securityContext ?? {};
                const falco = isFalco(container);
                if (sc.privileged === true && !falco) out.push(`${o} ${label} (${container?.image}) is privileged`);
                const adds: unknown[] = Array.isArray(sc.capabilities?.add) ? sc.capabilities.add : [];
                for (const cap of adds) {
                    if (!falco || !FALCO_CAPABILITIES.includes(String(cap).toUpperCase().replace(/^CAP_/, ""))) out.push(`${o} ${label} (${container?.image}) adds capability ${cap}`);
                }
                if (sc.allowPrivilegeEscalation !== false && !falco) {
                    out.push(`${o} ${label} (${container?.image}) has allowPrivilegeEscalation ${sc.allowPrivilegeEscalation ?? "unset"}, not false`);
                }
            }
            return out;
        },
    ),
    workloadRule(
        "k8s-non-root",
        "Every container runs as a user other than root: runAsNonRoot true or a non-zero runAsUser (the container's securityContext over the pod's); except Falco (falcosecurity/falco) and the log collector (grafana/alloy), which read root-owned host files.",
        (pod, o) =>
            containersOf(pod).flatMap(({ container, label }) => {
                if (isFalco(container) || isCollector(container)) return [];
                const sc = container?.securityContext ?? {};
                const podSc = pod.securityContext ?? {};
                const user = sc.runAsUser ?? podSc.runAsUser;
                const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
                if (user !== undefined && user !== null && Number(user) === 0) return [`${o} ${label} (${container?.image}) runs as root (runAsUser ${user})`];
                if ((user !== undefined && user !== null && Number(user) > 0) || nonRoot === true) return [];
                return [`${o} ${label} (${container?.image}) may run as root (runAsNonRoot ${nonRoot ?? "unset"}, runAsUser unset)`];
            }),
    ),
    workloadRule(
        "k8s-host-paths",
        `Host paths are mounted only into Falco's pod (falcosecurity/falco), and into the log collector's (grafana/alloy) only at or below /var/log and /var/lib/docker/containers, read-only, and its own state at or below ${COLLECTOR_STATE_ROOT}.`,
        (pod, o) => {
            if (podRuns(pod, isFalco)) return [];
            const collector = podRuns(pod, isCollector);
            const out: string[] = [];
            for (const volume of Array.isArray(pod.volumes) ? pod.volumes : []) {
                if (!volume?.hostPath) continue;
                const raw = String(volume.hostPath.path ?? "");
                const path = normalise(raw);
                const state = collector && below(path, COLLECTOR_STATE_ROOT);
                const allowed = state || (collector && COLLECTOR_HOST_PATHS.some((root) => below(path, root)));
                const shown = raw === path ? raw : `${raw} (${path})`;
                const mounts = containersOf(pod).flatMap(({ container, label }) =>
                    (Array.isArray(container?.volumeMounts) ? container.volumeMounts : []).filter((m: any) => m?.name === volume.name).map((m: any) => ({ m, label })),
                );
                if (!allowed) {
                    if (mounts.length === 0) out.push(`${o} volume ${volume.name} is the host's ${shown}`);
                    for (const { label } of mounts) out.push(`${o} ${label} mounts the host's ${shown} (volume ${volume.name})`);
                } else if (!state) {
                    for (const { m, label } of mounts) if (m.readOnly !== true) out.push(`${o} ${label} mounts the host's ${shown} writable (volume ${volume.name})`);
                }
            }
            return out;
        },
    ),
    workloadRule("k8s-pinned-images", "Every container's image has an explicit tag other than latest, or a digest.", (pod, o) =>
        containersOf(pod).flatMap(({ container, label }) => {
            const image = container?.image;
            if (typeof image !== "string" || image === "") return [`${o} ${label} has no image`];
            const { tag, digest } = parseImage(image);
            if (digest !== undefined) return DIGEST.test(digest) ? [] : [`${o} ${label} runs ${image}, whose digest is not one`];
            if (tag === undefined) return [`${o} ${label} runs ${image}, without a tag`];
            if (!TAG.test(tag) || tag.toLowerCase() === "latest") return [`${o} ${label} runs ${image}, not a pinned tag`];
            return [];
        }),
    ),
];

/** Every violation of every Kubernetes rule by plain objects (`helm template` output; empty documents are skipped). */
export function kubernetesViolations(objects: ReadonlyArray<KubernetesObject | null | undefined>): KubernetesViolation[] {
    return objects.flatMap((o) => (o ? KUBERNETES_RULES.flatMap((rule) => rule.checkObject(o).map((message) => ({ rule: rule.name, object: objectName(o), message }))) : []));
}
