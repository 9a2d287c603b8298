import { Settings } from "../settings/types";
import { formatDuration } from "../settings/units";
import { dataDiskUsage } from "./dataDisks";
import { scrapeJobNames } from "./scrapeTargets";
import { toYaml } from "./yaml";

/** A Prometheus alerting rule as typed data. */
export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    labels: { severity: "critical" | "warning" };
    annotations: { summary: string; description: string };
}

export interface RuleFile {
    groups: Array<{ name: string; rules: AlertRule[] }>;
}

/**
 * Each collector's counter of entries dropped after all retries: Promtail's client metrics (grafana/loki v3.6.15
 * clients/pkg/promtail/client/metrics.go, namespace promtail) and the same client inside Alloy's loki.write
 * (alloy v1.18.1 internal/component/common/loki/client/metrics.go, namespace loki_write).
 */
const DROPPED_ENTRIES: Record<Settings["collector"], string> = { promtail: "promtail_dropped_entries_total", alloy: "loki_write_dropped_entries_total" };

/**
 * A loss counter that grew in the last 5 minutes, or appeared in them: Loki and the collectors create a counter
 * at its first loss, already above zero, and increase() sees no growth in a series that starts there.
 */
function grewOrAppeared(series: string, by?: string): string {
    const sum = by ? `sum by (${by})` : "sum";
    return `${sum} (increase(${series}[5m])) > 0 or ${sum} (${series} unless ${series} offset 5m) > 0`;
}

/** Services with a dedicated down alert; other targets fall under PrometheusTargetMissing. */
const DOWN_ALERTS: Array<{ job: string; alert: string; what: string }> = [
    { job: "loki", alert: "LokiDown", what: "Loki (log store)" },
    // One name whichever collector runs, so routing and silences survive a switch.
    { job: "alloy", alert: "CollectorDown", what: "Grafana Alloy (log collector)" },
    { job: "promtail", alert: "CollectorDown", what: "Promtail (log collector)" },
    { job: "grafana", alert: "GrafanaDown", what: "Grafana" },
    { job: "falco", alert: "FalcoDown", what: "Falco (runtime security)" },
    // Shown in Prometheus and Grafana only: the Alertmanager that would deliver it is the one that is down.
    { job: "alertmanager", alert: "AlertmanagerDown", what: "Alertmanager (delivers these alerts)" },
];

/** The stack's own alerts: only for services this stack actually scrapes. */
export function alertRules(settings: Settings): RuleFile {
    const jobs = new Set(scrapeJobNames(settings));
    const downFor = formatDuration(settings.alerts.downFor.seconds);
    const covered = DOWN_ALERTS.filter((d) => jobs.has(d.job));
    const rules: AlertRule[] = covered.map((d) => ({
        alert: d.alert,
        expr: `up{job="${d.job}"} == 0`,
        for: downFor,
        labels: { severity: "critical" },
        annotations: {
            summary: `${d.what} is down`,
            description: `Prometheus has not been able to scrape ${d.job} for ${downFor}.`,
        },
    }));
    rules.push(
        {
            alert: "PrometheusTargetMissing",
            expr: `up{job!~"${covered.map((d) => d.job).join("|")}"} == 0`,
            for: downFor,
            labels: { severity: "warning" },
            annotations: {
                summary: "A scrape target is down",
                description: "A target without its own down alert (Prometheus itself, the demo or an application) cannot be scraped.",
            },
        },
        {
            alert: "LokiHighIngestionRate",
            expr: `sum(rate(loki_distributor_bytes_received_total[5m])) > ${settings.alerts.lokiIngestionBytesPerSecond}`,
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
                summary: "Loki ingestion rate is high",
                description: `Loki receives more than ${settings.alerts.lokiIngestionBytesPerSecond} bytes per second; check which container is logging.`,
            },
        },
        {
            // Lines Loki refused (over the ingestion limit, too old, too long...): loki_discarded_samples_total{reason},
            // grafana/loki pkg/validation/validate.go.
            alert: "LokiDiscardingLines",
            expr: grewOrAppeared(`loki_discarded_samples_total{job="loki"}`, "reason"),
            for: "0m",
            labels: { severity: "critical" },
            annotations: {
                summary: "Loki refuses log lines",
                description: "Loki discarded lines in the last 5 minutes (reason {{ $labels.reason }}); they are lost unless the collector retries them.",
            },
        },
        {
            // Batches a collector gave up on after its retries (settings.outageTolerance): lost for good.
            alert: "CollectorDroppingLines",
            expr: grewOrAppeared(`${DROPPED_ENTRIES[settings.collector]}{job="${settings.collector}"}`),
            for: "0m",
            labels: { severity: "critical" },
            annotations: {
                summary: "The log collector dropped lines",
                description: "The collector gave up sending lines to Loki after all its retries in the last 5 minutes; those lines are lost.",
            },
        },
        {
            alert: "LokiRequestErrors",
            expr:
                `sum by (route) (rate(loki_request_duration_seconds_count{job="loki", status_code=~"5.."}[5m]))` +
                ` / sum by (route) (rate(loki_request_duration_seconds_count{job="loki"}[5m])) > ${settings.alerts.lokiErrorRatio}`,
            for: "10m",
            labels: { severity: "warning" },
            annotations: {
                summary: "Loki answers with server errors",
                description: `More than ${percent(settings.alerts.lokiErrorRatio)} of Loki requests on a route fail with 5xx.`,
            },
        },
    );
    // Docker: the host exporter (Alloy, in every stack) sees the disks holding Loki's and Prometheus's volumes; Kubernetes: the kubelet's PVC statistics.
    const disk = dataDiskUsage(settings);
    rules.push({
        alert: "DataDiskFilling",
        expr: `${disk.expr} > ${settings.alerts.dataDiskUsedRatio}`,
        for: "10m",
        labels: { severity: "warning" },
        annotations: {
            summary: "The disk under a data volume is filling up",
            description: `More than ${percent(settings.alerts.dataDiskUsedRatio)} of the disk holding {{ $labels.${disk.label} }} is used; Loki and Prometheus stop writing when it is full.`,
        },
    });
    return { groups: [{ name: "observability-stack", rules }] };
}

/** A ratio as a percentage without binary noise: 0.07 is "7%", not "7.000000000000001%". */
function percent(ratio: number): string {
    return `${Number((ratio * 100).toFixed(4))}%`;
}

export function renderAlertRules(settings: Settings): string {
    return toYaml(alertRules(settings));
}
