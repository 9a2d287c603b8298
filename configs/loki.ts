import { Settings } from "../settings/types";
import { formatDuration, formatHours } from "../settings/units";
import { SERVICE_PORTS } from "../settings/defaults";
import { toYaml } from "./yaml";

/** Data directory: the named volume. The image's user (uid 10001) owns it. */
export const LOKI_DATA_DIR = "/loki";
/** On Kubernetes, where the Loki chart mounts the PVC (loki-18.11.0 templates/single-binary/statefulset.yaml, volume "storage"). */
export const LOKI_CHART_DATA_DIR = "/var/loki";
/** Environment variables holding the object store's credentials, expanded by Loki (`-config.expand-env`), never in the file. */
export const LOKI_STORAGE_ENV = { keyId: "LOKI_STORAGE_KEY_ID", key: "LOKI_STORAGE_KEY" } as const;
/** Memberlist's port: several Loki instances share their ring through it (Loki's default). */
export const LOKI_MEMBERLIST_PORT = 7946;

/** The parts of Loki's configuration this stack sets; see https://grafana.com/docs/loki/latest/configure/ */
export interface LokiConfig {
    auth_enabled: boolean;
    server: { http_listen_port: number; grpc_listen_port: number; log_level: string };
    common: {
        instance_addr?: string;
        path_prefix: string;
        replication_factor: number;
        ring: { kvstore: { store: string } };
        storage: Record<string, Record<string, string | boolean>>;
    };
    memberlist?: { join_members: string[] };
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
/** Where the stack's Loki runs: a Docker volume, or a Kubernetes pod whose memberlist peers are found by a service. */
export interface LokiTarget {
    readonly dataDir: string;
    /** Whether the object store's credentials are in the environment (LOKI_STORAGE_ENV). */
    readonly credentials: boolean;
    /** The headless service listing every Loki instance (more than one replica). */
    readonly memberlistService?: string;
    /** gRPC port: on Kubernetes the chart's (its services also publish 9096 as "grpclb", so the port must differ). */
    readonly grpcPort?: number;
}

const DOCKER_TARGET: LokiTarget = { dataDir: LOKI_DATA_DIR, credentials: false };
const DOCKER_GRPC_PORT = 9096;

export function lokiConfig(settings: Settings, target: LokiTarget = DOCKER_TARGET): LokiConfig {
    const { loki } = settings;
    const dir = target.dataDir;
    const store = loki.storage.type;
    const single = loki.replicas === 1;
    return {
        auth_enabled: false,
        server: { http_listen_port: SERVICE_PORTS.loki, grpc_listen_port: target.grpcPort ?? DOCKER_GRPC_PORT, log_level: "info" },
        common: {
            // One instance, its ring in memory: announced on loopback, since finding an address by interface name
            // fails on hosts without eth0/en0 (grafana/loki#4948, #4483). Several (Kubernetes, object store): the
            // pod's eth0, and the ring shared by memberlist.
            ...(single ? { instance_addr: "127.0.0.1" } : {}),
            path_prefix: dir,
            // Three copies of each stream once there are three instances to hold them.
            replication_factor: loki.replicas >= 3 ? 3 : 1,
            ring: { kvstore: { store: single ? "inmemory" : "memberlist" } },
            storage: storageConfig(settings, target),
        },
        ...(!single && target.memberlistService ? { memberlist: { join_members: [`${target.memberlistService}:${LOKI_MEMBERLIST_PORT}`] } } : {}),
        schema_config: {
            // A past date: the schema applies to everything ingested from the first start on.
            configs: [{ from: "2024-01-01", store: "tsdb", object_store: store, schema: "v13", index: { prefix: "index_", period: "24h" } }],
        },
        // The default WAL dir is relative to the working directory, which is on the read-only root filesystem.
        ingester: { wal: { enabled: true, dir: `${dir}/wal` } },
        compactor: {
            working_directory: `${dir}/compactor`,
            compaction_interval: formatDuration(loki.compactionInterval.seconds),
            retention_enabled: true,
            retention_delete_delay: formatDuration(loki.deleteDelay.seconds),
            retention_delete_worker_count: 150,
            // Loki 3.x refuses to start with retention enabled and no delete request store.
            delete_request_store: store,
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

/** Chunks on the volume, or in the bucket; credentials only as `${VAR}` references Loki expands from its environment. */
function storageConfig(settings: Settings, target: LokiTarget): LokiConfig["common"]["storage"] {
    const s = settings.loki.storage;
    const env = (name: string) => "${" + name + "}";
    switch (s.type) {
        case "filesystem":
            return { filesystem: { chunks_directory: `${target.dataDir}/chunks`, rules_directory: `${target.dataDir}/rules` } };
        case "s3":
            return {
                s3: {
                    bucketnames: s.bucket as string,
                    ...(s.endpoint ? { endpoint: s.endpoint, s3forcepathstyle: true } : {}),
                    ...(s.region ? { region: s.region } : {}),
                    ...(target.credentials ? { access_key_id: env(LOKI_STORAGE_ENV.keyId), secret_access_key: env(LOKI_STORAGE_ENV.key) } : {}),
                },
            };
        case "gcs":
            return { gcs: { bucket_name: s.bucket as string, ...(target.credentials ? { service_account: env(LOKI_STORAGE_ENV.key) } : {}) } };
        case "azure":
            return { azure: { account_name: s.accountName as string, container_name: s.bucket as string, ...(target.credentials ? { account_key: env(LOKI_STORAGE_ENV.key) } : {}) } };
    }
}

export function renderLokiConfig(settings: Settings, target?: LokiTarget): string {
    return toYaml(lokiConfig(settings, target));
}
