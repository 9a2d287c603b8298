import { KubernetesStack } from "./components/kubernetes/stack";
import { ObservabilityStack } from "./components/stack";
import { loadSettings } from "./settings/load";

// A function export: Pulumi calls it, and the tests call the same program once per stack file.
export = () => {
    const { settings, secrets } = loadSettings();
    if (settings.platform === "kubernetes") {
        const stack = new KubernetesStack(settings.namePrefix, { settings, secrets });
        return {
            namespace: stack.namespace,
            lokiUrl: stack.lokiUrl,
            prometheusUrl: stack.prometheusUrl,
            grafanaUrl: stack.grafanaUrl,
            collectorName: stack.collectorName,
            grafanaAdminPassword: stack.grafanaAdminPassword,
        };
    }
    const stack = new ObservabilityStack(settings.namePrefix, { settings, secrets });
    return {
        networkName: stack.networkName,
        lokiUrl: stack.lokiUrl,
        prometheusUrl: stack.prometheusUrl,
        collectorName: stack.collectorName,
        publishedUrls: stack.publishedUrls,
        grafanaAdminPassword: stack.grafanaAdminPassword,
    };
};
