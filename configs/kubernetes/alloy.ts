import { SERVICE_PORTS } from "../../settings/defaults";
import { Settings } from "../../settings/types";
import { renderAlloyKubernetesConfig } from "../alloy/kubernetes";
import { containerResources, imageParts, kubernetesOf, releaseName } from "./names";

/** The chart's default storage path, set explicitly so the mount and the flag cannot part. */
const ALLOY_CHART_STORAGE = "/tmp/alloy";

/** Where on each node the collectors keep their state; the policy (policy/kubernetesRules.ts) allows writing only below it. */
export const COLLECTOR_STATE_ROOT = "/var/lib/alloy";

/**
 * Alloy's state on its node, one directory per namespace and release (two stacks on a cluster never share positions):
 * a new pod (an upgrade, a rescheduled DaemonSet pod) resumes each file where the last one stopped. On an emptyDir it
 * read every file under /var/log/pods again from its start: duplicates, and lines older than Loki's window behind
 * their stream's newest (max_chunk_age / 2, 1 h) refused as too far behind, which the loss alerts count.
 */
export function alloyStateDir(settings: Settings): string {
    return `${COLLECTOR_STATE_ROOT}/${kubernetesOf(settings).namespace}/${releaseName(settings, "alloy")}`;
}

/**
 * Values of the Alloy chart (grafana/alloy 1.11.1): a DaemonSet with the stack's file (configs/alloy/kubernetes.ts).
 * The chart writes `configMap.content` through `tpl` (templates/configmap.yaml:12-16), so `{{` is escaped as Helm's
 * own `{{ "{{" }}`. RBAC is what the file uses: pods listed and watched (discovery.kubernetes); not the chart's
 * default, which reads secrets and configmaps cluster-wide (values.yaml:175-212).
 */
export function alloyValues(settings: Settings): Record<string, unknown> {
    const image = imageParts(settings.images.alloy);
    return {
        image: { registry: image.registry, repository: image.repository, tag: image.tag },
        // Alloy's state (log positions among it) at the chart's storage path (values.yaml:60-62, /tmp/alloy), on the
        // node (the root filesystem is read-only). DirectoryOrCreate: the kubelet makes it, root's, like Alloy.
        controller: { type: "daemonset", volumes: { extra: [{ name: "alloy-storage", hostPath: { path: alloyStateDir(settings), type: "DirectoryOrCreate" } }] } },
        alloy: {
            configMap: { create: true, content: escapeTpl(renderAlloyKubernetesConfig(settings)) },
            // The kubelet's pod logs, read-only; files there are root's (0640), so Alloy reads them as root, with
            // no capability and a read-only root filesystem.
            mounts: { varlog: true, extra: [{ name: "alloy-storage", mountPath: ALLOY_CHART_STORAGE }] },
            storagePath: ALLOY_CHART_STORAGE,
            securityContext: {
                runAsUser: 0,
                runAsNonRoot: false,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
                seccompProfile: { type: "RuntimeDefault" },
            },
            resources: containerResources(settings.resources.alloy),
            listenPort: SERVICE_PORTS.alloy,
            enableReporting: false,
        },
        configReloader: {
            resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } },
            securityContext: { runAsNonRoot: true, runAsUser: 65534, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
        },
        // The chart appends clusterRules to rules with toYaml (templates/rbac.yaml:47-49): an empty list of either
        // would print `[]` inside the other's list, so the verbs are split between them.
        rbac: {
            create: true,
            rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["list", "watch"] }],
            clusterRules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
        },
        // No PodLogs CRD: the stack does not use it.
        crds: { create: false },
    };
}

/** Helm's tpl would evaluate `{{ ... }}`: each `{{` becomes `{{ "{{" }}`, which tpl turns back into `{{`. */
export function escapeTpl(text: string): string {
    return text.replace(/\{\{/g, '{{ "{{" }}');
}
