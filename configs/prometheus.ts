import { Settings } from "../settings/types";
import { formatDuration } from "../settings/units";
import { scrapeTargets } from "./scrapeTargets";
import { CONFIG_DIR } from "./paths";
import { toYaml } from "./yaml";
import { ALERTMANAGER_TARGET } from "./alertmanager";

export const PROMETHEUS_DATA_DIR = "/prometheus";
export const RULES_FILE = "alerts.yml";

export interface PrometheusConfig {
    global: { scrape_interval: string; evaluation_interval: string; external_labels: Record<string, string> };
    rule_files: string[];
    alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
    scrape_configs: Array<{ job_name: string; metrics_path: string; static_configs: Array<{ targets: string[] }> }>;
}

/** prometheus.yml: one job per endpoint, rule files beside it in the config directory. */
export function prometheusConfig(settings: Settings): PrometheusConfig {
    const interval = formatDuration(settings.prometheus.scrapeInterval.seconds);
    return {
        global: { scrape_interval: interval, evaluation_interval: interval, external_labels: { environment: settings.environment } },
        // Relative paths resolve against the config file's directory, in Prometheus and in promtool alike.
        rule_files: [RULES_FILE],
        // Firing and resolved alerts go to the stack's Alertmanager, which notifies the contact point.
        alerting: { alertmanagers: [{ static_configs: [{ targets: [ALERTMANAGER_TARGET] }] }] },
        scrape_configs: scrapeTargets(settings).map((t) => ({
            job_name: t.job,
            metrics_path: t.metricsPath ?? "/metrics",
            static_configs: [{ targets: [t.target] }],
        })),
    };
}

export function renderPrometheusConfig(settings: Settings): string {
    return toYaml(prometheusConfig(settings));
}

/** Command-line flags: storage on the volume, retention from settings. */
export function prometheusFlags(settings: Settings): string[] {
    const flags = [
        `--config.file=${CONFIG_DIR}/prometheus.yml`,
        `--storage.tsdb.path=${PROMETHEUS_DATA_DIR}`,
        `--storage.tsdb.retention.time=${formatDuration(settings.prometheus.retention.seconds)}`,
    ];
    if (settings.prometheus.retentionSize) flags.push(`--storage.tsdb.retention.size=${settings.prometheus.retentionSize}`);
    return flags;
}
