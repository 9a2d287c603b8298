/** Parsers for the human-friendly units used in stack configuration. Pure, no Pulumi. */

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** A duration as written in config ("72h") together with its length in seconds. */
export interface Duration {
    readonly text: string;
    readonly seconds: number;
}

/** Parses "30s", "72h", "7d"; returns undefined for anything else (including zero and negatives). */
export function parseDuration(value: unknown): Duration | undefined {
    if (typeof value !== "string") return undefined;
    const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(value.trim());
    if (!m) return undefined;
    const seconds = Number(m[1]) * DURATION_UNITS[m[2]];
    if (seconds <= 0) return undefined;
    return { text: `${m[1]}${m[2]}`, seconds };
}

/** Formats seconds the way Prometheus and Loki accept them, in the largest whole unit. */
export function formatDuration(seconds: number): string {
    for (const unit of ["w", "d", "h", "m", "s"]) {
        const size = DURATION_UNITS[unit];
        if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
    }
    return `${Math.round(seconds * 1000)}ms`;
}

/** Formats seconds in hours only ("72h"), the unit Loki documents for retention. */
export function formatHours(seconds: number): string {
    return `${seconds / 3600}h`;
}

const MEMORY_UNITS: Record<string, number> = {
    // No "": a bare "512" would be 512 bytes to Docker and 512 MiB to a reader (a bare number 512 is MiB).
    b: 1 / (1024 * 1024),
    k: 1 / 1024, kb: 1 / 1024, ki: 1 / 1024, kib: 1 / 1024,
    m: 1, mb: 1, mi: 1, mib: 1,
    g: 1024, gb: 1024, gi: 1024, gib: 1024,
};

/** Parses "512Mi", "512MB", "1G" into whole mebibytes (what Docker's memory limit takes); undefined otherwise. */
export function parseMemoryMb(value: unknown): number | undefined {
    if (typeof value === "number") return Number.isInteger(value) && value > 0 ? value : undefined;
    if (typeof value !== "string") return undefined;
    const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(value.trim());
    if (!m) return undefined;
    const factor = MEMORY_UNITS[m[2].toLowerCase()];
    if (factor === undefined) return undefined;
    return Math.floor(Number(m[1]) * factor);
}

/** Parses a size for Prometheus' --storage.tsdb.retention.size ("5GB", "512MB"). */
export function parsePrometheusSize(value: unknown): string | undefined {
    if (typeof value !== "string") return undefined;
    const m = /^(\d+)(B|KB|MB|GB|TB|PB|EB)$/.exec(value.trim());
    return m && Number(m[1]) > 0 ? `${m[1]}${m[2]}` : undefined;
}
