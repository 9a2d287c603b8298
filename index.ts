import { ObservabilityStack } from "./components/stack";
import { loadSettings } from "./settings/load";

// A function export: Pulumi calls it, and the tests call the same program once per stack file.
export = () => {
    const { settings, secrets } = loadSettings();
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
