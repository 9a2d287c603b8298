import { Settings } from "../../settings/types";

/**
 * The streams of one environment as the collector labels them (the relabel simulation in stackSpec.ts proves
 * these labels): the stack's own containers, the demo's, each configured application, a container collected for
 * its label, and the same applications in another environment sharing the Loki.
 */
export function sampleStreams(settings: Settings) {
    const env = settings.environment;
    const p = settings.namePrefix;
    const kubernetes = settings.platform === "kubernetes";
    const stream = (container: string, extra: Record<string, string> = {}): Record<string, string> => ({ job: kubernetes ? "kubernetes" : "docker", environment: env, container, ...extra });
    const own = (kubernetes ? KUBERNETES_CONTAINERS : ["loki", settings.collector, "socket-proxy", "prometheus", "grafana", "falco", "demo-postgres", "demo-exporter"].map((s) => [s, s])).map(
        ([container, service]) => stream(`${p}-${container}`, { service }),
    );
    const apps = settings.applications.map((a) => stream(a.name));
    const labelled = stream("collected-for-its-label");
    const elsewhere = settings.applications.map((a) => ({ ...stream(a.name), environment: `${env}-other` }));
    const ofKind = (kind: string) => apps.filter((a) => settings.applications.some((x) => x.name === a.container && x.kind === kind));
    const notStack = [...apps, labelled];
    // A dashboard or alert about a kind of application reads those; with none configured, every other container.
    const python = ofKind("python");
    const postgres = [...ofKind("postgres"), ...(settings.demo.enabled ? own.filter((o) => o.service === "demo-postgres") : [])];
    return {
        own,
        all: [...own, ...apps, labelled, ...elsewhere],
        thisEnvironment: [...own, ...apps, labelled],
        python: python.length > 0 ? python : notStack,
        postgres: postgres.length > 0 ? postgres : notStack,
        falco: own.filter((o) => o.service === "falco"),
    };
}

/**
 * The stack's containers on Kubernetes and their pods' app.kubernetes.io/name, as the pinned charts name them: loki
 * (loki-18.11.0 templates/single-binary _pod.tpl), alloy and config-reloader (alloy-1.11.1 templates/containers),
 * prometheus-server and alertmanager (prometheus-29.27.0 templates/deploy.yaml, charts/alertmanager statefulset.yaml),
 * grafana, falco. Collected as `<prefix>-<container>`.
 */
const KUBERNETES_CONTAINERS: Array<[string, string]> = [
    ["loki", "loki"],
    ["alloy", "alloy"],
    ["config-reloader", "alloy"],
    ["prometheus-server", "prometheus"],
    ["alertmanager", "alertmanager"],
    ["grafana", "grafana"],
    ["falco", "falco"],
];

/** Container names, sorted: what a test compares. */
export const containerNames = (xs: ReadonlyArray<Record<string, string>>) => xs.map((x) => x.container).sort();
