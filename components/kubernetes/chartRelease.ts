import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { releaseName } from "../../configs/kubernetes/names";
import { CHART_REPOSITORIES } from "../../settings/defaults";
import { ChartName, Settings } from "../../settings/types";

export interface ChartReleaseArgs {
    readonly settings: Settings;
    /** The namespace every object of the release goes to (the stack's, created first). */
    readonly namespace: pulumi.Input<string>;
    /** The chart's values, rendered by configs/kubernetes from the settings (with secrets' names and digests, never their values). */
    readonly values: pulumi.Input<Record<string, unknown>>;
}

/**
 * One upstream chart as a Pulumi `helm.v4.Chart`: rendered client-side like `helm template`, each object its own
 * resource, so a preview shows per-object diffs and a refresh sees a `kubectl edit`; Helm hooks are dropped (the
 * values turn off every hook the charts would render: Loki's canary test, Grafana's test framework). The chart comes
 * from its repository at the version pinned in settings (`charts.<name>`).
 */
export abstract class ChartRelease extends pulumi.ComponentResource {
    /** The Helm release name: every object's name starts with it. */
    readonly releaseName: string;
    readonly chart: k8s.helm.v4.Chart;

    protected constructor(type: string, chart: ChartName, name: string, args: ChartReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        const { settings } = args;
        this.releaseName = releaseName(settings, chart);
        this.chart = new k8s.helm.v4.Chart(
            name,
            {
                name: this.releaseName,
                namespace: args.namespace,
                chart,
                version: settings.charts[chart],
                repositoryOpts: { repo: CHART_REPOSITORIES[chart] },
                values: args.values,
            },
            { parent: this },
        );
        this.registerOutputs({ releaseName: this.releaseName });
    }
}
