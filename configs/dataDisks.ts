import { Settings } from "../settings/types";
import { DATA_MOUNT_DIR } from "./alloy/config";
import { KUBELET_JOB } from "./kubernetes/scrape";
import { HOST_METRICS_JOB } from "./scrapeTargets";

/**
 * The used share of each data volume's disk, and the label naming it: on Docker, the host exporter's filesystems
 * under the data mounts (Alloy mounts the Loki and Prometheus volumes there); on Kubernetes, the kubelet's volume
 * statistics of the stack's PVCs. DataDiskFilling and the stack-health panel use the same expression.
 */
export function dataDiskUsage(settings: Settings): { expr: string; label: string } {
    if (settings.platform === "kubernetes") {
        const pvc = `job="${KUBELET_JOB}", namespace="${settings.kubernetes?.namespace}"`;
        return { expr: `1 - kubelet_volume_stats_available_bytes{${pvc}} / kubelet_volume_stats_capacity_bytes{${pvc}}`, label: "persistentvolumeclaim" };
    }
    const disk = `job="${HOST_METRICS_JOB}", mountpoint=~"${DATA_MOUNT_DIR}/.+"`;
    return { expr: `1 - node_filesystem_avail_bytes{${disk}} / node_filesystem_size_bytes{${disk}}`, label: "mountpoint" };
}
