/** What a Kubernetes stack registers under mocks: one helm.v4.Chart per upstream chart, its inputs as the engine sees them. */
import { ProgramRun, Registered, reveal } from "./mocks";

export const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";

export interface RegisteredChart {
    readonly resource: Registered;
    readonly chart: string;
    readonly version: string;
    readonly repository: string;
    readonly release: string;
    readonly namespace: string;
    readonly values: Record<string, unknown>;
}

export function registeredCharts(run: ProgramRun): RegisteredChart[] {
    return run.resources
        .filter((r) => r.type === CHART_TYPE)
        .map((r) => ({
            resource: r,
            chart: r.inputs.chart,
            version: r.inputs.version,
            repository: r.inputs.repositoryOpts?.repo,
            release: r.inputs.name,
            namespace: r.inputs.namespace,
            values: reveal(r.inputs.values ?? {}),
        }));
}

export function chartNamed(run: ProgramRun, chart: string): RegisteredChart {
    const found = registeredCharts(run).filter((c) => c.chart === chart);
    if (found.length !== 1) throw new Error(`expected one ${chart} chart, found ${found.length}`);
    return found[0];
}
