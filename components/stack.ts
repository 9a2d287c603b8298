import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { Secrets } from "../settings/load";
import { Settings } from "../settings/types";
import { stackLabels } from "./hardenedContainer";
import { DemoWorkload } from "./demo";
import { Falco } from "./falco";
import { Loki } from "./loki";
import { Prometheus } from "./prometheus";
import { Promtail } from "./promtail";

export interface ObservabilityStackArgs {
    /** Validated stack settings. */
    readonly settings: Settings;
    /** Secrets from stack configuration. */
    readonly secrets: Secrets;
}

/** The whole stack on one Docker host: private network, then every service on it. */
export class ObservabilityStack extends pulumi.ComponentResource {
    readonly networkName: pulumi.Output<string>;
    readonly lokiUrl: pulumi.Output<string>;
    readonly prometheusUrl: pulumi.Output<string>;
    readonly collectorName: pulumi.Output<string>;
    /** Host URLs of published services, by service. */
    readonly publishedUrls: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: ObservabilityStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:ObservabilityStack", name, {}, opts);
        const { settings } = args;

        const provider = new docker.Provider(`${name}-docker`, { host: settings.dockerHost }, { parent: this });
        const childOpts: pulumi.ComponentResourceOptions = { parent: this, providers: { docker: provider } };

        const network = new docker.Network(
            `${name}-network`,
            { name: `${settings.namePrefix}-net`, driver: "bridge", attachable: false, labels: stackLabels(settings, "network") },
            { parent: this, provider },
        );

        const loki = new Loki(`${name}-loki`, { settings, networkName: network.name }, childOpts);
        const promtail = new Promtail(`${name}-promtail`, { settings, networkName: network.name }, { ...childOpts, dependsOn: [loki] });
        const prometheus = new Prometheus(`${name}-prometheus`, { settings, networkName: network.name }, childOpts);
        if (settings.falco.enabled) {
            // After the collector, so Falco's first events are shipped.
            new Falco(`${name}-falco`, { settings, networkName: network.name }, { ...childOpts, dependsOn: [promtail] });
        }
        if (settings.demo.enabled) {
            new DemoWorkload(`${name}-demo`, { settings, networkName: network.name }, { ...childOpts, dependsOn: [promtail] });
        }

        this.networkName = network.name;
        this.lokiUrl = loki.url;
        this.prometheusUrl = prometheus.url;
        this.collectorName = promtail.containerName;
        this.publishedUrls = pulumi
            .all({ loki: loki.publishedUrl, prometheus: prometheus.publishedUrl })
            .apply((urls) => Object.fromEntries(Object.entries(urls).filter(([, u]) => u !== undefined)) as Record<string, string>);
        this.registerOutputs({
            networkName: this.networkName,
            lokiUrl: this.lokiUrl,
            prometheusUrl: this.prometheusUrl,
            collectorName: this.collectorName,
            publishedUrls: this.publishedUrls,
        });
    }
}
