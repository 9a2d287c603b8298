import { SERVICE_PORTS } from "../settings/defaults";
import { Settings } from "../settings/types";
import { LABELS, applicationNames, containerName, dockerMetaLabel, escapeRegex } from "./labels";
import { toYaml } from "./yaml";

export const PROMTAIL_POSITIONS_DIR = "/promtail";
export const DOCKER_SOCKET = "/var/run/docker.sock";
/** The read-only Docker API proxy the collector discovers and tails containers through. */
export const SOCKET_PROXY_SERVICE = "socket-proxy";
/** The value of the `job` label on every collected stream. */
export const LOG_JOB = "docker";

/**
 * A line that starts a new log record in a Python application: an ISO date, a bracketed date,
 * Python logging's default "LEVEL:logger:", a werkzeug access line, a JSON object (structured request
 * logs), or a line of the werkzeug/Dash startup banner. Traceback lines ("Traceback ...", indented frames,
 * "ValueError: ...") match none of these, so they join the record above. The real Promtail showed JSON
 * lines glued to the line before them when `{` was missing here.
 */
export const PYTHON_FIRSTLINE = String.raw`^(\d{4}-\d{2}-\d{2}|\[\d{4}-\d{2}-\d{2}|[A-Z]+:[\w.]+:|\d{1,3}(\.\d{1,3}){3} - |\{|WARNING: This is a development server| \* |Press CTRL\+C|Dash is running)`;

interface RelabelRule {
    source_labels?: string[];
    regex?: string;
    target_label?: string;
    replacement?: string;
    action?: "replace" | "keep";
}

type PipelineStage =
    | { match: { selector: string; stages: PipelineStage[] } }
    | { multiline: { firstline: string; max_wait_time: string; max_lines: number } }
    | { json: { expressions: Record<string, string> } }
    | { labels: Record<string, string> };

export interface PromtailConfig {
    server: { http_listen_port: number; grpc_listen_port: number; log_level: string };
    positions: { filename: string; sync_period: string };
    clients: Array<{ url: string }>;
    scrape_configs: Array<{
        job_name: string;
        docker_sd_configs: Array<{ host: string; refresh_interval: string }>;
        relabel_configs: RelabelRule[];
        pipeline_stages: PipelineStage[];
    }>;
}

const COLLECT = "__tmp_collect";

/** Rules that mark a container for collection; several rules OR together because each only sets a flag. */
function selectionRules(settings: Settings): RelabelRule[] {
    const mark = (source: string, regex: string): RelabelRule => ({
        source_labels: [source],
        regex,
        target_label: COLLECT,
        replacement: "true",
    });
    const rules = [mark(dockerMetaLabel(LABELS.stack), escapeRegex(settings.namePrefix))];
    if (settings.applications.length > 0) {
        const names = settings.applications.map((a) => escapeRegex(a.name)).join("|");
        // Docker reports names with a leading slash.
        rules.push(mark("__meta_docker_container_name", `/(${names})`));
    }
    if (settings.applicationLabel) {
        rules.push(mark(dockerMetaLabel(settings.applicationLabel.key), escapeRegex(settings.applicationLabel.value)));
    }
    rules.push({ source_labels: [COLLECT], regex: "true", action: "keep" });
    return rules;
}

function labelRules(settings: Settings): RelabelRule[] {
    return [
        { source_labels: ["__meta_docker_container_name"], regex: "/(.*)", target_label: "container" },
        // Compose's service label first; the stack's own component label wins for its containers.
        { source_labels: [dockerMetaLabel("com.docker.compose.service")], regex: "(.+)", target_label: "service" },
        { source_labels: [dockerMetaLabel(LABELS.component)], regex: "(.+)", target_label: "service" },
        { target_label: "job", replacement: LOG_JOB },
        { target_label: "environment", replacement: settings.environment },
    ];
}

/** Stream selector of the containers whose Python tracebacks are joined into one entry. */
export function tracebackSelector(settings: Settings): string | undefined {
    const names = applicationNames(settings, "python").map(escapeRegex);
    return names.length > 0 ? `{container=~"${names.join("|")}"}` : undefined;
}

/** Stream selector of the Falco container, whose lines are JSON events. */
export function falcoSelector(settings: Settings): string {
    return `{container="${containerName(settings.namePrefix, "falco")}"}`;
}

function pipeline(settings: Settings): PipelineStage[] {
    const stages: PipelineStage[] = [];
    const tracebacks = tracebackSelector(settings);
    if (tracebacks) {
        stages.push({
            match: {
                selector: tracebacks,
                stages: [{ multiline: { firstline: PYTHON_FIRSTLINE, max_wait_time: "3s", max_lines: 128 } }],
            },
        });
    }
    if (settings.falco.enabled) {
        stages.push({
            match: {
                selector: falcoSelector(settings),
                // Only priority becomes a label: eight values. Rule names stay in the line (`| json` at query time).
                stages: [{ json: { expressions: { priority: "priority" } } }, { labels: { priority: "" } }],
            },
        });
    }
    return stages;
}

/**
 * One Docker-discovery job for the stack's own containers and the configured applications.
 * No `docker` stage: Docker discovery already delivers plain log lines.
 */
export function promtailConfig(settings: Settings): PromtailConfig {
    return {
        server: { http_listen_port: SERVICE_PORTS.promtail, grpc_listen_port: 0, log_level: "info" },
        // On a named volume: survives restarts and replacements, so no line is sent twice or skipped.
        positions: { filename: `${PROMTAIL_POSITIONS_DIR}/positions.yaml`, sync_period: "10s" },
        clients: [{ url: `http://loki:${SERVICE_PORTS.loki}/loki/api/v1/push` }],
        scrape_configs: [
            {
                job_name: LOG_JOB,
                docker_sd_configs: [{ host: `tcp://${SOCKET_PROXY_SERVICE}:${SERVICE_PORTS.socketProxy}`, refresh_interval: "15s" }],
                relabel_configs: [...selectionRules(settings), ...labelRules(settings)],
                pipeline_stages: pipeline(settings),
            },
        ],
    };
}

export function renderPromtailConfig(settings: Settings): string {
    return toYaml(promtailConfig(settings));
}
