import { SERVICE_PORTS } from "../../settings/defaults";
import { Settings } from "../../settings/types";
import { escapeRegex } from "../labels";
import { CONTAINER_METRICS_JOB } from "../scrapeTargets";
import { INSTANCE_LABEL, kubernetesOf, releaseName } from "./names";

/** The kubelet's own metrics (volume usage of the stack's PVCs: kubelet_volume_stats_*). */
export const KUBELET_JOB = "kubelet";

const SA = "/var/run/secrets/kubernetes.io/serviceaccount";
const metaLabel = (label: string) => `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, "_")}`;

export interface KubernetesScrapeConfig {
    job_name: string;
    metrics_path?: string;
    scheme?: string;
    tls_config?: { ca_file: string };
    bearer_token_file?: string;
    static_configs?: Array<{ targets: string[] }>;
    kubernetes_sd_configs?: Array<{ role: string; namespaces?: { names: string[] } }>;
    relabel_configs?: Array<Record<string, unknown>>;
    metric_relabel_configs?: Array<Record<string, unknown>>;
}

/**
 * One pod port of one of the stack's releases, found by Kubernetes service discovery (pods of the stack's namespace
 * with that release's instance label, the container port's number): every pod, so a DaemonSet (Alloy, Falco) is
 * scraped on every node, and `up` is 0 for a pod that stops answering.
 */
function releasePods(settings: Settings, job: string, release: string, port: number): KubernetesScrapeConfig {
    return {
        job_name: job,
        kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [kubernetesOf(settings).namespace] } }],
        relabel_configs: [
            { source_labels: [metaLabel(INSTANCE_LABEL), "__meta_kubernetes_pod_container_port_number"], regex: `${escapeRegex(release)};${port}`, action: "keep" },
            { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
        ],
    };
}

/** The kubelet of every node through the API server's node proxy (Prometheus' service account may get nodes/proxy). */
function kubelet(job: string, path: string): KubernetesScrapeConfig {
    return {
        job_name: job,
        scheme: "https",
        tls_config: { ca_file: `${SA}/ca.crt` },
        bearer_token_file: `${SA}/token`,
        kubernetes_sd_configs: [{ role: "node" }],
        relabel_configs: [
            { target_label: "__address__", replacement: "kubernetes.default.svc:443" },
            { source_labels: ["__meta_kubernetes_node_name"], regex: "(.+)", target_label: "__metrics_path__", replacement: `/api/v1/nodes/$1/proxy${path}` },
            { source_labels: ["__meta_kubernetes_node_name"], target_label: "node" },
        ],
    };
}

/**
 * Prometheus' jobs on Kubernetes, named as on Docker so every alert and dashboard selects the same `job`: the stack's
 * services, container metrics (the kubelet's cAdvisor, whose `name` is set to `<prefix>-<container>` for the stack's
 * pods, the name their containers have on Docker), the kubelet's volume usage, and the applications' endpoints.
 */
export function kubernetesScrapeConfigs(settings: Settings): KubernetesScrapeConfig[] {
    const ns = kubernetesOf(settings).namespace;
    const rel = (chart: Parameters<typeof releaseName>[1]) => releaseName(settings, chart);
    const jobs: KubernetesScrapeConfig[] = [
        { job_name: "prometheus", static_configs: [{ targets: [`localhost:${SERVICE_PORTS.prometheus}`] }] },
        releasePods(settings, "loki", rel("loki"), SERVICE_PORTS.loki),
        // The alertmanager subchart's pods carry the parent release's instance label.
        { ...releasePods(settings, "alertmanager", rel("prometheus"), SERVICE_PORTS.alertmanager) },
        releasePods(settings, "alloy", rel("alloy"), SERVICE_PORTS.alloy),
        {
            ...kubelet(CONTAINER_METRICS_JOB, "/metrics/cadvisor"),
            metric_relabel_configs: [
                { source_labels: ["namespace", "container"], regex: `${escapeRegex(ns)};(.+)`, target_label: "name", replacement: `${settings.namePrefix}-$1` },
            ],
        },
        kubelet(KUBELET_JOB, "/metrics"),
    ];
    if (!settings.grafana.externalUrl) jobs.push(releasePods(settings, "grafana", rel("grafana"), SERVICE_PORTS.grafana));
    if (settings.falco.enabled) jobs.push(releasePods(settings, "falco", rel("falco"), SERVICE_PORTS.falcoWeb));
    for (const app of settings.applications) {
        if (app.metrics) jobs.push({ job_name: app.name, static_configs: [{ targets: [app.metrics] }] });
    }
    return jobs;
}
