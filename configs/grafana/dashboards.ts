import { Settings } from "../../settings/types";
import { falcoSelector } from "../collection";
import { escapeRegex } from "../labels";
import { CONTAINER_METRICS_JOB } from "../scrapeTargets";
import { dataDiskUsage } from "../dataDisks";
import { DashboardSpec, PanelSpec } from "./panels";
import { ERROR_PATTERN, allLogs, postgresLogs, pythonLogs } from "./selectors";

/** The four dashboards, as data: titles, panels and their queries. */
export function dashboardSpecs(settings: Settings): DashboardSpec[] {
    const uid = (name: string) => `${settings.namePrefix}-${name}`;
    const tags = ["observability-stack", settings.environment];
    const all = allLogs(settings);
    const py = pythonLogs(settings);
    const pg = postgresLogs(settings);

    const healthPanels: PanelSpec[] = [
            { title: "Targets up", kind: "stat", description: "1 = scraped, 0 = down, per Prometheus job.", queries: [{ language: "promql", expr: "up", legend: "{{job}}", instant: true }], width: 24 },
            { title: "Loki ingestion rate", kind: "timeseries", unit: "Bps", description: "Bytes per second received by Loki's distributor.", queries: [{ language: "promql", expr: "sum(rate(loki_distributor_bytes_received_total[5m]))", legend: "bytes/s" }] },
            {
                title: "Loki request latency (p99)",
                kind: "timeseries",
                unit: "s",
                description: "99th percentile of Loki request duration, per route.",
                queries: [{ language: "promql", expr: 'histogram_quantile(0.99, sum by (le, route) (rate(loki_request_duration_seconds_bucket{job="loki"}[5m])))', legend: "{{route}}" }],
            },
            { title: "Log lines per container", kind: "timeseries", description: "Lines per second collected, per container.", queries: [{ language: "logql", expr: `sum by (container) (rate(${all}[5m]))`, legend: "{{container}}" }] },
    ];
    healthPanels.push(...resourcePanels(settings));
    if (settings.falco.enabled) {
        healthPanels.push({
                title: "Falco events by rule and priority",
                kind: "timeseries",
                description: "Runtime security events from Falco's JSON output, per rule and priority.",
                queries: [{ language: "logql", expr: `sum by (rule, priority) (count_over_time(${falcoSelector(settings)} | json | __error__="" [5m]))`, legend: "{{priority}} {{rule}}" }],
        });
    }

    return [
        {
            uid: uid("logs-overview"),
            title: `Logs overview (${settings.environment})`,
            tags,
            panels: [
                { title: "Log rate per container", kind: "timeseries", description: "Log lines per second, per container.", queries: [{ language: "logql", expr: `sum by (container) (rate(${all}[5m]))`, legend: "{{container}}" }] },
                {
                    title: "Top erroring containers",
                    kind: "bargauge",
                    description: "Lines matching error, exception or failed in the last hour.",
                    queries: [{ language: "logql", expr: `topk(5, sum by (container) (count_over_time(${all} |~ "${ERROR_PATTERN}" [1h])))`, legend: "{{container}}", instant: true }],
                },
                { title: "Recent errors", kind: "logs", description: "Lines matching error, exception or failed.", queries: [{ language: "logql", expr: `${all} |~ "${ERROR_PATTERN}"` }], width: 24 },
            ],
        },
        {
            uid: uid("application-logs"),
            title: `Application logs (${settings.environment})`,
            tags,
            panels: [
                { title: "HTTP requests per minute", kind: "timeseries", description: "Access-log lines per minute.", queries: [{ language: "logql", expr: `sum by (container) (count_over_time(${py} |~ "GET|POST|PUT|DELETE" [1m]))`, legend: "{{container}}" }] },
                {
                    title: "Response time (JSON logs)",
                    kind: "timeseries",
                    unit: "s",
                    description: "Average response_time from JSON log lines, when the application writes them.",
                    queries: [{ language: "logql", expr: `avg by (container) (avg_over_time(${py} | json | unwrap response_time | __error__="" [5m]))`, legend: "{{container}}" }],
                },
                { title: "HTTP requests", kind: "logs", description: "Access-log lines.", queries: [{ language: "logql", expr: `${py} |~ "GET|POST|PUT|DELETE"` }] },
                { title: "Python tracebacks", kind: "logs", description: "Tracebacks, joined into one entry by the collector.", queries: [{ language: "logql", expr: `${py} |= "Traceback"` }] },
            ],
        },
        {
            uid: uid("postgresql-logs"),
            title: `PostgreSQL logs (${settings.environment})`,
            tags,
            panels: [
                { title: "Slow queries per 5 minutes", kind: "timeseries", description: "Statements of 100 ms or more.", queries: [{ language: "logql", expr: `sum by (container) (count_over_time(${pg} |~ "duration: [0-9]{3,}" [5m]))`, legend: "{{container}}" }] },
                { title: "Connections per 5 minutes", kind: "timeseries", description: "Connection lines (received, authorized, disconnection).", queries: [{ language: "logql", expr: `sum by (container) (count_over_time(${pg} |~ "connection" [5m]))`, legend: "{{container}}" }] },
                { title: "Deadlocks (24h)", kind: "stat", description: "Deadlocks detected in the last 24 hours.", queries: [{ language: "logql", expr: `sum(count_over_time(${pg} |= "deadlock detected" [24h]))`, instant: true }] },
                { title: "Slow queries", kind: "logs", description: "Statements of 100 ms or more.", queries: [{ language: "logql", expr: `${pg} |~ "duration: [0-9]{3,}"` }] },
                { title: "Deadlocks", kind: "logs", description: "Deadlock reports.", queries: [{ language: "logql", expr: `${pg} |= "deadlock"` }] },
            ],
        },
        { uid: uid("stack-health"), title: `Stack health (${settings.environment})`, tags, panels: healthPanels },
    ];
}

/** Per-container CPU and memory next to each container's limit, and the disks under the data volumes (Alloy's exporters). */
function resourcePanels(settings: Settings): PanelSpec[] {
    const ours = `job="${CONTAINER_METRICS_JOB}", name=~"${escapeRegex(settings.namePrefix)}-.+"`;
    const disk = dataDiskUsage(settings);
    return [
        {
            title: "Container memory and limit",
            kind: "timeseries",
            unit: "bytes",
            description: "Working set of each of the stack's containers, and its memory limit.",
            queries: [
                { language: "promql", expr: `sum by (name) (container_memory_working_set_bytes{${ours}})`, legend: "{{name}}" },
                { language: "promql", expr: `max by (name) (container_spec_memory_limit_bytes{${ours}})`, legend: "{{name}} limit" },
            ],
        },
        {
            title: "Container CPU and limit",
            kind: "timeseries",
            description: "CPU cores used by each of the stack's containers, and its CPU limit.",
            queries: [
                { language: "promql", expr: `sum by (name) (rate(container_cpu_usage_seconds_total{${ours}}[5m]))`, legend: "{{name}}" },
                { language: "promql", expr: `max by (name) (container_spec_cpu_quota{${ours}} / container_spec_cpu_period{${ours}})`, legend: "{{name}} limit" },
            ],
        },
        {
            title: "Data disk usage",
            kind: "bargauge",
            unit: "percentunit",
            description: "Used share of the disk holding each data volume (Loki, Prometheus).",
            queries: [{ language: "promql", expr: disk.expr, legend: `{{${disk.label}}}`, instant: true }],
        },
    ];
}
