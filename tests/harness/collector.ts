/**
 * The log collector's behaviour read back from what the program uploads, whichever collector a stack runs
 * (Promtail's YAML or Alloy's syntax), and a relabel simulator that applies its rules to sample containers
 * the way Prometheus' relabelling does (model/relabel in prometheus/prometheus), so that tests assert which
 * containers are collected and with which labels, for both collectors alike.
 */
import { Settings } from "../../settings/types";
import { component, parseAlloy } from "./alloyParse";
import { ProgramRun, reveal, seed } from "./mocks";
import * as yaml from "js-yaml";

export interface Rule {
    readonly source_labels?: string[];
    readonly separator?: string;
    readonly regex?: string;
    readonly target_label?: string;
    readonly replacement?: string;
    readonly action?: string;
}

/** One processing step: the streams it matches and what it does, in a collector-neutral form. */
export interface Step {
    readonly selector: string;
    readonly stages: Array<{ type: string; [key: string]: unknown }>;
}

export interface CollectorView {
    readonly file: string;
    readonly dockerHost: string;
    readonly lokiUrl: string;
    readonly rules: Rule[];
    readonly steps: Step[];
}

function uploadText(run: ProgramRun, service: string, name: string): string {
    const upload = reveal(seed(run, service).inputs.uploads ?? []).find((u: any) => u.file.endsWith(`/${name}`));
    if (!upload) throw new Error(`${service} has no upload ${name}`);
    return upload.content;
}

export function collectorView(run: ProgramRun, settings: Settings): CollectorView {
    if (settings.collector === "promtail") {
        const cfg = yaml.load(uploadText(run, "promtail", "promtail.yaml")) as any;
        const job = cfg.scrape_configs[0];
        return {
            file: "promtail.yaml",
            dockerHost: job.docker_sd_configs[0].host,
            lokiUrl: cfg.clients[0].url,
            rules: job.relabel_configs,
            steps: job.pipeline_stages.map((s: any) => ({
                selector: s.match.selector,
                stages: s.match.stages.map((st: any) => {
                    const [type, body] = Object.entries(st)[0] as [string, any];
                    return type === "labels" ? { type, values: body } : { type, ...body };
                }),
            })),
        };
    }
    const blocks = parseAlloy(uploadText(run, "alloy", "config.alloy"));
    const source = component(blocks, "loki.source.docker");
    const process = blocks.find((b) => b.name === "loki.process");
    return {
        file: "config.alloy",
        dockerHost: source.attributes.host as string,
        lokiUrl: component(blocks, "loki.write").blocks[0].attributes.url as string,
        rules: component(blocks, "discovery.relabel").blocks.map((b) => b.attributes as Rule),
        steps: (process?.blocks ?? []).map((m) => ({
            selector: m.attributes.selector as string,
            stages: m.blocks.map((st) => ({ type: st.name.replace(/^stage\./, ""), ...st.attributes })),
        })),
    };
}

/** Applies relabel rules to a target's labels; undefined when a rule drops it. Labels starting "__" are removed at the end, but those named in `keep` (`__path__`). */
export function relabel(rules: readonly Rule[], labels: Record<string, string>, keep: readonly string[] = []): Record<string, string> | undefined {
    const lb: Record<string, string> = { ...labels };
    for (const r of rules) {
        const value = (r.source_labels ?? []).map((l) => lb[l] ?? "").join(r.separator ?? ";");
        const re = new RegExp(`^(?:${r.regex ?? "(.*)"})$`);
        const m = re.exec(value);
        switch (r.action ?? "replace") {
            case "keep":
                if (!m) return undefined;
                break;
            case "drop":
                if (m) return undefined;
                break;
            case "replace": {
                if (!m || !r.target_label) break;
                const res = value.replace(re, r.replacement ?? "$1");
                if (res === "") delete lb[r.target_label];
                else lb[r.target_label] = res;
                break;
            }
            default:
                throw new Error(`relabel action ${r.action} not simulated`);
        }
    }
    return Object.fromEntries(Object.entries(lb).filter(([k]) => !k.startsWith("__") || keep.includes(k)));
}

/** The discovery labels Docker service discovery gives a container (prometheus discovery/moby/docker.go). */
export function discovered(name: string, dockerLabels: Record<string, string> = {}): Record<string, string> {
    const meta: Record<string, string> = { __meta_docker_container_name: `/${name}`, __meta_docker_container_id: `id-${name}` };
    for (const [k, v] of Object.entries(dockerLabels)) meta[`__meta_docker_container_label_${k.replace(/[^a-zA-Z0-9_]/g, "_")}`] = v;
    return meta;
}
