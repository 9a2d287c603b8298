import { SERVICE_PORTS } from "../../settings/defaults";
import { Settings } from "../../settings/types";
import { LOKI_MEMBERLIST_PORT } from "../loki";
import { LOKI_CHART_GRPC_PORT } from "./loki";
import { INSTANCE_LABEL, kubernetesOf, releaseName } from "./names";

/**
 * Loki has no authentication (auth_enabled false, as on Docker, one tenant): only the collector (pushes), Grafana
 * and Prometheus (read, scrape) may reach its HTTP port, and Loki's own pods its memberlist port; as on Docker,
 * where only they join Loki's network. Enforced where the cluster's network plugin implements NetworkPolicy.
 */
export function lokiNetworkPolicy(settings: Settings) {
    const k8s = kubernetesOf(settings);
    const release = (chart: Parameters<typeof releaseName>[1]) => ({ podSelector: { matchLabels: { [INSTANCE_LABEL]: releaseName(settings, chart) } } });
    return {
        metadata: { name: `${releaseName(settings, "loki")}-ingress`, namespace: k8s.namespace },
        spec: {
            podSelector: { matchLabels: { [INSTANCE_LABEL]: releaseName(settings, "loki") } },
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [release("alloy"), release("prometheus"), ...(settings.grafana.externalUrl ? [] : [release("grafana")])],
                    ports: [{ protocol: "TCP", port: SERVICE_PORTS.loki }],
                },
                { from: [release("loki")], ports: [{ protocol: "TCP", port: LOKI_MEMBERLIST_PORT }, { protocol: "TCP", port: LOKI_CHART_GRPC_PORT }] },
            ],
        },
    };
}
