import { Duration } from "./units";

/** The stack's services; each has an image and resource limits. */
export const SERVICES = ["loki", "alloy", "promtail", "socketProxy", "prometheus", "alertmanager", "grafana", "falco", "demoPostgres", "demoExporter"] as const;
export type Service = (typeof SERVICES)[number];

/** Services whose ports can be published on the host. */
export const PUBLISHABLE = ["grafana", "prometheus", "loki"] as const;
export type Publishable = (typeof PUBLISHABLE)[number];

export interface ResourceLimits {
    /** Hard memory limit, in MiB. */
    readonly memoryMb: number;
    /** CPU quota, in cores. */
    readonly cpus: number;
}

export const APPLICATION_KINDS = ["python", "postgres", "other"] as const;
export type ApplicationKind = (typeof APPLICATION_KINDS)[number];

/** An application container whose logs are collected (and, optionally, whose metrics are scraped). */
export interface Application {
    /** Docker container name, e.g. "ecommerce-dashboard". */
    readonly name: string;
    /**
     * What runs inside: "python" joins tracebacks into one entry and feeds the application dashboard;
     * "postgres" feeds the PostgreSQL dashboard and alerts; "other" is collected only.
     */
    readonly kind: ApplicationKind;
    /** "host:port" of a metrics endpoint reachable from the stack's network. */
    readonly metrics?: string;
}

/** Where log-based Grafana alerts are sent. Secrets (URLs, tokens) come from `Secrets`, not from here. */
export interface ContactPointSettings {
    /** "none": alerts show in Grafana's alerting pages only; nothing is sent. */
    readonly kind: "email" | "webhook" | "slack" | "none";
    /** Email addresses, for kind "email". */
    readonly addresses: readonly string[];
}

export interface SmtpSettings {
    /** "host:port" of the mail relay. */
    readonly host: string;
    /** Sender address of alert mail. */
    readonly from: string;
    /** Login, when the relay needs one (then the smtpPassword secret is required). */
    readonly user?: string;
}

/** The log collector: Grafana Alloy (default), or Promtail (end of life since 2026-03-02) for parity. */
export const COLLECTORS = ["alloy", "promtail"] as const;
export type Collector = (typeof COLLECTORS)[number];

/** Where the stack runs: one Docker engine (the default), or a Kubernetes cluster from the upstream Helm charts. */
export const PLATFORMS = ["docker", "kubernetes"] as const;
export type Platform = (typeof PLATFORMS)[number];

/** The upstream charts of the Kubernetes platform, each pinned to an exact version (`charts.<name>`). */
export const CHARTS = ["loki", "grafana", "alloy", "prometheus", "falco"] as const;
export type ChartName = (typeof CHARTS)[number];

/** Where Loki keeps chunks and index: a volume (one replica), or an object store (any number). */
export const LOKI_STORAGE_TYPES = ["filesystem", "s3", "gcs", "azure"] as const;
export type LokiStorageType = (typeof LOKI_STORAGE_TYPES)[number];

export interface LokiStorage {
    readonly type: LokiStorageType;
    /** Bucket (s3, gcs) or container (azure) name; required for an object store. */
    readonly bucket?: string;
    /** s3: endpoint host[:port] of an S3-compatible store (absent: AWS); region for AWS. */
    readonly endpoint?: string;
    readonly region?: string;
    /** azure: the storage account. */
    readonly accountName?: string;
}

export interface KubernetesSettings {
    /** kubeconfig context to deploy to (absent: the kubeconfig's current context, or the kubeconfig secret). */
    readonly context?: string;
    /** Namespace of every object the stack creates. */
    readonly namespace: string;
    /** StorageClass of the volumes (absent: the cluster's default). */
    readonly storageClass?: string;
    /** Where Pulumi's Grafana provider reaches Grafana's API (an ingress, a node port, a port-forward). */
    readonly grafanaUrl: string;
    /** Expose Grafana's service on this node port (30000-32767); absent: ClusterIP only. */
    readonly grafanaNodePort?: number;
    /** Grafana behind an Ingress of this host (and class). */
    readonly ingress?: { readonly host: string; readonly className?: string };
    /** Volume sizes, GiB. */
    readonly volumes: { readonly loki: number; readonly prometheus: number; readonly grafana: number; readonly alertmanager: number };
}

export interface Settings {
    readonly stack: string;
    readonly platform: Platform;
    /** Present exactly when platform is kubernetes. */
    readonly kubernetes?: KubernetesSettings;
    readonly charts: Readonly<Record<ChartName, string>>;
    readonly environment: string;
    /** Prefix of every Docker object the stack creates (containers, volumes, network). */
    readonly namePrefix: string;
    /** Docker daemon: unix://, tcp:// or ssh:// URL. */
    readonly dockerHost: string;
    /** The engine's DockerRootDir and storage driver (`docker info`): where cAdvisor finds each container's layer ID. */
    readonly dockerRoot: string;
    readonly dockerStorageDriver: string;
    readonly images: Readonly<Record<Service, string>>;
    readonly resources: Readonly<Record<Service, ResourceLimits>>;
    readonly publish: {
        /** Host address ports are bound to. */
        readonly address: string;
        /** Whether binding to 0.0.0.0 was explicitly allowed. */
        readonly allowAllInterfaces: boolean;
        /** Whether binding to an address beyond loopback (a LAN address) was explicitly allowed. */
        readonly allowNetwork: boolean;
        /** Host port per published service; absent means not published. */
        readonly ports: Readonly<Partial<Record<Publishable, number>>>;
    };
    readonly logRotation: { readonly maxSize: string; readonly maxFiles: number };
    readonly loki: {
        readonly retention: Duration;
        readonly deleteDelay: Duration;
        readonly ingestionRateMb: number;
        /** How often the compactor applies retention. */
        readonly compactionInterval: Duration;
        readonly ingestionBurstSizeMb: number;
        readonly storage: LokiStorage;
        /** Monolithic Loki instances (Kubernetes; more than one needs an object store). */
        readonly replicas: number;
    };
    readonly collector: Collector;
    readonly applications: readonly Application[];
    /** Containers carrying this label ("key=value") are collected too. */
    readonly applicationLabel?: { readonly key: string; readonly value: string };
    /** How long Loki may be unreachable before a collector drops a batch (its retries are derived from it). */
    readonly outageTolerance: Duration;
    readonly prometheus: {
        readonly scrapeInterval: Duration;
        readonly retention: Duration;
        readonly retentionSize?: string;
    };
    readonly alerts: {
        /** LokiHighIngestionRate fires above this many bytes per second. */
        readonly lokiIngestionBytesPerSecond: number;
        /** LokiRequestErrors fires above this ratio of 5xx responses. */
        readonly lokiErrorRatio: number;
        /** How long a service must be down before its alert fires. */
        readonly downFor: Duration;
        /** Grafana alert: log lines matching error patterns per minute per container. */
        readonly logErrorsPerMinute: number;
        /** How long the error rate must stay above that before the alert fires. */
        readonly logErrorsFor: Duration;
        /** DataDiskFilling fires above this used share of a data volume's disk (Alloy only: host metrics). */
        readonly dataDiskUsedRatio: number;
        /** Grafana alert: Python tracebacks per 5 minutes per container. */
        readonly tracebacksPer5m: number;
        /** Notification batching: wait before the first, between updates of a group, before repeating an unchanged one. */
        readonly groupWait: Duration;
        readonly groupInterval: Duration;
        readonly repeatInterval: Duration;
    };
    readonly falco: { readonly enabled: boolean; readonly privileged: boolean };
    readonly grafana: {
        /** URL of an existing Grafana to manage instead of running one; absent means the stack runs its own. */
        readonly externalUrl?: string;
        /** Loki and Prometheus as an external Grafana reaches them (required with externalUrl). */
        readonly lokiUrl?: string;
        readonly prometheusUrl?: string;
        readonly adminUser: string;
        readonly contactPoint: ContactPointSettings;
        /** Outgoing mail of the stack's own Grafana; required for an email contact point. Password: the smtpPassword secret. */
        readonly smtp?: SmtpSettings;
    };
    readonly demo: { readonly enabled: boolean };
    /** Keep data volumes when the stack is destroyed (prod). */
    readonly retainVolumes: boolean;
    /** Pulumi refuses to delete or replace the data volumes (prod): a destroy or a replacing change stops at preview. */
    readonly protectVolumes: boolean;
}
