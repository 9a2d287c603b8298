import * as pulumi from "@pulumi/pulumi";
import { DOCKER_SOCKET, SOCKET_PROXY_SERVICE } from "../configs/collection";
import { SOCKET_PROXY_CONFIG, renderSocketProxyConfig } from "../configs/socketProxy";
import { CONFIG_DIR } from "../configs/paths";
import { SERVICE_PORTS } from "../settings/defaults";
import { IMAGE_FACTS } from "../settings/imageFacts";
import { HardenedContainer, ServiceArgs } from "./hardenedContainer";

/** Takes the stack's internal Docker API network as its only network: the collector is the only other member. */
export type SocketProxyArgs = ServiceArgs;

/** root: the engine's socket is root-owned (0660, group docker, whose gid differs per host); no capability needed. */
const SOCKET_OWNER = "0";

/**
 * The Docker API for the log collector: HAProxy in front of the engine's socket, passing exactly the requests
 * the collector makes (configs/dockerApi.ts, each cited from the collector's source) and refusing everything
 * else with 403. Mounting the socket read-only restricts nothing: whoever can write requests to it can create a
 * privileged container, i.e. is root on the host; and a prefix rule such as "GET /containers" lets a reader
 * fetch any file of any container (`/containers/{id}/archive`). The file is the program's own (typed, seeded
 * like every other), so the allow-list is reviewed in code and changes show in `pulumi preview`.
 * Facts: see IMAGE_FACTS.socketProxy.
 */
export class SocketProxy extends pulumi.ComponentResource {
    /** Docker host URL for the collector, on the Docker API network. */
    readonly url: pulumi.Output<string>;
    readonly containerName: pulumi.Output<string>;

    constructor(name: string, args: SocketProxyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:SocketProxy", name, {}, opts);
        const { settings } = args;
        const port = SERVICE_PORTS.socketProxy;
        const container = new HardenedContainer(
            name,
            {
                settings,
                service: SOCKET_PROXY_SERVICE,
                image: settings.images.socketProxy,
                limits: settings.resources.socketProxy,
                networkName: args.networkName,
                extraNetworks: args.extraNetworks,
                // The image's docker-entrypoint.sh turns this into `haproxy -W -db -f ...` (master-worker, foreground).
                command: ["haproxy", "-f", `${CONFIG_DIR}/${SOCKET_PROXY_CONFIG}`],
                configFiles: [{ name: SOCKET_PROXY_CONFIG, content: renderSocketProxyConfig(settings) }],
                hostMounts: [{ hostPath: DOCKER_SOCKET, path: DOCKER_SOCKET, readOnly: true }],
                user: SOCKET_OWNER,
                // busybox wget (Alpine base); /_ping is on the allow-list and answers only if the socket does.
                healthcheck: { test: [IMAGE_FACTS.socketProxy.healthcheckTool, "-q", "-O", "/dev/null", `http://127.0.0.1:${port}/_ping`], startPeriodSeconds: 10 },
                // The collector discovers containers as soon as it starts.
                waitForHealthy: true,
            },
            { parent: this },
        );
        this.url = pulumi.output(`tcp://${SOCKET_PROXY_SERVICE}:${port}`);
        this.containerName = container.containerName;
        this.registerOutputs({ url: this.url, containerName: this.containerName });
    }
}
