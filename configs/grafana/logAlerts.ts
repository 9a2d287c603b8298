import { Settings } from "../../settings/types";
import { formatDuration } from "../../settings/units";
import { falcoSelector } from "../collection";
import { ERROR_PATTERN, FALCO_WARNING_OR_HIGHER, allLogs, datasourceUids, postgresLogs, pythonLogs } from "./selectors";

/** A Grafana-managed alert on a LogQL metric query: fires when the last value of any series is above `above`. */
export interface LogAlert {
    readonly uid: string;
    readonly title: string;
    readonly expr: string;
    /** Seconds of data the query looks at. */
    readonly lookbackSeconds: number;
    readonly above: number;
    readonly for: string;
    readonly severity: "critical" | "warning";
    readonly summary: string;
}

export function logAlerts(settings: Settings): LogAlert[] {
    // settings/ bounds the prefix so that every UID fits Grafana's 40 characters without truncation.
    const uid = (name: string) => `${settings.namePrefix}-${name}`;
    const alerts: LogAlert[] = [
        {
            uid: uid("log-errors"),
            title: "Error rate per container",
            expr: `sum by (container) (count_over_time(${allLogs(settings)} |~ "${ERROR_PATTERN}" [1m]))`,
            lookbackSeconds: 600,
            above: settings.alerts.logErrorsPerMinute,
            for: formatDuration(settings.alerts.logErrorsFor.seconds),
            severity: "warning",
            summary: `More than ${settings.alerts.logErrorsPerMinute} error lines a minute in {{ $labels.container }}`,
        },
        {
            uid: uid("pg-deadlock"),
            title: "PostgreSQL deadlock",
            expr: `sum by (container) (count_over_time(${postgresLogs(settings)} |= "deadlock detected" [5m]))`,
            lookbackSeconds: 600,
            above: 0,
            for: "0s",
            severity: "critical",
            summary: "Deadlock detected in {{ $labels.container }}",
        },
        {
            uid: uid("py-tracebacks"),
            title: "Python traceback burst",
            expr: `sum by (container) (count_over_time(${pythonLogs(settings)} |= "Traceback" [5m]))`,
            lookbackSeconds: 600,
            above: settings.alerts.tracebacksPer5m,
            for: "0s",
            severity: "warning",
            summary: `More than ${settings.alerts.tracebacksPer5m} Python tracebacks in 5 minutes in {{ $labels.container }}`,
        },
    ];
    if (settings.falco.enabled) {
        const falco = falcoSelector(settings).replace(/}$/, `, priority=~"${FALCO_WARNING_OR_HIGHER}"}`);
        alerts.push({
            uid: uid("falco-warning"),
            title: "Falco event of priority Warning or higher",
            expr: `sum by (priority) (count_over_time(${falco} [5m]))`,
            lookbackSeconds: 600,
            above: 0,
            for: "0s",
            severity: "critical",
            summary: "Falco reported a {{ $labels.priority }} event",
        });
    }
    return alerts;
}

/** The three query steps of a Grafana alert rule: A (LogQL), B (reduce to last), C (threshold). */
export function alertRuleData(alert: LogAlert, settings: Settings) {
    const loki = datasourceUids(settings).loki;
    return [
        {
            refId: "A",
            datasourceUid: loki,
            queryType: "instant",
            relativeTimeRange: { from: alert.lookbackSeconds, to: 0 },
            model: JSON.stringify({ refId: "A", expr: alert.expr, queryType: "instant", datasource: { type: "loki", uid: loki } }),
        },
        {
            refId: "B",
            datasourceUid: "__expr__",
            relativeTimeRange: { from: 0, to: 0 },
            model: JSON.stringify({ refId: "B", type: "reduce", expression: "A", reducer: "last", datasource: { type: "__expr__", uid: "__expr__" } }),
        },
        {
            refId: "C",
            datasourceUid: "__expr__",
            relativeTimeRange: { from: 0, to: 0 },
            model: JSON.stringify({
                refId: "C",
                type: "threshold",
                expression: "B",
                conditions: [{ evaluator: { type: "gt", params: [alert.above] } }],
                datasource: { type: "__expr__", uid: "__expr__" },
            }),
        },
    ];
}
