import { SERVICE_PORTS } from "../../settings/defaults";
import { Settings } from "../../settings/types";
import { formatDuration } from "../../settings/units";
import { alertRules } from "../alertRules";
import { alertmanagerConfig, alertmanagerHasSecrets } from "../alertmanager";
import { clusterUrls, containerResources, imageParts, kubernetesOf, releaseName, secretsDigestAnnotation } from "./names";
import { kubernetesScrapeConfigs } from "./scrape";
import { dataClaimName } from "./volumes";

/** The Secret with Alertmanager's receiver secrets (a contact point URL, the SMTP password), mounted as files. */
export function alertmanagerSecretName(settings: Settings): string {
    return `${releaseName(settings, "prometheus")}-alertmanager-secrets`;
}
const ALERTMANAGER_SECRET_DIR = "/etc/alertmanager/secrets";

/** The chart's ten default jobs (values.yaml scrapeConfigs, a map by job name since 28.x): replaced by the stack's. */
const CHART_JOBS = [
    "prometheus",
    "kubernetes-api-servers",
    "kubernetes-nodes",
    "kubernetes-nodes-cadvisor",
    "kubernetes-service-endpoints",
    "kubernetes-service-endpoints-slow",
    "prometheus-pushgateway",
    "kubernetes-services",
    "kubernetes-pods",
    "kubernetes-pods-slow",
];

const SECURE = { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };

/**
 * Values of the Prometheus chart (prometheus-community prometheus 29.27.0) with its Alertmanager subchart: the same
 * alert rules as on Docker (configs/alertRules.ts), jobs by Kubernetes service discovery with Docker's job names
 * (configs/kubernetes/scrape.ts), alerts to the stack's Alertmanager, routed to the same contact point
 * (configs/alertmanager.ts). kube-state-metrics, node-exporter (host network and PID) and the pushgateway are off.
 */
export function prometheusValues(settings: Settings, secretsDigest?: string): Record<string, unknown> {
    const k8s = kubernetesOf(settings);
    const interval = formatDuration(settings.prometheus.scrapeInterval.seconds);
    const storageClass = k8s.storageClass ? { storageClass: k8s.storageClass } : {};
    const secrets = alertmanagerHasSecrets(settings);
    const am = imageParts(settings.images.alertmanager);
    const server = imageParts(settings.images.prometheus);
    return {
        server: {
            image: { repository: `${server.registry}/${server.repository}`, tag: server.tag },
            global: { scrape_interval: interval, evaluation_interval: interval, external_labels: { environment: settings.environment } },
            retention: formatDuration(settings.prometheus.retention.seconds),
            ...(settings.prometheus.retentionSize ? { retentionSize: settings.prometheus.retentionSize } : {}),
            persistentVolume: { enabled: true, existingClaim: dataClaimName(settings, "prometheus") },
            resources: containerResources(settings.resources.prometheus),
            service: { servicePort: SERVICE_PORTS.prometheus },
            // As on Docker: alerts to the Alertmanager service (the chart's default finds its pods by discovery).
            alertmanagers: [{ static_configs: [{ targets: [new URL(clusterUrls(settings).alertmanager).host] }] }],
            containerSecurityContext: SECURE,
        },
        configmapReload: { prometheus: { resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } }, containerSecurityContext: SECURE } },
        serverFiles: {
            "alerting_rules.yml": alertRules(settings),
            "prometheus.yml": { rule_files: ["/etc/config/alerting_rules.yml"] },
        },
        scrapeConfigs: {
            ...Object.fromEntries(CHART_JOBS.map((job) => [job, { enabled: false }])),
            ...Object.fromEntries(kubernetesScrapeConfigs(settings).map(({ job_name, ...job }) => [`stack-${job_name}`, { job_name, ...job }])),
        },
        alertmanager: {
            enabled: true,
            image: { repository: `${am.registry}/${am.repository}`, tag: am.tag },
            config: alertmanagerConfig(settings, { fileDir: ALERTMANAGER_SECRET_DIR }),
            persistence: { enabled: true, size: `${k8s.volumes.alertmanager}Gi`, ...storageClass },
            resources: containerResources(settings.resources.alertmanager),
            // One instance: no gossip listener (as on Docker).
            extraArgs: { "cluster.listen-address": "" },
            ...(secrets ? { extraSecretMounts: [{ name: "receiver-secrets", mountPath: ALERTMANAGER_SECRET_DIR, secretName: alertmanagerSecretName(settings), readOnly: true }] } : {}),
            // A changed receiver secret rolls the pod, as a changed file does (the subchart's checksum/config without
            // the reloader, templates/statefulset.yaml:29-31).
            ...secretsDigestAnnotation("podAnnotations", secretsDigest),
            // The subchart's container context is `securityContext` (charts/alertmanager values.yaml:82); its default
            // sets only the user.
            securityContext: { ...SECURE, runAsUser: 65534, runAsGroup: 65534 },
            configmapReload: { enabled: false },
        },
        "kube-state-metrics": { enabled: false },
        "prometheus-node-exporter": { enabled: false },
        "prometheus-pushgateway": { enabled: false },
    };
}
