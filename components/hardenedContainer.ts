import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { LABELS, STABLE_LABEL_CHANGES, containerName, stableLabels, stackLabels } from "../configs/labels";
import { CONFIG_DIR } from "../configs/paths";
import { ConfigFile, ConfigSeed } from "./configSeed";
import { dockerCpus, dockerSecurityOpts, goDuration } from "../configs/dockerForms";
import { ResourceLimits, Settings } from "../settings/types";

/** What every service component takes: the settings and the network it joins. */
export interface ServiceArgs {
    /** Validated stack settings. */
    readonly settings: Settings;
    /** Name of the network the service is on first (the stack's, or its own: Loki, the Docker API proxy). */
    readonly networkName: pulumi.Input<string>;
    /** Further networks it joins, under the same alias (the collector: the Docker API's and Loki's). */
    readonly extraNetworks?: ReadonlyArray<pulumi.Input<string>>;
}

export interface HardenedContainerArgs {
    /** Stack settings: name prefix, environment, log rotation, publish address. */
    readonly settings: Settings;
    /** Service name: network alias, component label and container name suffix. */
    readonly service: string;
    /** Pinned image reference. */
    readonly image: string;
    readonly limits: ResourceLimits;
    /** The stack's private network. */
    readonly networkName: pulumi.Input<string>;
    /** Further networks the service joins, under the same alias (the collector: the Docker API's and Loki's). */
    readonly extraNetworks?: ReadonlyArray<pulumi.Input<string>>;
    readonly command?: string[];
    /** Replaces the image's entrypoint (Grafana's start script). */
    readonly entrypoint?: string[];
    readonly envs?: pulumi.Input<pulumi.Input<string>[]>;
    /** Configuration files: seeded into a volume mounted read-only at CONFIG_DIR (see ConfigSeed). */
    readonly configFiles?: readonly ConfigFile[];
    /** Named volumes to mount read-write, by container path. */
    readonly volumes?: ReadonlyArray<{ readonly volume: docker.Volume; readonly path: string; readonly readOnly?: boolean }>;
    /** Host paths to mount; read-only unless stated. */
    readonly hostMounts?: ReadonlyArray<{ readonly hostPath: string; readonly path: string; readonly readOnly?: boolean }>;
    /** Host port → container port, bound to the configured publish address. */
    readonly publish?: { readonly hostPort: number; readonly containerPort: number };
    readonly healthcheck: { readonly test: string[]; readonly startPeriodSeconds?: number };
    /** Block `pulumi up` until the container is healthy (set where something depends on readiness). */
    readonly waitForHealthy?: boolean;
    /** Linux capabilities the service needs; everything else is dropped. */
    readonly capAdd?: string[];
    /** Run privileged (only Falco, only when its settings ask for it). */
    readonly privileged?: boolean;
    /** User to run as; omitted means the image's own (non-root) user. */
    readonly user?: string;
    /** Extra tmpfs mounts (path → options); /tmp is always one. */
    readonly tmpfs?: Record<string, string>;
    readonly pidMode?: string;
    /** "host" to see the host's cgroup tree (the container metrics exporter). */
    readonly cgroupnsMode?: "host" | "private";
}

/**
 * The one way this program makes a container: pinned image by ID, restart policy, log rotation,
 * labels, healthcheck, limits, no-new-privileges, all capabilities dropped, read-only root.
 */
export class HardenedContainer extends pulumi.ComponentResource {
    readonly container: docker.Container;
    /** The container's name on the Docker host. */
    readonly containerName: pulumi.Output<string>;
    /** Image ID the container runs. */
    readonly imageId: pulumi.Output<string>;

    constructor(name: string, args: HardenedContainerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:HardenedContainer", name, {}, opts);
        const { settings, service } = args;

        const image = new docker.RemoteImage(`${name}-image`, { name: args.image, keepLocally: true }, { parent: this });

        const mounts: docker.types.input.ContainerMount[] = [];
        const configLabels: pulumi.Input<docker.types.input.ContainerLabel>[] = [];
        const seedDependencies: pulumi.Resource[] = [];
        if (args.configFiles?.length) {
            const seed = new ConfigSeed(`${name}-config`, { settings, service, imageId: image.imageId, files: args.configFiles }, { parent: this });
            mounts.push({ type: "volume", source: seed.volumeName, target: CONFIG_DIR, readOnly: true });
            configLabels.push({ label: LABELS.configHash, value: seed.contentHash });
            seedDependencies.push(seed);
        }
        for (const v of args.volumes ?? []) mounts.push({ type: "volume", source: v.volume.name, target: v.path, ...(v.readOnly ? { readOnly: true } : {}) });
        for (const h of args.hostMounts ?? []) {
            mounts.push({ type: "bind", source: h.hostPath, target: h.path, readOnly: h.readOnly ?? true });
        }

        this.container = new docker.Container(
            name,
            {
                name: containerName(settings.namePrefix, service),
                // The image ID, not the tag: a tag string makes Pulumi see a change on every `up`.
                image: image.imageId,
                command: args.command,
                entrypoints: args.entrypoint,
                envs: args.envs,
                restart: "unless-stopped",
                logDriver: "json-file",
                logOpts: { "max-size": settings.logRotation.maxSize, "max-file": String(settings.logRotation.maxFiles) },
                labels: [
                    ...stackLabels(settings, service),
                    // Lets policy tell an allowed 0.0.0.0 binding from an accidental one.
                    ...(settings.publish.allowAllInterfaces ? [{ label: LABELS.allInterfaces, value: "true" }] : []),
                    // A new hash replaces the container, so a configuration change shows in `pulumi preview` and is read on start.
                    ...configLabels,
                ],
                networksAdvanced: [args.networkName, ...(args.extraNetworks ?? [])].map((network) => ({ name: network, aliases: [service] })),
                ports: args.publish
                    ? [{ internal: args.publish.containerPort, external: args.publish.hostPort, ip: settings.publish.address, protocol: "tcp" }]
                    : [],
                mounts,
                // Durations in Go's spelling, as the provider reads them back (configs/dockerForms.ts).
                healthcheck: {
                    tests: ["CMD", ...args.healthcheck.test],
                    interval: goDuration(15),
                    timeout: goDuration(5),
                    retries: 5,
                    startPeriod: goDuration(args.healthcheck.startPeriodSeconds ?? 20),
                },
                wait: args.waitForHealthy ?? false,
                waitTimeout: 180,
                memory: args.limits.memoryMb,
                // No swap beyond the memory limit: an over-budget service is visible, not slow.
                memorySwap: args.limits.memoryMb,
                cpus: dockerCpus(args.limits.cpus),
                securityOpts: dockerSecurityOpts(["no-new-privileges:true"], args.privileged ?? false, args.pidMode),
                capabilities: { drops: ["ALL"], adds: args.capAdd ?? [] },
                privileged: args.privileged ?? false,
                readOnly: true,
                tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m", ...(args.tmpfs ?? {}) },
                user: args.user,
                pidMode: args.pidMode,
                cgroupnsMode: args.cgroupnsMode,
                destroyGraceSeconds: 30,
            },
            // Fixed names and ports collide if the replacement is created before the old one is gone.
            { parent: this, deleteBeforeReplace: true, dependsOn: seedDependencies },
        );

        this.containerName = this.container.name;
        this.imageId = image.imageId;
        this.registerOutputs({ containerName: this.containerName, imageId: this.imageId });
    }
}

/** A named data volume; retained on `pulumi destroy` where the settings say so (prod). */
export function dataVolume(
    parent: pulumi.Resource,
    name: string,
    settings: Settings,
    service: string,
    suffix = "data",
): docker.Volume {
    return new docker.Volume(
        name,
        {
            name: `${containerName(settings.namePrefix, service)}-${suffix}`,
            labels: stableLabels(settings, service),
        },
        { parent, retainOnDelete: settings.retainVolumes, protect: settings.protectVolumes, ...STABLE_LABEL_CHANGES },
    );
}

/**
 * A healthcheck for images with bash but neither curl nor wget (Ubuntu-based Promtail and Alloy): an HTTP GET
 * through bash's /dev/tcp, healthy on a 200.
 */
export function bashHttpCheck(bash: string, port: number, path: string): string[] {
    return [bash, "-c", `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '200 OK' <&3`];
}
