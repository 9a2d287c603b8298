import { Settings } from "../../settings/types";
import { logJob } from "../collection";
import { applicationNames, containerName, escapeRegex } from "../labels";

/** Datasource UIDs: fixed per stack, so dashboards and alert rules can name them before they exist. */
export function datasourceUids(settings: Settings): { loki: string; prometheus: string } {
    return { loki: `${settings.namePrefix}-loki`, prometheus: `${settings.namePrefix}-prometheus` };
}

/** Every stream this stack collects in this environment. Only labels the collector sets are used. */
export function allLogs(settings: Settings): string {
    return `{job="${logJob(settings)}", environment="${settings.environment}"}`;
}

function containersSelector(settings: Settings, names: string[]): string {
    if (names.length > 0) {
        return `{environment="${settings.environment}", container=~"${names.map(escapeRegex).join("|")}"}`;
    }
    // Nothing of that kind configured: every collected container outside the stack itself.
    return `{job="${logJob(settings)}", environment="${settings.environment}", container!~"${escapeRegex(settings.namePrefix)}-.*"}`;
}

/** The Python application containers. */
export function pythonLogs(settings: Settings): string {
    return containersSelector(settings, applicationNames(settings, "python"));
}

/** PostgreSQL containers: configured ones and the demo's. */
export function postgresLogs(settings: Settings): string {
    const names = applicationNames(settings, "postgres");
    if (settings.demo.enabled) names.push(containerName(settings.namePrefix, "demo-postgres"));
    return containersSelector(settings, names);
}

export const ERROR_PATTERN = "(?i)error|exception|failed";
/** Falco priorities of Warning and above. */
export const FALCO_WARNING_OR_HIGHER = "Warning|Error|Critical|Alert|Emergency";
