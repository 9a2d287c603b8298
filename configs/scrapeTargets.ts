import { SERVICE_PORTS } from "../settings/defaults";
import { Settings } from "../settings/types";
import { CONTAINER_EXPORTER, HOST_EXPORTER } from "./alloy/config";
import { kubernetesScrapeConfigs } from "./kubernetes/scrape";

/** Prometheus jobs of the host's and the containers' metrics (Alloy's exporters). */
export const HOST_METRICS_JOB = "node";
export const CONTAINER_METRICS_JOB = "cadvisor";

/** A Prometheus scrape job: one endpoint reached by its in-network alias. */
export interface ScrapeTarget {
    readonly job: string;
    readonly target: string;
    readonly metricsPath?: string;
}

/** Every metrics endpoint of the stack, the demo and the configured applications. */
export function scrapeTargets(settings: Settings): ScrapeTarget[] {
    const targets: ScrapeTarget[] = [
        { job: "prometheus", target: `localhost:${SERVICE_PORTS.prometheus}` },
        { job: "loki", target: `loki:${SERVICE_PORTS.loki}` },
        { job: "alertmanager", target: `alertmanager:${SERVICE_PORTS.alertmanager}` },
        settings.collector === "alloy"
            ? { job: "alloy", target: `alloy:${SERVICE_PORTS.alloy}` }
            : { job: "promtail", target: `promtail:${SERVICE_PORTS.promtail}` },
    ];
    // Alloy serves each exporter component's metrics on its own HTTP port, in every stack (beside Promtail too).
    targets.push(
        { job: HOST_METRICS_JOB, target: `alloy:${SERVICE_PORTS.alloy}`, metricsPath: `/api/v0/component/${HOST_EXPORTER}/metrics` },
        { job: CONTAINER_METRICS_JOB, target: `alloy:${SERVICE_PORTS.alloy}`, metricsPath: `/api/v0/component/${CONTAINER_EXPORTER}/metrics` },
    );
    if (!settings.grafana.externalUrl) targets.push({ job: "grafana", target: `grafana:${SERVICE_PORTS.grafana}` });
    if (settings.falco.enabled) targets.push({ job: "falco", target: `falco:${SERVICE_PORTS.falcoWeb}` });
    if (settings.demo.enabled) targets.push({ job: "demo-postgres", target: `demo-exporter:${SERVICE_PORTS.demoExporter}` });
    for (const app of settings.applications) {
        if (app.metrics) targets.push({ job: app.name, target: app.metrics });
    }
    return targets;
}

/** The names of Prometheus' jobs, whichever platform: alerts exist only for what is scraped. */
export function scrapeJobNames(settings: Settings): string[] {
    if (settings.platform === "kubernetes") return kubernetesScrapeConfigs(settings).map((j) => j.job_name);
    return scrapeTargets(settings).map((t) => t.job);
}
