import { Settings } from "../../settings/types";

/**
 * The streams of one environment as the collector labels them (the relabel simulation in stackSpec.ts proves
 * these labels): the stack's own containers, the demo's, each configured application, a container collected for
 * its label, and the same applications in another environment sharing the Loki.
 */
export function sampleStreams(settings: Settings) {
    const env = settings.environment;
    const p = settings.namePrefix;
    const stream = (container: string, extra: Record<string, string> = {}): Record<string, string> => ({ job: "docker", environment: env, container, ...extra });
    const own = ["loki", settings.collector, "socket-proxy", "prometheus", "grafana", "falco", "demo-postgres", "demo-exporter"].map((s) => stream(`${p}-${s}`, { service: s }));
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

/** Container names, sorted: what a test compares. */
export const containerNames = (xs: ReadonlyArray<Record<string, string>>) => xs.map((x) => x.container).sort();
