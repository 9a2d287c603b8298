import * as crypto from "crypto";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { LABELS, STABLE_LABEL_CHANGES, containerName, stableLabels, stackLabels } from "../configs/labels";
import { CONFIG_DIR } from "../configs/paths";
import { Settings } from "../settings/types";

/** A file rendered by the program for a service, found in CONFIG_DIR when the service starts. */
export interface ConfigFile {
    /** File name inside CONFIG_DIR. */
    readonly name: string;
    readonly content: pulumi.Input<string>;
    /** Owner uid and mode; by default root-owned and world-readable (configuration is not secret). */
    readonly owner?: string;
    readonly permissions?: string;
    /** The content is a secret: it enters the label hash only through an HMAC keyed by a secret kept in state. */
    readonly secret?: boolean;
}

export interface ConfigSeedArgs {
    readonly settings: Settings;
    /** The service the files are for: names the volume and the seed container. */
    readonly service: string;
    /** Any image already on the host (the service's own): the seed container is never started. */
    readonly imageId: pulumi.Input<string>;
    readonly files: readonly ConfigFile[];
}

/** Marks the seed containers on the host (`docker ps --filter label=observability.role=config-seed`). */
export const CONFIG_SEED_ROLE = "config-seed";

/**
 * Puts configuration files into a named volume that the service mounts read-only.
 *
 * Why a separate, never-started container: the Docker provider (kreuzwerker/terraform-provider-docker,
 * internal/provider/resource_docker_container_funcs.go, create: each `upload` is a tar entry named by its
 * full path, sent with CopyToContainer(dstPath "/")) extracts at `/`. The engine refuses any extraction at
 * `/` into a container with a read-only root ("container rootfs is marked read-only", moby
 * daemon/archive_unix.go checks the destination directory, not the entries' paths). This container has a
 * writable root, so the extraction is accepted and its entries under CONFIG_DIR land in the mounted volume.
 * The service keeps its read-only root, and `contentHash` (a label on the service) replaces the service
 * whenever a file changes, because the provider replaces a container on any label change.
 */
export class ConfigSeed extends pulumi.ComponentResource {
    readonly volumeName: pulumi.Output<string>;
    /** sha256 over every file's name, owner, mode and content (a secret's content through an HMAC keyed by a secret in state). */
    readonly contentHash: pulumi.Output<string>;

    constructor(name: string, args: ConfigSeedArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:ConfigSeed", name, {}, opts);
        const { settings, service, files } = args;
        const base = `${containerName(settings.namePrefix, service)}-config`;

        const volume = new docker.Volume(name, { name: base, labels: stableLabels(settings, service) }, { parent: this, ...STABLE_LABEL_CHANGES });
        new docker.Container(
            `${name}-seed`,
            {
                name: `${base}-seed`,
                image: args.imageId,
                // Created, given the files, never started: nothing in it runs, so it needs no healthcheck or restart policy.
                start: false,
                mustRun: false,
                restart: "no",
                networkMode: "none",
                labels: [...stackLabels(settings, service), { label: LABELS.role, value: CONFIG_SEED_ROLE }],
                mounts: [{ type: "volume", source: volume.name, target: CONFIG_DIR }],
                uploads: files.map((f) => ({
                    file: `${CONFIG_DIR}/${f.name}`,
                    content: f.content,
                    permissions: f.permissions ?? "0444",
                    ...(f.owner ? { owner: f.owner } : {}),
                })),
                memory: 16,
                capabilities: { drops: ["ALL"] },
                securityOpts: ["no-new-privileges:true"],
            },
            // The replacement writes into the same volume: the old seed must be gone first (fixed name).
            { parent: this, deleteBeforeReplace: true },
        );

        this.volumeName = volume.name;
        // Not secret, so the label and the preview stay readable. A secret enters only as an HMAC keyed by a random
        // key that lives in the state as a secret: the label, `docker inspect` and preview comments reveal nothing
        // a password guess could be checked against (a salted digest with a public salt could be brute-forced offline).
        // The key stays the same across `up`s, so an unchanged secret keeps the same hash.
        const key = files.some((f) => f.secret)
            ? new random.RandomPassword(`${name}-hash-key`, { length: 64, special: false }, { parent: this }).result
            : pulumi.output("");
        this.contentHash = pulumi.unsecret(
            pulumi
                .all([key, ...files.map((f) => pulumi.output(f.content))])
                .apply(([k, ...contents]) => configHash(files.map((f, i) => ({ ...f, content: f.secret ? secretDigest(contents[i], k) : contents[i] })))),
        );
        this.registerOutputs({ volumeName: this.volumeName, contentHash: this.contentHash });
    }
}

/** The hash a service is labelled with: any change to a file's name, owner, mode or content changes it. */
export function configHash(files: ReadonlyArray<{ name: string; content: string; owner?: string; permissions?: string }>): string {
    const canonical = [...files]
        .sort((a, b) => a.name.localeCompare(b.name))
        // Stryker disable next-line StringLiteral: equivalent, any placeholder that is no uid:gid or mode marks "none given" alike
        .map((f) => [f.name, f.owner ?? "", f.permissions ?? "", f.content]);
    return crypto.createHash("sha256").update(JSON.stringify(canonical)).digest("hex").slice(0, 32);
}

/** A digest of a secret that reveals nothing without `key` (HMAC-SHA256), so it cannot be guessed offline. */
export function secretDigest(secret: string, key: string): string {
    if (key.length < 32) throw new Error("the config-hash key must be at least 32 characters");
    return crypto.createHmac("sha256", key).update(secret).digest("hex");
}
