import * as pulumi from "@pulumi/pulumi";
import { ChartRelease, ChartReleaseArgs } from "./chartRelease";

/** Loki, Monolithic, its file from configs/loki.ts (configs/kubernetes/loki.ts). */
export class LokiRelease extends ChartRelease {
    constructor(name: string, args: ChartReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:LokiRelease", "loki", name, args, opts);
    }
}

/** Alloy as a DaemonSet tailing its node's pods (configs/kubernetes/alloy.ts). */
export class AlloyRelease extends ChartRelease {
    constructor(name: string, args: ChartReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:AlloyRelease", "alloy", name, args, opts);
    }
}

/** Prometheus and Alertmanager, the stack's rules and routes (configs/kubernetes/prometheus.ts). */
export class PrometheusRelease extends ChartRelease {
    constructor(name: string, args: ChartReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:PrometheusRelease", "prometheus", name, args, opts);
    }
}

/** Grafana, its admin from the program's Secret (configs/kubernetes/grafana.ts); content by GrafanaContent. */
export class GrafanaRelease extends ChartRelease {
    constructor(name: string, args: ChartReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:GrafanaRelease", "grafana", name, args, opts);
    }
}

/** Falco with modern eBPF and the stack's rules, nothing downloaded at runtime (configs/kubernetes/falco.ts). */
export class FalcoRelease extends ChartRelease {
    constructor(name: string, args: ChartReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:FalcoRelease", "falco", name, args, opts);
    }
}
