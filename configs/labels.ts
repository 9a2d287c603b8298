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
    retained: "observability.retained",
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
