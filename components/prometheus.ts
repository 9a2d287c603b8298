import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { renderAlertRules } from "../configs/alertRules";
import { PROMETHEUS_DATA_DIR, RULES_FILE, prometheusFlags, renderPrometheusConfig } from "../configs/prometheus";
import { SERVICE_PORTS } from "../settings/defaults";
import { HardenedContainer, dataVolume, ServiceArgs } from "./hardenedContainer";

export type PrometheusArgs = ServiceArgs;

/** Prometheus: scrapes every service of the stack and evaluates the stack's alert rules. */
export class Prometheus extends pulumi.ComponentResource {
    /** The named volume holding its data (the collector reports its disk usage). */
    readonly dataVolume: docker.Volume;
    /** Query URL inside the stack's network. */
    readonly url: pulumi.Output<string>;
    readonly containerName: pulumi.Output<string>;
    readonly publishedUrl: pulumi.Output<string | undefined>;

    constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:Prometheus", name, {}, opts);
        const { settings } = args;
        const data = dataVolume(this, `${name}-data`, settings, "prometheus");
        this.dataVolume = data;
        const hostPort = settings.publish.ports.prometheus;

        const container = new HardenedContainer(
            name,
            {
                settings,
                service: "prometheus",
                image: settings.images.prometheus,
                limits: settings.resources.prometheus,
                networkName: args.networkName,
                extraNetworks: args.extraNetworks,
                command: prometheusFlags(settings),
                configFiles: [
                    { name: "prometheus.yml", content: renderPrometheusConfig(settings) },
                    { name: RULES_FILE, content: renderAlertRules(settings) },
                ],
                volumes: [{ volume: data, path: PROMETHEUS_DATA_DIR }],
                publish: hostPort ? { hostPort, containerPort: SERVICE_PORTS.prometheus } : undefined,
                // Busybox base: wget is there. It runs as nobody, which owns /prometheus (IMAGE_FACTS.prometheus).
                healthcheck: { test: ["wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${SERVICE_PORTS.prometheus}/-/healthy`] },
                waitForHealthy: true,
            },
            { parent: this },
        );

        this.url = pulumi.output(`http://prometheus:${SERVICE_PORTS.prometheus}`);
        this.containerName = container.containerName;
        this.publishedUrl = pulumi.output(hostPort ? `http://${settings.publish.address}:${hostPort}` : undefined);
        this.registerOutputs({ url: this.url, containerName: this.containerName, publishedUrl: this.publishedUrl });
    }
}
