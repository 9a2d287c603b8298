import { DEFAULT_DOCKER_ROOT, DEFAULT_DOCKER_STORAGE_DRIVER } from "./defaults";
import { DEFAULT_PLATFORM } from "./defaults";
import { DEFAULT_COLLECTOR, DEFAULT_DOCKER_HOST, DEFAULT_OUTAGE_TOLERANCE, DEFAULT_PROTECT_VOLUMES, DEFAULT_RETAIN_VOLUMES } from "./defaults";

/**
 * What Pulumi.yaml's `config:` block declares, generated from here (`npm run declare-config`) and checked
 * against the settings parser by tests/settings/declarations.test.ts.
 *
 * Pulumi's project config can declare only `string`, `integer`, `boolean` and `array` (of those) keys, and a
 * declared key without a `default` becomes required for every stack (pulumi/pulumi
 * sdk/go/common/workspace/project.json `simpleConfigType`; ValidateStackConfigAndApplyProjectConfig: "Stack
 * 'dev' is missing configuration value"). So only keys with a fixed default of such a type are declared; every
 * other key is listed in NOT_DECLARED with the reason, and the settings parser stays the one validator.
 */
export interface Declaration {
    readonly type: "string" | "integer" | "boolean";
    readonly default: string | number | boolean;
    readonly description: string;
}

export const DECLARED: Readonly<Record<string, Declaration>> = {
    platform: {
        type: "string",
        default: DEFAULT_PLATFORM,
        description: "Where the stack runs: docker (one engine) or kubernetes (a cluster, from the upstream Helm charts).",
    },
    dockerHost: {
        type: "string",
        default: DEFAULT_DOCKER_HOST,
        description: "Docker engine the stack runs on: unix:///path/to/docker.sock, tcp://host:port, ssh://[user@]host[:port] or npipe:////./pipe/docker_engine (Windows).",
    },
    dockerRoot: {
        type: "string",
        default: DEFAULT_DOCKER_ROOT,
        description: "The engine's DockerRootDir (`docker info`): Alloy's container metrics read each container's layer ID below it.",
    },
    dockerStorageDriver: {
        type: "string",
        default: DEFAULT_DOCKER_STORAGE_DRIVER,
        description: "The engine's storage driver (`docker info`): overlay2, fuse-overlayfs, btrfs, zfs, vfs, or overlayfs (containerd's image store: no container metrics).",
    },
    collector: {
        type: "string",
        default: DEFAULT_COLLECTOR,
        description: "The log collector: alloy (Grafana Alloy, with host and container metrics) or promtail (end of life).",
    },
    outageTolerance: {
        type: "string",
        default: DEFAULT_OUTAGE_TOLERANCE,
        description: "How long Loki may be unreachable before a collector drops a batch of log lines (its retries are derived from it), e.g. 1h.",
    },
    retainVolumes: {
        type: "boolean",
        default: DEFAULT_RETAIN_VOLUMES,
        description: "Keep the data volumes (Loki, Prometheus, Grafana) when the stack is destroyed.",
    },
    protectVolumes: {
        type: "boolean",
        default: DEFAULT_PROTECT_VOLUMES,
        description: "Protect the data volumes: Pulumi refuses to delete or replace them until `pulumi state unprotect`.",
    },
};

const OBJECT = "a YAML mapping: Pulumi project config has no object type";
const STACK_DEFAULT = "its default depends on the stack name; a declaration without a default would make it required";
const OPTIONAL = "optional without a default; a declaration without a default would make it required";

export const NOT_DECLARED: Readonly<Record<string, string>> = {
    environment: STACK_DEFAULT,
    namePrefix: STACK_DEFAULT,
    applicationLabel: OPTIONAL,
    grafanaAdminPassword: `a secret, ${OPTIONAL} (generated when absent)`,
    grafanaAuth: `a secret, ${OPTIONAL}`,
    contactPointUrl: `a secret, ${OPTIONAL}`,
    smtpPassword: `a secret, ${OPTIONAL}`,
    kubeconfig: `a secret, ${OPTIONAL}`,
    lokiStorageKeyId: `a secret, ${OPTIONAL}`,
    lokiStorageKey: `a secret, ${OPTIONAL}`,
    kubernetes: `a YAML mapping for platform kubernetes only, ${OPTIONAL}`,
    charts: OBJECT,
    applications: "a list whose entries may be mappings: array items can only be string, integer or boolean",
    images: OBJECT,
    resources: OBJECT,
    publish: OBJECT,
    logRotation: OBJECT,
    loki: OBJECT,
    prometheus: OBJECT,
    alerts: OBJECT,
    falco: OBJECT,
    grafana: OBJECT,
    demo: OBJECT,
};
