import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ALLOY_STORAGE_DIR, DATA_MOUNT_DIR, layerIdsDir, renderAlloyConfig } from "../configs/alloy/config";
import { COLLECTOR_READY_PATH } from "../configs/collection";
import { CONFIG_DIR } from "../configs/paths";
import { SERVICE_PORTS } from "../settings/defaults";
import { IMAGE_FACTS } from "../settings/imageFacts";
import { HardenedContainer, ServiceArgs, bashHttpCheck, dataVolume } from "./hardenedContainer";

/** The `alloy` user and group the image creates (uid 473): the owner of its storage directory. */
const ALLOY_USER = IMAGE_FACTS.alloy.ownedDirs[0].owner;

export interface AlloyArgs extends ServiceArgs {
    /** Data volumes whose disk the host exporter reports (Loki's and Prometheus's), by service name. */
    readonly dataVolumes: Readonly<Record<string, docker.Volume>>;
}

/**
 * Grafana Alloy: serves host and container metrics for Prometheus in every stack, and, when it is the stack's
 * collector, collects the containers' logs through the read-only Docker API proxy and pushes them to Loki (the same
 * streams and labels as Promtail). Beside Promtail it runs only the exporters (configs/alloy/config.ts).
 */
export class Alloy extends pulumi.ComponentResource {
    readonly containerName: pulumi.Output<string>;

    constructor(name: string, args: AlloyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:Alloy", name, {}, opts);
        const { settings } = args;
        // Positions (where each container's log was read up to) live in Alloy's storage: a named volume, so a
        // restart or a replacement neither re-sends nor skips lines.
        const storage = dataVolume(this, `${name}-storage`, settings, "alloy", "storage");
        const layers = layerIdsDir(settings);
        if (!layers) {
            pulumi.log.warn("dockerStorageDriver overlayfs (containerd's image store): cAdvisor would need the containerd socket, which the stack does not mount; there will be no container metrics", this);
        }

        const container = new HardenedContainer(
            name,
            {
                settings,
                service: "alloy",
                image: settings.images.alloy,
                limits: settings.resources.alloy,
                networkName: args.networkName,
                extraNetworks: args.extraNetworks,
                // The image's CMD with our file; listening on the network (the default is 127.0.0.1) for Prometheus.
                command: [
                    "run",
                    `${CONFIG_DIR}/config.alloy`,
                    `--storage.path=${ALLOY_STORAGE_DIR}`,
                    `--server.http.listen-addr=0.0.0.0:${SERVICE_PORTS.alloy}`,
                    "--disable-reporting",
                ],
                configFiles: [{ name: "config.alloy", content: renderAlloyConfig(settings) }],
                volumes: [
                    { volume: storage, path: ALLOY_STORAGE_DIR },
                    ...Object.entries(args.dataVolumes).map(([service, volume]) => ({ volume, path: `${DATA_MOUNT_DIR}/${service}`, readOnly: true })),
                ],
                // cAdvisor reads every container's cgroup: the host's cgroup tree, read-only, in the host's cgroup namespace;
                // and each container's layer ID (layerIdsDir), read-only.
                hostMounts: [{ hostPath: "/sys/fs/cgroup", path: "/sys/fs/cgroup" }, ...(layers ? [{ hostPath: layers, path: layers }] : [])],
                cgroupnsMode: "host",
                // The image's alloy user, not its default root: with every capability dropped, root could not write
                // /var/lib/alloy/data (473:473, 770, as the Dockerfile creates it; found on the real engine), and Alloy
                // needs no root here: it reads the proxy over TCP and world-readable cgroup and mount information.
                user: ALLOY_USER,
                // bash from the Ubuntu base image, which has neither curl nor wget (IMAGE_FACTS.alloy).
                healthcheck: { test: bashHttpCheck(IMAGE_FACTS.alloy.healthcheckTool, SERVICE_PORTS.alloy, COLLECTOR_READY_PATH.alloy) },
            },
            { parent: this },
        );
        this.containerName = container.containerName;
        this.registerOutputs({ containerName: this.containerName });
    }
}
