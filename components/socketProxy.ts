import * as pulumi from "@pulumi/pulumi";
import { DOCKER_SOCKET, SOCKET_PROXY_SERVICE } from "../configs/collection";
import { SERVICE_PORTS } from "../settings/defaults";
import { IMAGE_FACTS } from "../settings/imageFacts";
import { HardenedContainer, ServiceArgs } from "./hardenedContainer";

export type SocketProxyArgs = ServiceArgs;

/**
 * A read-only Docker API for the log collector. Mounting the socket read-only restricts nothing: whoever
 * can write requests to it can create a privileged container, i.e. is root on the host. HAProxy in front
 * of the socket allows GET on /containers (discovery, inspect, logs), /events, /_ping and /version only
 * (Tecnativa/docker-socket-proxy v0.4.1 haproxy.cfg: everything not enabled is denied, POST=0 denies writes).
 * Facts: see IMAGE_FACTS.socketProxy.
 */
export class SocketProxy extends pulumi.ComponentResource {
    /** Docker host URL for clients on the stack's network. */
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
                envs: ["CONTAINERS=1", "EVENTS=1", "PING=1", "VERSION=1", "POST=0", "LOG_LEVEL=warning", "DISABLE_IPV6=1"],
                hostMounts: [{ hostPath: DOCKER_SOCKET, path: DOCKER_SOCKET, readOnly: true }],
                // The entrypoint renders /tmp/haproxy.cfg; HAProxy writes its pidfile to /run.
                tmpfs: { "/run": "rw,noexec,nosuid,size=1m" },
                user: IMAGE_FACTS.socketProxy.user,
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
