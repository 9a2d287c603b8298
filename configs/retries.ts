import { Settings } from "../settings/types";
import { formatDuration } from "../settings/units";

/**
 * The collectors' retry schedule, the same for Promtail's client and Alloy's loki.write: both wait with dskit's
 * backoff (grafana/dskit backoff/backoff.go), which after failure k waits a random time in
 * [min·2^k, min·2^(k+1)), capped at max, and gives up after max_retries waits; the batch is then dropped
 * (grafana/loki v3.6.15 clients/pkg/promtail/client/client.go sendBatch; alloy v1.18.1
 * internal/component/common/loki/client/client.go). Their defaults (500ms, 5m, 10) hold a batch for at least
 * 511.5 s. Here max_retries is the fewest waits whose shortest possible total covers `outageTolerance`.
 */
export const RETRY_MIN_SECONDS = 0.5;
export const RETRY_MAX_SECONDS = 300;

/** The shortest total wait of `retries` failures (every wait at the low end of its range). */
export function guaranteedSeconds(retries: number): number {
    let total = 0;
    for (let k = 0; k < retries; k++) total += Math.min(RETRY_MIN_SECONDS * 2 ** k, RETRY_MAX_SECONDS);
    return total;
}

export interface RetrySchedule {
    readonly minPeriod: string;
    readonly maxPeriod: string;
    readonly maxRetries: number;
}

export function retrySchedule(settings: Settings): RetrySchedule {
    const tolerance = settings.outageTolerance.seconds;
    let retries = 1;
    while (guaranteedSeconds(retries) < tolerance) retries++;
    return { minPeriod: formatDuration(RETRY_MIN_SECONDS), maxPeriod: formatDuration(RETRY_MAX_SECONDS), maxRetries: retries };
}
