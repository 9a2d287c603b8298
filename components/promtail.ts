import * as pulumi from "@pulumi/pulumi";
import { COLLECTOR_READY_PATH } from "../configs/collection";
import { CONFIG_DIR } from "../configs/paths";
import { PROMTAIL_POSITIONS_DIR, renderPromtailConfig } from "../configs/promtail";
import { SERVICE_PORTS } from "../settings/defaults";
import { IMAGE_FACTS } from "../settings/imageFacts";
import { HardenedContainer, ServiceArgs, bashHttpCheck, dataVolume } from "./hardenedContainer";

export type PromtailArgs = ServiceArgs;

/** Promtail: discovers containers through the Docker socket and pushes their logs to Loki. */
export class Promtail extends pulumi.ComponentResource {
    readonly containerName: pulumi.Output<string>;

    constructor(name: string, args: PromtailArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:Promtail", name, {}, opts);
        const { settings } = args;
        pulumi.log.warn(
            "Promtail reached end of life on 2026-03-02 and receives no more fixes; Grafana Alloy is its successor " +
                "(https://grafana.com/docs/alloy/latest/set-up/migrate/from-promtail/).",
            this,
        );
        const positions = dataVolume(this, `${name}-positions`, settings, "promtail", "positions");

        const container = new HardenedContainer(
            name,
            {
                settings,
                service: "promtail",
                image: settings.images.promtail,
                limits: settings.resources.promtail,
                networkName: args.networkName,
                extraNetworks: args.extraNetworks,
                command: [`-config.file=${CONFIG_DIR}/promtail.yaml`],
                configFiles: [{ name: "promtail.yaml", content: renderPromtailConfig(settings) }],
                volumes: [{ volume: positions, path: PROMTAIL_POSITIONS_DIR }],
                // No Docker socket: discovery and log tailing go through the read-only API proxy (SocketProxy).
                // bash from the Ubuntu base image, which has neither curl nor wget (IMAGE_FACTS.promtail).
                healthcheck: { test: bashHttpCheck(IMAGE_FACTS.promtail.healthcheckTool, SERVICE_PORTS.promtail, COLLECTOR_READY_PATH.promtail) },
                // The image's root, with every capability dropped: it reads no host file, only the proxy and its volume.
            },
            { parent: this },
        );
        this.containerName = container.containerName;
        this.registerOutputs({ containerName: this.containerName });
    }
}
