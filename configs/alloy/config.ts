import { SERVICE_PORTS } from "../../settings/defaults";
import { Settings } from "../../settings/types";
import { PipelineStep, RelabelRule, SOCKET_PROXY_SERVICE, pipelineSteps, relabelRules } from "../collection";
import { escapeRegex } from "../labels";
import { Block, Ref, renderAlloy } from "./syntax";
import { retrySchedule } from "../retries";

/** Alloy's state (log positions among it) on a named volume: `--storage.path`. */
export const ALLOY_STORAGE_DIR = "/var/lib/alloy/data";
/** Where the Loki and Prometheus data volumes are mounted read-only, so the host exporter reports their disk. */
export const DATA_MOUNT_DIR = "/data";
/**
 * The one host directory cAdvisor reads per container besides the cgroup tree: each container's read-write layer ID,
 * <DockerRootDir>/image/<driver>/layerdb/mounts/<id>/mount-id (google/cadvisor v0.54.1 container/docker/handler.go
 * 100-115 getRwLayerID, read at 110; kept by the grafana/cadvisor fork Alloy v1.18.1 pins). Without it the handler is
 * not created and the container has no metrics at all (container/factory.go NewContainerHandler; manager.go
 * 1116-1120, retried every housekeeping). Mounted at the same path: Alloy has no /rootfs, so cAdvisor reads paths as
 * they are (manager.go 183-188). containerd's image store ("overlayfs") asks containerd over its socket instead
 * (handler.go 157-168): root-equivalent, so not mounted, and that store gets no container metrics.
 */
export function layerIdsDir(settings: Settings): string | undefined {
    if (settings.dockerStorageDriver === "overlayfs") return undefined;
    return `${settings.dockerRoot}/image/${settings.dockerStorageDriver}/layerdb/mounts`;
}

/** The exporters' component IDs: Alloy serves each one's metrics at /api/v0/component/<id>/metrics. */
export const HOST_EXPORTER = "prometheus.exporter.unix.host";
export const CONTAINER_EXPORTER = "prometheus.exporter.cadvisor.containers";

const DOCKER = `tcp://${SOCKET_PROXY_SERVICE}:${SERVICE_PORTS.socketProxy}`;

/**
 * A pattern matching every absolute path except those below `dir`, for node_exporter's mount_points_exclude
 * (Go's RE2 has no lookahead): at each position of `dir`, a path that ends there or goes another way.
 */
export function outsideOf(dir: string): string {
    const path = dir.replace(/^\//, "");
    const branches = [...path].map((ch, i) => `${escapeRegex(path.slice(0, i))}(?:$|[^${ch.replace(/[\]\\^-]/g, "\\$&")}])`);
    return `^/(?:${[...branches, `${escapeRegex(path)}(?:$|[^/])`].join("|")})`;
}

export function rule(r: RelabelRule): Block {
    return {
        name: "rule",
        attributes: [
            ["source_labels", r.source_labels],
            ["regex", r.regex],
            ["target_label", r.target_label],
            ["replacement", r.replacement],
            ["action", r.action],
        ],
    };
}

export function stage(step: PipelineStep): Block {
    const stages: Block[] =
        step.kind === "multiline"
            ? [{ name: "stage.multiline", attributes: [["firstline", step.firstline], ["max_wait_time", step.maxWait], ["max_lines", step.maxLines]] }]
            : [
                  { name: "stage.json", attributes: [["expressions", { [step.field]: step.field }]] },
                  { name: "stage.labels", attributes: [["values", { [step.field]: "" }]] },
              ];
    return { name: "stage.match", attributes: [["selector", step.selector]], blocks: stages };
}

/**
 * Logs, when Alloy is the collector: the same discovery, selection, labels and pipeline as Promtail's file
 * (configs/collection.ts), through the read-only Docker API proxy. Metrics, in every stack (beside Promtail too):
 * the host (CPU, memory, load, the disks under the data volumes) and every container (cAdvisor), served on Alloy's
 * HTTP port for Prometheus to scrape.
 */
export function alloyConfig(settings: Settings): Block[] {
    return [...(settings.collector === "alloy" ? logBlocks(settings) : []), ...metricBlocks()];
}

function logBlocks(settings: Settings): Block[] {
    const steps = pipelineSteps(settings);
    const retries = retrySchedule(settings);
    return [
        { name: "discovery.docker", label: "containers", attributes: [["host", DOCKER], ["refresh_interval", "15s"]] },
        // Rules only (no targets): loki.source.docker applies them to what it discovers, as Promtail's relabel_configs.
        { name: "discovery.relabel", label: "containers", attributes: [["targets", []]], blocks: relabelRules(settings).map(rule) },
        {
            name: "loki.source.docker",
            label: "containers",
            attributes: [
                ["host", DOCKER],
                ["targets", new Ref("discovery.docker.containers.targets")],
                ["relabel_rules", new Ref("discovery.relabel.containers.rules")],
                ["refresh_interval", "15s"],
                ["forward_to", [new Ref(steps.length > 0 ? "loki.process.pipeline.receiver" : "loki.write.loki.receiver")]],
            ],
        },
        ...(steps.length > 0
            ? [{ name: "loki.process", label: "pipeline", attributes: [["forward_to", [new Ref("loki.write.loki.receiver")]]] as const, blocks: steps.map(stage) }]
            : []),
        {
            name: "loki.write",
            label: "loki",
            // Retries long enough to ride out a Loki outage of settings.outageTolerance (configs/retries.ts).
            blocks: [
                {
                    name: "endpoint",
                    attributes: [
                        ["url", `http://loki:${SERVICE_PORTS.loki}/loki/api/v1/push`],
                        ["min_backoff_period", retries.minPeriod],
                        ["max_backoff_period", retries.maxPeriod],
                        ["max_backoff_retries", retries.maxRetries],
                    ],
                },
            ],
        },
    ];
}

function metricBlocks(): Block[] {
    return [
        {
            name: "prometheus.exporter.unix",
            label: "host",
            attributes: [
                // CPU, memory and load are host-wide even inside a container; filesystems are Alloy's own mounts,
                // i.e. the disks that hold the data volumes mounted under DATA_MOUNT_DIR.
                ["set_collectors", ["cpu", "meminfo", "loadavg", "filesystem"]],
            ],
            blocks: [{ name: "filesystem", attributes: [["mount_points_exclude", outsideOf(DATA_MOUNT_DIR)]] }],
        },
        {
            name: "prometheus.exporter.cadvisor",
            label: "containers",
            attributes: [
                ["docker_host", DOCKER],
                ["docker_only", true],
                ["store_container_labels", false],
            ],
        },
    ];
}

export function renderAlloyConfig(settings: Settings): string {
    return renderAlloy(alloyConfig(settings), `Grafana Alloy for ${settings.namePrefix}: rendered by configs/alloy/config.ts; edit the settings, not this file.`);
}
