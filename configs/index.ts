import { Settings } from "../settings/types";
import { renderAlertRules } from "./alertRules";
import { renderFalcoConfig, renderFalcoRules } from "./falco";
import { renderLokiConfig } from "./loki";
import { renderPrometheusConfig } from "./prometheus";
import { renderPromtailConfig } from "./promtail";

/** Every configuration file the program uploads, by path relative to an output directory. */
export function renderAll(settings: Settings): Record<string, string> {
    return {
        "loki/loki.yaml": renderLokiConfig(settings),
        "promtail/promtail.yaml": renderPromtailConfig(settings),
        "prometheus/prometheus.yml": renderPrometheusConfig(settings),
        "prometheus/alerts.yml": renderAlertRules(settings),
        ...(settings.falco.enabled
            ? { "falco/falco.yaml": renderFalcoConfig(), "falco/stack_rules.yaml": renderFalcoRules(settings) }
            : {}),
    };
}
