import { Service, ResourceLimits } from "./types";

/** The local Docker engine's socket on Linux and macOS (Docker Desktop links it there too). */
export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

/** The engine's DockerRootDir and storage driver on a default Linux install (`docker info`). */
export const DEFAULT_DOCKER_ROOT = "/var/lib/docker";
export const DEFAULT_DOCKER_STORAGE_DRIVER = "overlay2";
/** Graph drivers keep a container's layer under <root>/image/<driver>/layerdb; "overlayfs" is containerd's image store. */
export const DOCKER_STORAGE_DRIVERS = ["overlay2", "fuse-overlayfs", "btrfs", "zfs", "vfs", "overlayfs"] as const;

/** New stacks collect with Grafana Alloy, Promtail's supported successor. */
export const DEFAULT_COLLECTOR = "alloy";

/** A Loki outage this long loses no log line: the collectors retry a batch at least this long. */
export const DEFAULT_OUTAGE_TOLERANCE = "1h";

/** Data volumes are deleted with the stack unless a stack (prod) asks to keep them. */
export const DEFAULT_RETAIN_VOLUMES = false;

/** Data volumes are not protected unless a stack (prod) asks: `pulumi destroy` then refuses until they are unprotected. */
export const DEFAULT_PROTECT_VOLUMES = false;

/** Exact image versions; a digest may be appended. Bumped deliberately, never floating. */
export const DEFAULT_IMAGES: Readonly<Record<Service, string>> = {
    loki: "grafana/loki:3.7.6",
    // Promtail's successor: the same Loki client and pipeline stages, plus Prometheus exporters.
    alloy: "grafana/alloy:v1.18.1",
    // Promtail's last release line: it reached end of life on 2026-03-02.
    promtail: "grafana/promtail:3.6.11",
    // The Docker API proxy: HAProxy's 3.2 LTS line (supported until 2030), running the program's own allow-list.
    socketProxy: "haproxy:3.2.21-alpine",
    prometheus: "prom/prometheus:v3.14.0",
    // Delivers Prometheus' alerts (the Grafana log alerts have Grafana's own alerting).
    alertmanager: "prom/alertmanager:v0.30.1",
    grafana: "grafana/grafana:13.1.2",
    falco: "falcosecurity/falco:0.44.1",
    demoPostgres: "postgres:17.6-alpine",
    demoExporter: "quay.io/prometheuscommunity/postgres-exporter:v0.17.1",
};

/** The reference budget: Loki 512 MB / 0.5 CPU, Promtail 256 MB / 0.25 CPU. */
export const DEFAULT_RESOURCES: Readonly<Record<Service, ResourceLimits>> = {
    loki: { memoryMb: 512, cpus: 0.5 },
    alloy: { memoryMb: 256, cpus: 0.25 },
    promtail: { memoryMb: 256, cpus: 0.25 },
    socketProxy: { memoryMb: 64, cpus: 0.1 },
    prometheus: { memoryMb: 512, cpus: 0.5 },
    alertmanager: { memoryMb: 64, cpus: 0.1 },
    grafana: { memoryMb: 512, cpus: 0.5 },
    falco: { memoryMb: 512, cpus: 0.5 },
    demoPostgres: { memoryMb: 256, cpus: 0.5 },
    demoExporter: { memoryMb: 64, cpus: 0.1 },
};

/** Below these a service does not start or is OOM-killed under ordinary load. */
export const MIN_MEMORY_MB: Readonly<Record<Service, number>> = {
    loki: 128,
    alloy: 128,
    promtail: 64,
    socketProxy: 32,
    prometheus: 128,
    alertmanager: 32,
    grafana: 128,
    falco: 128,
    demoPostgres: 64,
    demoExporter: 16,
};

export const DEFAULT_PORTS = { grafana: 3000, prometheus: 9090 } as const;

/** The container ports each service listens on inside the network. */
export const SERVICE_PORTS = {
    loki: 3100,
    alloy: 12345,
    promtail: 9080,
    socketProxy: 2375,
    prometheus: 9090,
    alertmanager: 9093,
    grafana: 3000,
    falcoWeb: 8765,
    demoPostgres: 5432,
    demoExporter: 9187,
} as const;

/** Where the stack runs unless a stack file says otherwise. */
export const DEFAULT_PLATFORM = "docker";

/** The upstream charts' exact versions (the copies tests render are ../shared/charts/<name>-<version>). */
export const DEFAULT_CHARTS = {
    // grafana-community/helm-charts, where the OSS Loki and Grafana charts moved (grafana/loki's chart is now GEL's).
    loki: "18.11.0",
    grafana: "12.11.1",
    alloy: "1.11.1",
    prometheus: "29.27.0",
    falco: "9.1.0",
} as const;

/** Each chart's Helm repository (shared/charts/INDEX.md, "Where the charts live now"). */
export const CHART_REPOSITORIES = {
    loki: "https://grafana-community.github.io/helm-charts",
    grafana: "https://grafana-community.github.io/helm-charts",
    alloy: "https://grafana.github.io/helm-charts",
    prometheus: "https://prometheus-community.github.io/helm-charts",
    falco: "https://falcosecurity.github.io/charts",
} as const;

/** Volume sizes on Kubernetes, GiB: the charts' own defaults for Loki (10Gi) and Prometheus (8Gi). */
export const DEFAULT_KUBERNETES_VOLUMES = { loki: 10, prometheus: 8, grafana: 2, alertmanager: 1 } as const;
