/**
 * What the log collector does, whichever it is (Grafana Alloy or Promtail): which containers it collects,
 * which labels their streams get, and which pipeline stages apply. Each collector's renderer turns these into
 * its own syntax, so a stack that switches collectors keeps the same streams with the same labels.
 */
import { Settings } from "../settings/types";
import { LABELS, applicationNames, containerName, dockerMetaLabel, escapeRegex } from "./labels";

export const DOCKER_SOCKET = "/var/run/docker.sock";
/** The read-only Docker API proxy the collector discovers and tails containers through. */
export const SOCKET_PROXY_SERVICE = "socket-proxy";
/** The readiness endpoint each collector's healthcheck requests (Alloy: /-/ready; Promtail: /ready). */
export const COLLECTOR_READY_PATH: Record<Settings["collector"], string> = { alloy: "/-/ready", promtail: "/ready" };
/** The value of the `job` label on every collected stream: where the logs come from. */
export function logJob(settings: Settings): string {
    return settings.platform;
}

/**
 * A line that starts a new log record in a Python application: an ISO date, a bracketed date,
 * Python logging's default "LEVEL:logger:", a werkzeug access line, a JSON object (structured request
 * logs), or a line of the werkzeug/Dash startup banner. Traceback lines ("Traceback ...", indented frames,
 * "ValueError: ...") match none of these, so they join the record above. The real Promtail showed JSON
 * lines glued to the line before them when `{` was missing here.
 */
export const PYTHON_FIRSTLINE = String.raw`^(\d{4}-\d{2}-\d{2}|\[\d{4}-\d{2}-\d{2}|[A-Z]+:[\w.]+:|\d{1,3}(\.\d{1,3}){3} - |\{|WARNING: This is a development server| \* |Press CTRL\+C|Dash is running)`;

/** A Prometheus-style relabel rule, as both collectors take it. */
export interface RelabelRule {
    readonly source_labels?: string[];
    readonly regex?: string;
    readonly target_label?: string;
    readonly replacement?: string;
    readonly action?: "replace" | "keep";
}

const COLLECT = "__tmp_collect";

/** Rules that mark a container for collection; several rules OR together because each only sets a flag. */
function selectionRules(settings: Settings): RelabelRule[] {
    const mark = (source: string, regex: string): RelabelRule => ({ source_labels: [source], regex, target_label: COLLECT, replacement: "true" });
    const rules = [mark(dockerMetaLabel(LABELS.stack), escapeRegex(settings.namePrefix))];
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, without applications the rule's "/()" matches no Docker name (never empty); the check keeps the file clean
    if (settings.applications.length > 0) {
        const names = settings.applications.map((a) => escapeRegex(a.name)).join("|");
        // Docker reports names with a leading slash.
        rules.push(mark("__meta_docker_container_name", `/(${names})`));
    }
    if (settings.applicationLabel) {
        rules.push(mark(dockerMetaLabel(settings.applicationLabel.key), escapeRegex(settings.applicationLabel.value)));
    }
    rules.push({ source_labels: [COLLECT], regex: "true", action: "keep" });
    return rules;
}

function labelRules(settings: Settings): RelabelRule[] {
    return [
        { source_labels: ["__meta_docker_container_name"], regex: "/(.*)", target_label: "container" },
        // Compose's service label first; the stack's own component label wins for its containers.
        { source_labels: [dockerMetaLabel("com.docker.compose.service")], regex: "(.+)", target_label: "service" },
        { source_labels: [dockerMetaLabel(LABELS.component)], regex: "(.+)", target_label: "service" },
        { target_label: "job", replacement: logJob(settings) },
        { target_label: "environment", replacement: settings.environment },
    ];
}

/** Discovered containers → the ones collected, with the labels every dashboard and alert selects on. */
export function relabelRules(settings: Settings): RelabelRule[] {
    return [...selectionRules(settings), ...labelRules(settings)];
}

const k8sLabel = (label: string) => `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, "_")}`;
const K8S_NAMESPACE = "__meta_kubernetes_namespace";
const K8S_CONTAINER = "__meta_kubernetes_pod_container_name";
/** Every chart labels its pods with the release (Kubernetes' recommended labels); the stack's releases are `<prefix>-<chart>`. */
const K8S_RELEASE = k8sLabel("app.kubernetes.io/instance");

/**
 * The same selection and labels on Kubernetes: the stack's own pods (its namespace, its releases), the applications'
 * containers by name, pods carrying the application label. `container` is the pod's container name, and for the
 * stack's pods `<prefix>-<container>` (`<prefix>-falco`, `<prefix>-loki`), the names the stack's containers have on
 * Docker; `service` is the pod's app.kubernetes.io/name (else its `app` label), which the charts set to loki, falco,
 * alloy, grafana, prometheus, alertmanager: Docker's component names. `__path__` is the container's log files under
 * /var/log/pods (the kubelet's layout: <namespace>_<pod>_<uid>/<container>/<restart>.log).
 */
export function kubernetesRelabelRules(settings: Settings, namespace: string): RelabelRule[] {
    const mark = (sources: string[], regex: string): RelabelRule => ({ source_labels: sources, regex, target_label: COLLECT, replacement: "true" });
    const ours = `${escapeRegex(namespace)};${escapeRegex(settings.namePrefix)}-.+`;
    const rules = [mark([K8S_NAMESPACE, K8S_RELEASE], ours)];
    if (settings.applications.length > 0) rules.push(mark([K8S_CONTAINER], `(${settings.applications.map((a) => escapeRegex(a.name)).join("|")})`));
    if (settings.applicationLabel) rules.push(mark([k8sLabel(settings.applicationLabel.key)], escapeRegex(settings.applicationLabel.value)));
    rules.push({ source_labels: [COLLECT], regex: "true", action: "keep" });
    return [
        ...rules,
        { source_labels: [K8S_CONTAINER], regex: "(.+)", target_label: "container" },
        { source_labels: [K8S_NAMESPACE, K8S_RELEASE, K8S_CONTAINER], regex: `${ours};(.+)`, target_label: "container", replacement: `${settings.namePrefix}-$1` },
        { source_labels: [k8sLabel("app")], regex: "(.+)", target_label: "service" },
        { source_labels: [k8sLabel("app.kubernetes.io/name")], regex: "(.+)", target_label: "service" },
        { source_labels: [K8S_NAMESPACE], regex: "(.+)", target_label: "namespace" },
        { target_label: "job", replacement: logJob(settings) },
        { target_label: "environment", replacement: settings.environment },
        { source_labels: ["__meta_kubernetes_pod_uid", K8S_CONTAINER], regex: "(.+);(.+)", target_label: "__path__", replacement: "/var/log/pods/*$1/$2/*.log" },
    ];
}

/** Stream selector of the containers whose Python tracebacks are joined into one entry. */
function tracebackSelector(settings: Settings): string | undefined {
    const names = applicationNames(settings, "python").map(escapeRegex);
    return names.length > 0 ? `{container=~"${names.join("|")}"}` : undefined;
}

/** Stream selector of the Falco container, whose lines are JSON events. */
export function falcoSelector(settings: Settings): string {
    return `{container="${containerName(settings.namePrefix, "falco")}"}`;
}

/** One processing step for the streams a selector matches. */
export type PipelineStep =
    | { readonly kind: "multiline"; readonly selector: string; readonly firstline: string; readonly maxWait: string; readonly maxLines: number }
    /** Falco's JSON events: only `priority` becomes a label (eight values); rule names stay in the line. */
    | { readonly kind: "jsonLabel"; readonly selector: string; readonly field: string };

export function pipelineSteps(settings: Settings): PipelineStep[] {
    const steps: PipelineStep[] = [];
    const tracebacks = tracebackSelector(settings);
    if (tracebacks) steps.push({ kind: "multiline", selector: tracebacks, firstline: PYTHON_FIRSTLINE, maxWait: "3s", maxLines: 128 });
    if (settings.falco.enabled) steps.push({ kind: "jsonLabel", selector: falcoSelector(settings), field: "priority" });
    return steps;
}
