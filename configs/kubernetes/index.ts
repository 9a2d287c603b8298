import { Settings } from "../../settings/types";
import { toYaml } from "../yaml";
import { alloyValues } from "./alloy";
import { falcoValues } from "./falco";
import { grafanaValues } from "./grafana";
import { lokiValues } from "./loki";
import { prometheusValues } from "./prometheus";

/**
 * Every chart's values for a Kubernetes stack, by path relative to an output directory (`npm run render`): what the
 * program gives each helm.v4.Chart. Loki's object store credentials appear only as the Secret's name, present when the
 * stack sets them (`credentials`). Without the secrets digest of the pods that read Secrets (its key is in the state).
 */
export function renderChartValues(settings: Settings, credentials = false): Record<string, string> {
    return {
        "loki/values.yaml": toYaml(lokiValues(settings, credentials)),
        "alloy/values.yaml": toYaml(alloyValues(settings)),
        "prometheus/values.yaml": toYaml(prometheusValues(settings)),
        ...(settings.grafana.externalUrl ? {} : { "grafana/values.yaml": toYaml(grafanaValues(settings)) }),
        ...(settings.falco.enabled ? { "falco/values.yaml": toYaml(falcoValues(settings)) } : {}),
    };
}
