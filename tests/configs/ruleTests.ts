import { AlertRule, RuleFile } from "../../configs/alertRules";
import { Settings } from "../../settings/types";

/** One `promtool test rules` case: an alert either fires with these labels at eval time, or stays silent. */
interface AlertCase {
    eval_time: string;
    alertname: string;
    exp_alerts: Array<{ exp_labels: Record<string, string>; exp_annotations: Record<string, string> }>;
}

interface RuleTest {
    interval: string;
    input_series: Array<{ series: string; values: string }>;
    alert_rule_test: AlertCase[];
}

export interface RuleTestFile {
    rule_files: string[];
    evaluation_interval: string;
    tests: RuleTest[];
}


function find(rules: RuleFile, name: string): AlertRule | undefined {
    return rules.groups.flatMap((g) => g.rules).find((r) => r.alert === name);
}

/**
 * Rule unit tests derived from the settings' thresholds: for every alert, a failing series makes it fire
 * (after its `for`), and a healthy series keeps it silent. Expected labels are written out here; annotations
 * must match exactly in promtool, so they come from the rule itself.
 */
export function ruleTests(settings: Settings, rules: RuleFile, rulesFile: string): RuleTestFile {
    const tests: RuleTest[] = [];
    /** Templated annotations are expanded as Prometheus does: `{{ $labels.x }}` from the alert's labels. */
    const fires = (name: string, at: string, labels: Record<string, string>): AlertCase => {
        const rule = find(rules, name);
        if (!rule) throw new Error(`rule ${name} is missing`);
        const expand = (text: string) => text.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, l: string) => labels[l] ?? "");
        const annotations = Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, expand(v)]));
        return { eval_time: at, alertname: name, exp_alerts: [{ exp_labels: labels, exp_annotations: annotations }] };
    };
    const silent = (name: string, at: string): AlertCase => ({ eval_time: at, alertname: name, exp_alerts: [] });

    const downMinutes = Math.ceil(settings.alerts.downFor.seconds / 60);
    const downJobs = ["loki", "promtail", "grafana", "falco"].filter((job) => find(rules, `${alertName(job)}`));
    for (const job of downJobs) {
        const alert = alertName(job);
        tests.push({
            interval: "1m",
            input_series: [
                { series: `up{job="${job}", instance="${job}:1"}`, values: `0x${downMinutes + 5}` },
                { series: `up{job="${job}", instance="${job}:2"}`, values: `1x${downMinutes + 5}` },
            ],
            alert_rule_test: [
                // Not yet: the target has been down for less than `for`.
                silent(alert, `${Math.max(downMinutes - 1, 0)}m`),
                // Then only the failing instance fires; the healthy one stays silent.
                fires(alert, `${downMinutes + 1}m`, { severity: "critical", job, instance: `${job}:1` }),
                // A down service does not also raise the generic alert.
                silent("PrometheusTargetMissing", `${downMinutes + 1}m`),
            ],
        });
    }

    tests.push({
        interval: "1m",
        input_series: [
            { series: `up{job="demo-postgres", instance="demo-exporter:9187"}`, values: `0x${downMinutes + 5}` },
            { series: `up{job="prometheus", instance="localhost:9090"}`, values: `1x${downMinutes + 5}` },
        ],
        alert_rule_test: [
            fires("PrometheusTargetMissing", `${downMinutes + 1}m`, { severity: "warning", job: "demo-postgres", instance: "demo-exporter:9187" }),
        ],
    });

    // Bytes per minute at twice and at half the threshold.
    const perMinute = (factor: number) => Math.round(settings.alerts.lokiIngestionBytesPerSecond * 60 * factor);
    tests.push({
        interval: "1m",
        input_series: [{ series: `loki_distributor_bytes_received_total{job="loki", tenant="fake"}`, values: `0+${perMinute(2)}x20` }],
        alert_rule_test: [silent("LokiHighIngestionRate", "6m"), fires("LokiHighIngestionRate", "12m", { severity: "warning" })],
    });
    tests.push({
        interval: "1m",
        input_series: [{ series: `loki_distributor_bytes_received_total{job="loki", tenant="fake"}`, values: `0+${perMinute(0.5)}x20` }],
        alert_rule_test: [silent("LokiHighIngestionRate", "12m")],
    });

    // Lines refused by Loki: a counter that grows fires at once, with its reason; a flat one stays silent (after the
    // first 5 minutes of the test, in which every series is new to it).
    tests.push({
        interval: "1m",
        input_series: [
            { series: `loki_discarded_samples_total{job="loki", reason="rate_limited", tenant="fake"}`, values: "0x7 40x12" },
            { series: `loki_discarded_samples_total{job="loki", reason="line_too_long", tenant="fake"}`, values: "3x20" },
        ],
        alert_rule_test: [silent("LokiDiscardingLines", "7m"), fires("LokiDiscardingLines", "9m", { severity: "critical", reason: "rate_limited" }), silent("LokiDiscardingLines", "15m")],
    });
    // A counter Loki creates at its first refusal, already at 40: that is a loss too, for 5 minutes.
    tests.push({
        interval: "1m",
        input_series: [{ series: `loki_discarded_samples_total{job="loki", reason="rate_limited", tenant="fake"}`, values: "_ _ _ _ _ _ _ _ 40 40 40 40 40 40 40 40 40 40 40 40 40" }],
        alert_rule_test: [silent("LokiDiscardingLines", "7m"), fires("LokiDiscardingLines", "9m", { severity: "critical", reason: "rate_limited" }), silent("LokiDiscardingLines", "15m")],
    });
    // Batches the collector gave up on: Promtail's and Alloy's counters, each named by the client it comes from.
    const dropped = settings.collector === "promtail" ? "promtail_dropped_entries_total" : "loki_write_dropped_entries_total";
    tests.push({
        interval: "1m",
        input_series: [{ series: `${dropped}{job="${settings.collector}", host="loki:3100"}`, values: "0x7 25x12" }],
        alert_rule_test: [silent("CollectorDroppingLines", "7m"), fires("CollectorDroppingLines", "9m", { severity: "critical" }), silent("CollectorDroppingLines", "15m")],
    });
    tests.push({
        interval: "1m",
        input_series: [{ series: `${dropped}{job="${settings.collector}", host="loki:3100"}`, values: "_ _ _ _ _ _ _ _ 25 25 25 25 25 25 25 25 25 25 25 25 25" }],
        alert_rule_test: [silent("CollectorDroppingLines", "7m"), fires("CollectorDroppingLines", "9m", { severity: "critical" }), silent("CollectorDroppingLines", "15m")],
    });

    // Out of 1000 requests a minute: twice the allowed 5xx ratio on push, half of it on query.
    const errors = (factor: number) => Math.max(1, Math.round(1000 * settings.alerts.lokiErrorRatio * factor));
    tests.push({
        interval: "1m",
        input_series: [
            { series: `loki_request_duration_seconds_count{job="loki", route="loki_api_v1_push", status_code="500"}`, values: `0+${errors(2)}x30` },
            { series: `loki_request_duration_seconds_count{job="loki", route="loki_api_v1_push", status_code="204"}`, values: `0+${1000 - errors(2)}x30` },
            { series: `loki_request_duration_seconds_count{job="loki", route="loki_api_v1_query_range", status_code="500"}`, values: `0+${errors(0.5)}x30` },
            { series: `loki_request_duration_seconds_count{job="loki", route="loki_api_v1_query_range", status_code="200"}`, values: `0+${1000 - errors(0.5)}x30` },
        ],
        alert_rule_test: [fires("LokiRequestErrors", "20m", { severity: "warning", route: "loki_api_v1_push" })],
    });

    // The data disk: used share above the threshold on one volume, below it on the other; another namespace's claim
    // (Kubernetes) or another mount (Docker) full but not the stack's. Series as the kubelet and node_exporter name them.
    const full = 1 - (1 - settings.alerts.dataDiskUsedRatio) / 2;
    const calm = settings.alerts.dataDiskUsedRatio / 2;
    const disk = (labels: string, used: number) => [
        { series: `${settings.platform === "kubernetes" ? "kubelet_volume_stats_capacity_bytes" : "node_filesystem_size_bytes"}{${labels}}`, values: "1000x20" },
        { series: `${settings.platform === "kubernetes" ? "kubelet_volume_stats_available_bytes" : "node_filesystem_avail_bytes"}{${labels}}`, values: `${Math.round(1000 * (1 - used))}x20` },
    ];
    const ns = settings.kubernetes?.namespace;
    const [hit, miss, foreign, firing] =
        settings.platform === "kubernetes"
            ? [
                  `job="kubelet", namespace="${ns}", persistentvolumeclaim="storage-loki-0"`,
                  `job="kubelet", namespace="${ns}", persistentvolumeclaim="prometheus-data"`,
                  `job="kubelet", namespace="${ns}-other", persistentvolumeclaim="storage-loki-0"`,
                  { job: "kubelet", namespace: ns as string, persistentvolumeclaim: "storage-loki-0" },
              ]
            : [`job="node", mountpoint="/data/loki"`, `job="node", mountpoint="/data/prometheus"`, `job="node", mountpoint="/"`, { job: "node", mountpoint: "/data/loki" }];
    tests.push({
        interval: "1m",
        input_series: [...disk(hit, full), ...disk(miss, calm), ...disk(foreign, full)],
        alert_rule_test: [silent("DataDiskFilling", "5m"), fires("DataDiskFilling", "15m", { severity: "warning", ...firing })],
    });

    return { rule_files: [rulesFile], evaluation_interval: "1m", tests };
}

function alertName(job: string): string {
    return `${job.charAt(0).toUpperCase()}${job.slice(1)}Down`;
}
