import { SERVICE_PORTS } from "../../settings/defaults";
import { Settings } from "../../settings/types";
import { LOKI_CHART_DATA_DIR, LokiTarget, lokiConfig } from "../loki";
import { toYaml } from "../yaml";
import { containerResources, imageParts, kubernetesOf, releaseName, secretsDigestAnnotation } from "./names";

/** The Secret holding Loki's object store credentials (created by the program, read into Loki's environment). */
export function lokiStorageSecretName(settings: Settings): string {
    return `${releaseName(settings, "loki")}-storage`;
}

/** The Loki chart's gRPC port (values.yaml:583 loki.server.grpc_listen_port). */
export const LOKI_CHART_GRPC_PORT = 9095;

/** Where Loki runs in the cluster: the chart's volume, the memberlist service the chart creates (`<fullname>-memberlist`). */
export function lokiTarget(settings: Settings, credentials: boolean): LokiTarget {
    const k8s = kubernetesOf(settings);
    return { dataDir: LOKI_CHART_DATA_DIR, credentials, grpcPort: LOKI_CHART_GRPC_PORT, memberlistService: `${releaseName(settings, "loki")}-memberlist.${k8s.namespace}.svc.cluster.local` };
}

/**
 * Values of the Loki chart (grafana-community loki 18.11.0): Monolithic, and the configuration file the stack
 * renders (configs/loki.ts) as the chart's whole `loki.config`. The chart's ConfigMap is
 * `tpl (mergeOverwrite (tpl loki.config | fromYaml) loki.structuredConfig)` (templates/_helpers.tpl:435-437), so with
 * no structuredConfig it is that file; the file has no `{{`, which tpl would evaluate. The other `loki.*` values
 * only feed the chart's validation (templates/validate.yaml) and must agree with the file.
 */
export function lokiValues(settings: Settings, credentials: boolean, secretsDigest?: string): Record<string, unknown> {
    const k8s = kubernetesOf(settings);
    const config = lokiConfig(settings, lokiTarget(settings, credentials));
    const text = toYaml(config);
    if (text.includes("{{")) throw new Error("Loki's file would be evaluated by the chart's tpl: it must not contain {{");
    const storage = settings.loki.storage;
    const bucket = storage.bucket ?? "unused";
    const image = imageParts(settings.images.loki);
    return {
        deploymentMode: "Monolithic",
        loki: {
            image,
            config: text,
            auth_enabled: config.auth_enabled,
            commonConfig: { replication_factor: config.common.replication_factor },
            storage: { type: storage.type, ...(storage.type === "filesystem" ? {} : { bucketNames: { chunks: bucket, ruler: bucket, admin: bucket } }) },
            schemaConfig: config.schema_config,
            // The chart's own probes and service ports follow these.
            server: { http_listen_port: SERVICE_PORTS.loki, grpc_listen_port: config.server.grpc_listen_port },
            // New object store keys roll the pod: Loki reads them from its environment at start.
            ...secretsDigestAnnotation("podAnnotations", secretsDigest),
        },
        singleBinary: {
            replicas: settings.loki.replicas,
            resources: containerResources(settings.resources.loki),
            persistence: { enabled: true, size: `${k8s.volumes.loki}Gi`, ...(k8s.storageClass ? { storageClass: k8s.storageClass } : {}) },
            // Credentials reach Loki as environment variables from a Secret, referenced in the file as ${VAR}; the chart
            // runs Loki with -config.expand-env=true (templates/single-binary/statefulset.yaml).
            ...(credentials ? { extraEnvFrom: [{ secretRef: { name: lokiStorageSecretName(settings) } }] } : {}),
        },
        backend: { replicas: 0 },
        read: { replicas: 0 },
        write: { replicas: 0 },
        // Loki answers in-cluster only (a NetworkPolicy admits the collector, Grafana and Prometheus): no gateway, whose
        // basic auth the chart hashes with a random salt (values.yaml:1496, a new hash on every render).
        gateway: { enabled: false },
        // The memcached caches request 9830Mi and 1229Mi by default (templates/memcached/_memcached-statefulset.tpl:98-104):
        // more than the rest of the stack; a monolithic Loki of this size does without.
        chunksCache: { enabled: false },
        resultsCache: { enabled: false },
        memcached: { enabled: false },
        // The canary and its Helm test hook: Pulumi drops hooks, and the canary would push lines of its own.
        lokiCanary: { enabled: false },
        test: { enabled: false },
        sidecar: { rules: { enabled: false } },
        // The chart's dependencies, off by default and off here on purpose: MinIO is deprecated (README.md:126-134), the
        // rollout operator serves zone-aware distributed installs.
        minio: { enabled: false },
        rollout_operator: { enabled: false },
    };
}
