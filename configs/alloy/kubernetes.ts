import { Settings } from "../../settings/types";
import { kubernetesRelabelRules, pipelineSteps } from "../collection";
import { clusterUrls, kubernetesOf } from "../kubernetes/names";
import { retrySchedule } from "../retries";
import { rule, stage } from "./config";
import { Block, Ref, WithEnv, renderAlloy } from "./syntax";

/** The node a DaemonSet pod runs on: the Alloy chart sets HOSTNAME from spec.nodeName (alloy-1.11.1 templates/containers/_agent.yaml:35-38). */
const NODE_VARIABLE = "HOSTNAME";

/**
 * Alloy as a DaemonSet: each instance discovers only its node's pods (a field selector on the API's pod list, so
 * no instance tails another node's files), keeps the stack's selection and labels (configs/collection.ts), reads the
 * kubelet's log files, unwraps the CRI format, then runs the same pipeline as on Docker (Python tracebacks joined,
 * Falco's `priority`) and the same retries into Loki's service.
 */
export function alloyKubernetesConfig(settings: Settings): Block[] {
    const k8s = kubernetesOf(settings);
    const retries = retrySchedule(settings);
    const steps = pipelineSteps(settings);
    return [
        {
            name: "discovery.kubernetes",
            label: "pods",
            attributes: [["role", "pod"]],
            blocks: [{ name: "selectors", attributes: [["role", "pod"], ["field", new WithEnv("spec.nodeName=", NODE_VARIABLE)]] }],
        },
        {
            name: "discovery.relabel",
            label: "pods",
            attributes: [["targets", new Ref("discovery.kubernetes.pods.targets")]],
            blocks: kubernetesRelabelRules(settings, k8s.namespace).map(rule),
        },
        { name: "local.file_match", label: "pods", attributes: [["path_targets", new Ref("discovery.relabel.pods.output")]] },
        {
            name: "loki.source.file",
            label: "pods",
            attributes: [
                ["targets", new Ref("local.file_match.pods.targets")],
                ["forward_to", [new Ref("loki.process.pipeline.receiver")]],
            ],
        },
        {
            name: "loki.process",
            label: "pipeline",
            attributes: [["forward_to", [new Ref("loki.write.loki.receiver")]]],
            // The kubelet's files are CRI lines ("<time> <stream> <F|P> <line>"): stage.cri restores the line, its
            // time, and joins lines the runtime split (P), before the stack's own stages.
            blocks: [{ name: "stage.cri" }, ...steps.map(stage)],
        },
        {
            name: "loki.write",
            label: "loki",
            blocks: [
                {
                    name: "endpoint",
                    attributes: [
                        ["url", `${clusterUrls(settings).loki}/loki/api/v1/push`],
                        ["min_backoff_period", retries.minPeriod],
                        ["max_backoff_period", retries.maxPeriod],
                        ["max_backoff_retries", retries.maxRetries],
                    ],
                },
            ],
        },
    ];
}

export function renderAlloyKubernetesConfig(settings: Settings): string {
    return renderAlloy(alloyKubernetesConfig(settings), `Grafana Alloy (DaemonSet) for ${settings.namePrefix}: rendered by configs/alloy/kubernetes.ts; edit the settings, not this file.`);
}
