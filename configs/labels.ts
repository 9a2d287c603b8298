import { ApplicationKind, Settings } from "../settings/types";

/** Docker labels every stack container carries; the collector relabels them into Loki labels. */
export const LABELS = {
    managedBy: "observability.managed-by",
    component: "observability.component",
    environment: "observability.environment",
    stack: "observability.stack",
    /** On containers whose ports may be bound to every interface (settings allow it). */
    allInterfaces: "observability.allow-all-interfaces",
    /** On data volumes kept on `pulumi destroy` (retainOnDelete). */
    /** On containers that read uploaded configuration: a hash of it, so a change replaces the container. */
    configHash: "observability.config-hash",
    /** On the never-started containers that only carry configuration into a volume. */
    role: "observability.role",
} as const;

/** The label the collector sees for a Docker label: `__meta_docker_container_label_<sanitised>`. */
export function dockerMetaLabel(dockerLabel: string): string {
    return `__meta_docker_container_label_${dockerLabel.replace(/[^a-zA-Z0-9_]/g, "_")}`;
}

/** Container name of a stack service: the prefix keeps several stacks apart on one host. */
export function containerName(prefix: string, service: string): string {
    return `${prefix}-${service}`;
}

/** Names of the configured application containers of one kind. */
export function applicationNames(settings: Settings, kind: ApplicationKind): string[] {
    return settings.applications.filter((a) => a.kind === kind).map((a) => a.name);
}

/** Escapes a literal for RE2 (relabel rules, LogQL regex matchers). */
export function escapeRegex(literal: string): string {
    return literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Labels of a volume or network: only what cannot change on a live stack. The Docker provider replaces a volume or
 * network on any label change (ForceNew: kreuzwerker v4.5.0 resource_docker_volume.go, resource_docker_network.go);
 * the engine then hands back the same in-use volume under the new resource and refuses to delete the old one
 * ("volume is in use"), so `up` never converges, or, with the container stopped, deletes live data.
 */
export const STABLE_LABEL_CHANGES = {
    // Stacks made before the labels were stable carry an environment label (and prod a retained one): dropping it
    // must not replace an in-use volume or network on the first `up` after the upgrade.
    ignoreChanges: ["labels"],
};

export function stableLabels(settings: Settings, service: string): Array<{ label: string; value: string }> {
    return [
        { label: LABELS.managedBy, value: "pulumi" },
        { label: LABELS.component, value: service },
        // The prefix is in the resource's name too: changing it makes a new volume or network in any case.
        { label: LABELS.stack, value: settings.namePrefix },
    ];
}

/** Labels on every container: who manages it, which component, environment and stack. */
export function stackLabels(settings: Settings, service: string): Array<{ label: string; value: string }> {
    return [
        { label: LABELS.managedBy, value: "pulumi" },
        { label: LABELS.component, value: service },
        { label: LABELS.environment, value: settings.environment },
        { label: LABELS.stack, value: settings.namePrefix },
    ];
}

