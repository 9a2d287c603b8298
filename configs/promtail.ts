import { RetrySchedule, retrySchedule } from "./retries";
import { SERVICE_PORTS } from "../settings/defaults";
import { Settings } from "../settings/types";
import { logJob, PipelineStep, RelabelRule, SOCKET_PROXY_SERVICE, pipelineSteps, relabelRules } from "./collection";
import { toYaml } from "./yaml";

export const PROMTAIL_POSITIONS_DIR = "/promtail";

type PipelineStage =
    | { match: { selector: string; stages: PipelineStage[] } }
    | { multiline: { firstline: string; max_wait_time: string; max_lines: number } }
    | { json: { expressions: Record<string, string> } }
    | { labels: Record<string, string> };

export interface PromtailConfig {
    server: { http_listen_port: number; grpc_listen_port: number; log_level: string };
    positions: { filename: string; sync_period: string };
    clients: Array<{ url: string; backoff_config: { min_period: string; max_period: string; max_retries: number } }>;
    scrape_configs: Array<{
        job_name: string;
        docker_sd_configs: Array<{ host: string; refresh_interval: string }>;
        relabel_configs: RelabelRule[];
        pipeline_stages: PipelineStage[];
    }>;
}

function backoffConfig(s: RetrySchedule): { min_period: string; max_period: string; max_retries: number } {
    return { min_period: s.minPeriod, max_period: s.maxPeriod, max_retries: s.maxRetries };
}

export function stage(step: PipelineStep): PipelineStage {
    const stages: PipelineStage[] =
        step.kind === "multiline"
            ? [{ multiline: { firstline: step.firstline, max_wait_time: step.maxWait, max_lines: step.maxLines } }]
            : [{ json: { expressions: { [step.field]: step.field } } }, { labels: { [step.field]: "" } }];
    return { match: { selector: step.selector, stages } };
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
        // Retries long enough to ride out a Loki outage of settings.outageTolerance (configs/retries.ts).
        clients: [{ url: `http://loki:${SERVICE_PORTS.loki}/loki/api/v1/push`, backoff_config: backoffConfig(retrySchedule(settings)) }],
        scrape_configs: [
            {
                job_name: logJob(settings),
                docker_sd_configs: [{ host: `tcp://${SOCKET_PROXY_SERVICE}:${SERVICE_PORTS.socketProxy}`, refresh_interval: "15s" }],
                relabel_configs: relabelRules(settings),
                pipeline_stages: pipelineSteps(settings).map(stage),
            },
        ],
    };
}

export function renderPromtailConfig(settings: Settings): string {
    return toYaml(promtailConfig(settings));
}
