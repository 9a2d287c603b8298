import { Settings } from "../settings/types";
import { renderAlertRules } from "./alertRules";
import { ALERTMANAGER_CONFIG, alertmanagerHasSecrets, renderAlertmanagerConfig } from "./alertmanager";
import { renderAlloyConfig } from "./alloy/config";
import { renderFalcoConfig, renderFalcoRules } from "./falco";
import { renderGrafanaStart } from "./grafana/server";
import { renderLokiConfig } from "./loki";
import { renderPrometheusConfig } from "./prometheus";
import { renderPromtailConfig } from "./promtail";
import { SOCKET_PROXY_CONFIG, renderSocketProxyConfig } from "./socketProxy";

/** Every configuration file the program uploads, by path relative to an output directory. */
export function renderAll(settings: Settings): Record<string, string> {
    return {
        "loki/loki.yaml": renderLokiConfig(settings),
        // Alloy runs in every stack: the collector, or beside Promtail for the host and container metrics.
        "alloy/config.alloy": renderAlloyConfig(settings),
        ...(settings.collector === "promtail" ? { "promtail/promtail.yaml": renderPromtailConfig(settings) } : {}),
        [`socket-proxy/${SOCKET_PROXY_CONFIG}`]: renderSocketProxyConfig(settings),
        "prometheus/prometheus.yml": renderPrometheusConfig(settings),
        "prometheus/alerts.yml": renderAlertRules(settings),
        // Secrets (the admin and SMTP passwords, a file that holds a receiver's URL or password) are never rendered.
        ...(alertmanagerHasSecrets(settings) ? {} : { [`alertmanager/${ALERTMANAGER_CONFIG}`]: renderAlertmanagerConfig(settings, {}) }),
        ...(settings.grafana.externalUrl ? {} : { "grafana/start.sh": renderGrafanaStart() }),
        ...(settings.falco.enabled
            ? { "falco/falco.yaml": renderFalcoConfig(), "falco/stack_rules.yaml": renderFalcoRules(settings) }
            : {}),
    };
}
