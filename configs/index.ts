import { Settings } from "../settings/types";
import { renderLokiConfig } from "./loki";
import { renderPromtailConfig } from "./promtail";

/** Every configuration file the program uploads, by path relative to an output directory. */
export function renderAll(settings: Settings): Record<string, string> {
    return {
        "loki/loki.yaml": renderLokiConfig(settings),
        "promtail/promtail.yaml": renderPromtailConfig(settings),
    };
}
