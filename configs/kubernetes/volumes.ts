import { Settings } from "../../settings/types";
import { kubernetesOf } from "./names";

/** The claims the program makes for Deployments' data (the charts are given their names: `existingClaim`). */
export function dataClaimName(settings: Settings, service: "grafana" | "prometheus"): string {
    return `${settings.namePrefix}-${service}-data`;
}

export function dataClaims(settings: Settings): Record<"grafana" | "prometheus", { metadata: { name: string; namespace: string }; spec: Record<string, unknown> }> {
    const k8s = kubernetesOf(settings);
    const claim = (service: "grafana" | "prometheus") => ({
        metadata: { name: dataClaimName(settings, service), namespace: k8s.namespace },
        spec: {
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: `${k8s.volumes[service]}Gi` } },
            ...(k8s.storageClass ? { storageClassName: k8s.storageClass } : {}),
        },
    });
    return { grafana: claim("grafana"), prometheus: claim("prometheus") };
}
