/** Every chart's values, rendered from the settings (pure: no Pulumi). */
export { alloyValues } from "./alloy";
export { falcoValues } from "./falco";
export { grafanaValues } from "./grafana";
export { lokiValues } from "./loki";
export { prometheusValues } from "./prometheus";
