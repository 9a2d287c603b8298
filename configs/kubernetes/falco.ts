import { SERVICE_PORTS } from "../../settings/defaults";
import { Settings } from "../../settings/types";
import { FALCO_RULES_FILE, renderFalcoRules } from "../falco";
import { containerResources, imageParts } from "./names";

/**
 * Values of the Falco chart (falcosecurity falco 9.1.0): modern eBPF (no driver loader, no kernel module), JSON
 * events on stdout (Alloy ships them, `priority` a label), the stack's rules beside Falco's defaults, the web server's
 * health and metrics for Prometheus, and nothing downloaded at runtime (falcoctl's install and follow are off).
 */
export function falcoValues(settings: Settings): Record<string, unknown> {
    const image = imageParts(settings.images.falco);
    return {
        image: { registry: image.registry, repository: image.repository, tag: image.tag },
        driver: { kind: "modern_ebpf", modernEbpf: { leastPrivileged: !settings.falco.privileged } },
        falcoctl: { artifact: { install: { enabled: false }, follow: { enabled: false } } },
        customRules: { [FALCO_RULES_FILE]: renderFalcoRules(settings) },
        // The chart's default also caps CPU at 1000m (values.yaml:87-99), merged under ours by Helm: null removes it, as
        // no other service of the stack is CPU-capped (a capped Falco drops events under load).
        resources: { ...containerResources(settings.resources.falco), limits: { ...containerResources(settings.resources.falco).limits, cpu: null } },
        falco: {
            json_output: true,
            json_include_output_property: true,
            priority: "notice",
            webserver: { enabled: true, listen_port: SERVICE_PORTS.falcoWeb, k8s_healthz_endpoint: "/healthz", prometheus_metrics_enabled: true },
            metrics: { enabled: true, interval: "1m" },
        },
        metrics: { enabled: true },
        // The chart's dependencies, off on purpose: events go to Loki through Alloy (no falcosidekick), pod metadata
        // comes from the container plugin (no k8s-metacollector), and nothing responds to events (no falco-talon).
        falcosidekick: { enabled: false },
        collectors: { kubernetes: { enabled: false } },
        responseActions: { enabled: false },
        // The image's /etc/falco/config.d loads the container plugin, which the chart's falco.yaml loads too: merged,
        // Falco 0.44.1 registers it twice and exits ("found another plugin with name container"; falcosecurity/charts#1057,
        // fixed in chart 9.2.0 by this same empty directory).
        mounts: { volumes: [{ name: "empty-config-d", emptyDir: {} }], volumeMounts: [{ name: "empty-config-d", mountPath: "/etc/falco/config.d" }] },
    };
}
