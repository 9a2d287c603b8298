/**
 * What the settings ask of the rendered objects, checked on `helm template`'s output. A chart ignores a value at a
 * path it does not read (no schema forbids unknown keys: ../shared/charts/INDEX.md, "values.schema.json"), so a
 * misspelt path renders a chart's default silently; reading each asked-for value back from the objects is what catches
 * it. Expected values are derived from the settings here, independently of configs/kubernetes.
 */
import { Settings } from "../../settings/types";
import { KubeObject } from "./kube";

type Container = { name: string; image: string; args?: string[]; env?: any[]; resources?: any; volumeMounts?: any[] };
type PodSpec = { containers: Container[]; initContainers?: Container[]; volumes?: any[] };

export function podSpec(o: KubeObject): PodSpec | undefined {
    const spec = o.spec as any;
    return spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec;
}

function workload(objects: KubeObject[], kind: string, name: string): KubeObject | undefined {
    return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

/** docker.io/grafana/loki:3.7.6 and grafana/loki:3.7.6 are the same image. */
function sameImage(rendered: string, ref: string): boolean {
    const norm = (r: string) => r.replace(/^docker\.io\//, "").replace(/^library\//, "");
    return norm(rendered) === norm(ref);
}

export function expectationProblems(settings: Settings, objects: KubeObject[]): string[] {
    const p = settings.namePrefix;
    const k8s = settings.kubernetes!;
    const problems: string[] = [];
    const want = (ok: boolean, what: string) => {
        if (!ok) problems.push(what);
    };
    const budget = (service: keyof Settings["resources"]) => {
        const r = settings.resources[service];
        return { requests: { cpu: `${Math.round(r.cpus * 1000)}m`, memory: `${r.memoryMb}Mi` }, limits: { memory: `${r.memoryMb}Mi` } };
    };
    const main = (kind: string, name: string, container: string, service: keyof Settings["images"] & keyof Settings["resources"]) => {
        const o = workload(objects, kind, name);
        if (!o) return problems.push(`no ${kind} ${name}`), undefined;
        const c = podSpec(o)!.containers.find((x) => x.name === container);
        if (!c) return problems.push(`${kind} ${name} has no container ${container}`), undefined;
        want(sameImage(c.image, settings.images[service]), `${kind} ${name}: image ${c.image}, settings say ${settings.images[service]}`);
        want(canonical(c.resources) === canonical(budget(service)), `${kind} ${name}: resources ${JSON.stringify(c.resources)}, settings say ${JSON.stringify(budget(service))}`);
        return { o, c };
    };

    const loki = main("StatefulSet", `${p}-loki`, "loki", "loki");
    if (loki) {
        const spec = loki.o.spec as any;
        want(spec.replicas === settings.loki.replicas, `Loki replicas ${spec.replicas}, settings say ${settings.loki.replicas}`);
        const claim = (spec.volumeClaimTemplates ?? []).find((t: any) => t.metadata.name === "storage");
        if (settings.loki.storage.type === "filesystem") want(claim?.spec?.resources?.requests?.storage === `${k8s.volumes.loki}Gi`, `Loki's volume ${claim?.spec?.resources?.requests?.storage}, settings say ${k8s.volumes.loki}Gi`);
    }
    for (const absent of [`${p}-loki-chunks-cache`, `${p}-loki-results-cache`, `${p}-loki-gateway`, `${p}-loki-canary`]) {
        want(!objects.some((o) => o.metadata.name === absent && ["StatefulSet", "Deployment", "DaemonSet"].includes(o.kind)), `${absent} is rendered (off in the values)`);
    }

    const alloy = main("DaemonSet", `${p}-alloy`, "alloy", "alloy");
    if (alloy) {
        const volumes = podSpec(alloy.o)!.volumes ?? [];
        const hostPaths = volumes.filter((v) => v.hostPath).map((v) => v.hostPath.path);
        // The pods' logs, and the state directory of this stack's Alloy on the node (its namespace and release).
        const stateDir = `/var/lib/alloy/${k8s.namespace}/${p}-alloy`;
        want(JSON.stringify(hostPaths) === JSON.stringify(["/var/log", stateDir]), `Alloy's host paths ${JSON.stringify(hostPaths)}, expected /var/log and ${stateDir}`);
        // Alloy's storage path (its positions) on the node's state directory, so a new pod resumes where the last stopped.
        const storage = (alloy.c.args ?? []).find((a) => a.startsWith("--storage.path="))?.split("=")[1];
        const mount = (alloy.c.volumeMounts ?? []).find((m: any) => m.mountPath === storage);
        const volume = volumes.find((v) => v.name === mount?.name);
        want(volume?.hostPath?.path === stateDir && mount?.readOnly !== true, `Alloy's --storage.path ${storage} is on ${JSON.stringify(volume)} (readOnly ${mount?.readOnly}), expected the node's ${stateDir}, writable`);
    }

    if (!settings.grafana.externalUrl) {
        const grafana = main("Deployment", `${p}-grafana`, "grafana", "grafana");
        if (grafana) {
            const env = grafana.c.env ?? [];
            const password = env.find((e: any) => e.name === "GF_SECURITY_ADMIN_PASSWORD");
            want(password?.valueFrom?.secretKeyRef?.name === `${p}-grafana-admin`, `Grafana's admin password from ${JSON.stringify(password?.valueFrom)}, expected the program's Secret ${p}-grafana-admin`);
            const claim = (podSpec(grafana.o)!.volumes ?? []).find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim?.claimName;
            want(claim === `${p}-grafana-data`, `Grafana's volume ${claim}, expected the program's claim ${p}-grafana-data`);
            // One pod on a ReadWriteOnce claim: the old pod must go before the new one starts.
            const strategy = (grafana.o.spec as any).strategy?.type;
            want(strategy === "Recreate", `Grafana's Deployment strategy ${strategy}, expected Recreate (one pod on a ReadWriteOnce claim)`);
        }
        const service = workload(objects, "Service", `${p}-grafana`) as any;
        const port = service?.spec?.ports?.[0];
        want(port?.port === 3000, `Grafana's service port ${port?.port}, expected 3000`);
        if (k8s.grafanaNodePort) want(service?.spec?.type === "NodePort" && port?.nodePort === k8s.grafanaNodePort, `Grafana's service ${service?.spec?.type} ${port?.nodePort}, settings say NodePort ${k8s.grafanaNodePort}`);
    }

    const server = main("Deployment", `${p}-prometheus-server`, "prometheus-server", "prometheus");
    if (server) {
        const args = server.c.args ?? [];
        want(args.some((a) => /^--storage\.tsdb\.retention\.time=/.test(a) && a.endsWith(`=${settingsRetention(settings)}`)), `Prometheus' retention flag ${args.find((a) => a.includes("retention.time"))}, settings say ${settingsRetention(settings)}`);
        const claim = (podSpec(server.o)!.volumes ?? []).find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim?.claimName;
        want(claim === `${p}-prometheus-data`, `Prometheus' volume ${claim}, expected the program's claim ${p}-prometheus-data`);
        // The chart's default (values.yaml:471-472), kept: a second Prometheus would wait for the claim or the TSDB lock.
        const strategy = (server.o.spec as any).strategy?.type;
        want(strategy === "Recreate", `Prometheus' Deployment strategy ${strategy}, expected Recreate (one pod on a ReadWriteOnce claim)`);
    }
    main("StatefulSet", `${p}-prometheus-alertmanager`, "alertmanager", "alertmanager");
    for (const absent of ["kube-state-metrics", "prometheus-node-exporter", "prometheus-pushgateway"]) {
        want(!objects.some((o) => o.metadata.name === `${p}-prometheus-${absent}` && ["Deployment", "DaemonSet"].includes(o.kind)), `${absent} is rendered (off in the values)`);
    }

    if (settings.falco.enabled) {
        const falco = main("DaemonSet", `${p}-falco`, "falco", "falco");
        if (falco) {
            const spec = podSpec(falco.o)!;
            const all = [...spec.containers, ...(spec.initContainers ?? [])].map((c) => c.name);
            want(JSON.stringify(all) === JSON.stringify(["falco"]), `Falco's pod runs ${JSON.stringify(all)}: expected falco alone (no falcoctl download, no driver loader)`);
        }
    }
    return problems;
}

/** JSON with sorted keys: the same object whatever order a chart writes it in. */
function canonical(v: unknown): string {
    return JSON.stringify(v, (_k, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
}

/** Prometheus' retention flag as the chart passes `server.retention` (a Prometheus duration, as Docker's flag). */
function settingsRetention(settings: Settings): string {
    const s = settings.prometheus.retention.seconds;
    for (const [unit, n] of [["w", 604800], ["d", 86400], ["h", 3600], ["m", 60]] as const) if (s % n === 0) return `${s / n}${unit}`;
    return `${s}s`;
}
