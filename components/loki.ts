import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { LOKI_DATA_DIR, renderLokiConfig } from "../configs/loki";
import { CONFIG_DIR } from "../configs/paths";
import { SERVICE_PORTS } from "../settings/defaults";
import { HardenedContainer, dataVolume, ServiceArgs } from "./hardenedContainer";

export type LokiArgs = ServiceArgs;

/** Grafana Loki, single binary, filesystem storage on a named volume, retention applied. */
export class Loki extends pulumi.ComponentResource {
    /** The named volume holding its data (the collector reports its disk usage). */
    readonly dataVolume: docker.Volume;
    /** Push and query URL inside the stack's network. */
    readonly url: pulumi.Output<string>;
    readonly containerName: pulumi.Output<string>;
    /** URL on the host, when Loki is published. */
    readonly publishedUrl: pulumi.Output<string | undefined>;

    constructor(name: string, args: LokiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:Loki", name, {}, opts);
        const { settings } = args;
        const data = dataVolume(this, `${name}-data`, settings, "loki");
        this.dataVolume = data;
        const hostPort = settings.publish.ports.loki;

        const container = new HardenedContainer(
            name,
            {
                settings,
                service: "loki",
                image: settings.images.loki,
                limits: settings.resources.loki,
                networkName: args.networkName,
                extraNetworks: args.extraNetworks,
                command: [`-config.file=${CONFIG_DIR}/loki.yaml`],
                configFiles: [{ name: "loki.yaml", content: renderLokiConfig(settings) }],
                volumes: [{ volume: data, path: LOKI_DATA_DIR }],
                publish: hostPort ? { hostPort, containerPort: SERVICE_PORTS.loki } : undefined,
                // Distroless: no shell, no wget; the binary checks its own readiness (IMAGE_FACTS.loki).
                healthcheck: { test: ["/usr/bin/loki", "-health", `-config.file=${CONFIG_DIR}/loki.yaml`], startPeriodSeconds: 30 },
                // The collector, Grafana and Prometheus all depend on Loki being ready.
                waitForHealthy: true,
            },
            { parent: this },
        );

        this.url = pulumi.output(`http://loki:${SERVICE_PORTS.loki}`);
        this.containerName = container.containerName;
        this.publishedUrl = pulumi.output(hostPort ? `http://${settings.publish.address}:${hostPort}` : undefined);
        this.registerOutputs({ url: this.url, containerName: this.containerName, publishedUrl: this.publishedUrl });
    }
}
