import { SERVICE_PORTS } from "../../settings/defaults";
import { ChartName, KubernetesSettings, Settings } from "../../settings/types";

/**
 * The Helm release of each chart: `<prefix>-<chart>`. Every chart names its objects after the release when the
 * release name contains the chart's name (e.g. loki-18.11.0 templates/_helpers.tpl "loki.fullname": `contains $name
 * .Release.Name`), so Loki's service is `<prefix>-loki`, as on Docker its container.
 */
export function releaseName(settings: Settings, chart: ChartName): string {
    return `${settings.namePrefix}-${chart}`;
}

export function kubernetesOf(settings: Settings): KubernetesSettings {
    if (!settings.kubernetes) throw new Error(`stack ${settings.stack} is not a Kubernetes stack`);
    return settings.kubernetes;
}

/** A service's cluster DNS name, as the stack's pods and Grafana's datasources reach it. */
function serviceHost(settings: Settings, service: string): string {
    return `${service}.${kubernetesOf(settings).namespace}.svc.cluster.local`;
}

/**
 * The in-cluster URLs of the stack's services. The Prometheus chart's server service listens on 80 by default
 * (prometheus-29.27.0 values.yaml server.service.servicePort); the values set 9090, Prometheus' own port, and the
 * alertmanager subchart names its service `<release>-alertmanager` (charts/alertmanager templates/_helpers.tpl).
 */
export function clusterUrls(settings: Settings): { loki: string; prometheus: string; alertmanager: string; grafana: string } {
    return {
        loki: `http://${serviceHost(settings, releaseName(settings, "loki"))}:${SERVICE_PORTS.loki}`,
        prometheus: `http://${serviceHost(settings, `${releaseName(settings, "prometheus")}-server`)}:${SERVICE_PORTS.prometheus}`,
        alertmanager: `http://${serviceHost(settings, `${releaseName(settings, "prometheus")}-alertmanager`)}:${SERVICE_PORTS.alertmanager}`,
        grafana: `http://${serviceHost(settings, releaseName(settings, "grafana"))}:${SERVICE_PORTS.grafana}`,
    };
}

/** Kubernetes' recommended label naming a pod's Helm release; every chart sets it on its pods. */
export const INSTANCE_LABEL = "app.kubernetes.io/instance";

/** Requests and limits of a container from the stack's resource budget (the same numbers as Docker's limits). */
export function containerResources(limits: { memoryMb: number; cpus: number }): { requests: { cpu: string; memory: string }; limits: { memory: string } } {
    // CPU is requested, not capped (a CPU limit throttles a collector catching up); memory is both: over it, the pod is OOM-killed.
    return { requests: { cpu: `${Math.round(limits.cpus * 1000)}m`, memory: `${limits.memoryMb}Mi` }, limits: { memory: `${limits.memoryMb}Mi` } };
}

/** An image reference split as the charts take it. */
export function imageParts(ref: string): { registry: string; repository: string; tag: string } {
    const at = ref.indexOf("@");
    const base = at >= 0 ? ref.slice(0, at) : ref;
    const colon = base.lastIndexOf(":");
    const hasTag = colon > base.lastIndexOf("/");
    const name = hasTag ? base.slice(0, colon) : base;
    const tag = (hasTag ? base.slice(colon + 1) : "") + (at >= 0 ? ref.slice(at) : "");
    const first = name.split("/")[0];
    const explicitRegistry = name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
    return explicitRegistry ? { registry: first, repository: name.slice(first.length + 1), tag } : { registry: "docker.io", repository: name, tag };
}

/**
 * A pod annotation with a digest of the Secrets a pod reads (an HMAC keyed by a key kept secret in the state,
 * components/kubernetes/stack.ts): a changed secret changes the pod template, so the pod is replaced and reads the
 * new value, which environment variables never pick up in a running pod. Nothing when there is no digest.
 */
export const SECRETS_DIGEST_ANNOTATION = "observability-stack/secrets-digest";
export function secretsDigestAnnotation(key: string, digest: string | undefined): Record<string, { [SECRETS_DIGEST_ANNOTATION]: string }> {
    return digest === undefined ? {} : { [key]: { [SECRETS_DIGEST_ANNOTATION]: digest } };
}
