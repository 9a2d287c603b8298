import { Settings } from "../settings/types";
import { formatDuration, formatHours } from "../settings/units";
import { SERVICE_PORTS } from "../settings/defaults";
import { toYaml } from "./yaml";

/** Data directory: the named volume. The image's user (uid 10001) owns it. */
export const LOKI_DATA_DIR = "/loki";

/** The parts of Loki's configuration this stack sets; see https://grafana.com/docs/loki/latest/configure/ */
export interface LokiConfig {
    auth_enabled: boolean;
    server: { http_listen_port: number; grpc_listen_port: number; log_level: string };
    common: {
        instance_addr: string;
        path_prefix: string;
        replication_factor: number;
        ring: { kvstore: { store: string } };
        storage: { filesystem: { chunks_directory: string; rules_directory: string } };
    };
    schema_config: {
        configs: Array<{ from: string; store: string; object_store: string; schema: string; index: { prefix: string; period: string } }>;
    };
    ingester: { wal: { enabled: boolean; dir: string } };
    compactor: {
        working_directory: string;
        compaction_interval: string;
        retention_enabled: boolean;
        retention_delete_delay: string;
        retention_delete_worker_count: number;
        delete_request_store: string;
    };
    limits_config: {
        retention_period: string;
        ingestion_rate_mb: number;
        ingestion_burst_size_mb: number;
        deletion_mode: "disabled";
    };
    analytics: { reporting_enabled: boolean };
}

/**
 * Single-binary Loki on the filesystem, with retention actually applied by the compactor. Limits left out keep
 * Loki 3.7's defaults (`loki -help`): old samples (over 1w) refused, structured metadata and the volume endpoint on.
 */
export function lokiConfig(settings: Settings): LokiConfig {
    const { loki } = settings;
    return {
        auth_enabled: false,
        server: { http_listen_port: SERVICE_PORTS.loki, grpc_listen_port: 9096, log_level: "info" },
        common: {
            // One instance, its ring in memory: announced on loopback, since finding an address by interface name
            // fails on hosts without eth0/en0 (grafana/loki#4948, #4483).
            instance_addr: "127.0.0.1",
            path_prefix: LOKI_DATA_DIR,
            replication_factor: 1,
            ring: { kvstore: { store: "inmemory" } },
            storage: { filesystem: { chunks_directory: `${LOKI_DATA_DIR}/chunks`, rules_directory: `${LOKI_DATA_DIR}/rules` } },
        },
        schema_config: {
            // A past date: the schema applies to everything ingested from the first start on.
            configs: [{ from: "2024-01-01", store: "tsdb", object_store: "filesystem", schema: "v13", index: { prefix: "index_", period: "24h" } }],
        },
        // The default WAL dir is relative to the working directory, which is on the read-only root filesystem.
        ingester: { wal: { enabled: true, dir: `${LOKI_DATA_DIR}/wal` } },
        compactor: {
            working_directory: `${LOKI_DATA_DIR}/compactor`,
            compaction_interval: formatDuration(loki.compactionInterval.seconds),
            retention_enabled: true,
            retention_delete_delay: formatDuration(loki.deleteDelay.seconds),
            retention_delete_worker_count: 150,
            // Loki 3.x refuses to start with retention enabled and no delete request store.
            delete_request_store: "filesystem",
        },
        limits_config: {
            retention_period: formatHours(loki.retention.seconds),
            ingestion_rate_mb: loki.ingestionRateMb,
            ingestion_burst_size_mb: loki.ingestionBurstSizeMb,
            // No delete API: with auth off, anything that reaches Loki could erase the Falco events that show an
            // intrusion (Loki 3.7 defaults to filter-and-delete). Retention is the compactor's and does not need it;
            // the real Loki answers a delete request with 403 "deletion is not available for this tenant".
            deletion_mode: "disabled",
        },
        analytics: { reporting_enabled: false },
    };
}

export function renderLokiConfig(settings: Settings): string {
    return toYaml(lokiConfig(settings));
}
