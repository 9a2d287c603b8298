import * as pulumi from "@pulumi/pulumi";
import { NAMESPACE, SECRET_KEYS, parseSettings } from "./parse";
import { SettingsError } from "./errors";
import { plainTextSecrets } from "./stackFile";
import { Settings } from "./types";

/** Values that must never appear in plain text: only ever held as Pulumi secrets. */
export interface Secrets {
    /** Grafana admin password; generated when absent. */
    readonly grafanaAdminPassword?: pulumi.Output<string>;
    /** Credentials for an external Grafana: "user:password" or a service-account token. */
    readonly grafanaAuth?: pulumi.Output<string>;
    /** Webhook or Slack URL of the alert contact point. */
    readonly contactPointUrl?: pulumi.Output<string>;
    /** Password of grafana.smtp.user at the mail relay. */
    readonly smtpPassword?: pulumi.Output<string>;
    /** Kubernetes: a kubeconfig to deploy with (absent: the user's, as kubectl finds it). */
    readonly kubeconfig?: pulumi.Output<string>;
    /** Loki's object store credentials: s3 access key ID and secret key; gcs: key = a service account's JSON key; azure: key = the account key. */
    readonly lokiStorageKeyId?: pulumi.Output<string>;
    readonly lokiStorageKey?: pulumi.Output<string>;
}

/** Edit distance (Levenshtein) between two short words. */
function distance(a: string, b: string): number {
    let row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        const next = [i];
        for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        row = next;
    }
    return row[b.length];
}

/** Stack configuration as the engine hands it over: JSON text for structured values. */
export function rawConfig(all: Record<string, string> = pulumi.runtime.allConfig()): Record<string, unknown> {
    const prefix = `${NAMESPACE}:`;
    const out: Record<string, unknown> = {};
    for (const [key, text] of Object.entries(all)) {
        const namespace = key.split(":")[0];
        // `observabilty:retention` would otherwise be ignored silently, and the stack run with the default.
        if (namespace !== NAMESPACE && distance(namespace, NAMESPACE) <= 2) {
            throw new SettingsError(key, undefined, `is in namespace ${namespace}, not ${NAMESPACE}: a typo? Every setting of this program is ${NAMESPACE}:<key>`);
        }
        if (!key.startsWith(prefix)) continue;
        out[key.slice(prefix.length)] = decode(text);
    }
    return out;
}

function decode(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/** Refuses secrets written in plain text in the stack file (they would be in git), naming the command that fixes it. */
export function refusePlainTextSecrets(stack: string, projectDir: string): void {
    const [key] = plainTextSecrets(stack, projectDir, NAMESPACE, SECRET_KEYS);
    if (key) {
        throw new SettingsError(
            `${NAMESPACE}:${key}`,
            "<not shown>",
            `is in plain text in Pulumi.${stack}.yaml: remove the line, change the value (it may be in git's history), and set it with \`pulumi config set --secret ${key} <value> --stack ${stack}\``,
        );
    }
}

/** The one place stack configuration is read; throws before any resource exists if it is invalid. */
export function loadSettings(): { settings: Settings; secrets: Secrets } {
    refusePlainTextSecrets(pulumi.getStack(), process.cwd());
    const settings = parseSettings(pulumi.getStack(), rawConfig());
    const config = new pulumi.Config(NAMESPACE);
    const secrets: Secrets = Object.fromEntries(SECRET_KEYS.map((key) => [key, config.getSecret(key)]));
    requireSecrets(settings, secrets);
    return { settings, secrets };
}

/** Secrets some settings cannot work without; named by key, value never shown. */
export function requireSecrets(settings: Settings, secrets: Secrets): void {
    const kind = settings.grafana.contactPoint.kind;
    if ((kind === "webhook" || kind === "slack") && !secrets.contactPointUrl) {
        throw new SettingsError(`${NAMESPACE}:contactPointUrl`, undefined, `is required for a ${kind} contact point; set it with \`pulumi config set --secret contactPointUrl <url>\``);
    }
    if (settings.grafana.smtp?.user && !secrets.smtpPassword) {
        throw new SettingsError(`${NAMESPACE}:smtpPassword`, undefined, "is required with grafana.smtp.user; set it with `pulumi config set --secret smtpPassword <password>`");
    }
    const storage = settings.loki.storage.type;
    // s3 and gcs may authenticate by the pod's identity (IRSA, Workload Identity); an Azure account key has no such default.
    if (storage === "azure" && !secrets.lokiStorageKey) {
        throw new SettingsError(`${NAMESPACE}:lokiStorageKey`, undefined, "is required for loki.storage.type azure (the storage account key); set it with `pulumi config set --secret lokiStorageKey <key>`");
    }
    if (storage === "s3" && Boolean(secrets.lokiStorageKeyId) !== Boolean(secrets.lokiStorageKey)) {
        throw new SettingsError(`${NAMESPACE}:${secrets.lokiStorageKeyId ? "lokiStorageKey" : "lokiStorageKeyId"}`, undefined, "s3 credentials come in pairs: set lokiStorageKeyId (access key ID) and lokiStorageKey (secret access key), or neither to use the pod's identity");
    }
    if (settings.platform === "docker" && (secrets.kubeconfig || secrets.lokiStorageKeyId || secrets.lokiStorageKey)) {
        const key = secrets.kubeconfig ? "kubeconfig" : secrets.lokiStorageKeyId ? "lokiStorageKeyId" : "lokiStorageKey";
        throw new SettingsError(`${NAMESPACE}:${key}`, undefined, "applies to platform kubernetes only; this stack's platform is docker");
    }
    if (settings.grafana.externalUrl && !secrets.grafanaAuth) {
        throw new SettingsError(`${NAMESPACE}:grafanaAuth`, undefined, "is required to manage an external Grafana; set it with `pulumi config set --secret grafanaAuth <user:password or token>`");
    }
}
