import { SERVICE_PORTS } from "../settings/defaults";
import { Settings } from "../settings/types";
import { formatDuration } from "../settings/units";
import { toYaml } from "./yaml";

export const ALERTMANAGER_CONFIG = "alertmanager.yml";
export const ALERTMANAGER_DATA_DIR = "/alertmanager";
/** Prometheus reaches Alertmanager by its alias on the stack's network. */
export const ALERTMANAGER_TARGET = `alertmanager:${SERVICE_PORTS.alertmanager}`;
/** Labels Prometheus' alerts are grouped by: one notification per alert name and environment, listing every instance. */
export const ALERT_GROUP_BY = ["alertname", "environment"];

/** The secrets a receiver needs, as plain strings: the component passes them in, the file is then a secret. */
export interface AlertmanagerSecrets {
    readonly contactPointUrl?: string;
    readonly smtpPassword?: string;
    /**
     * Kubernetes: the secrets are files of a mounted Secret in this directory (keys SECRET_FILES), referenced by the
     * `*_file` fields (webhook url_file and slack api_url_file from Alertmanager 0.28, smtp_auth_password_file), so
     * the file itself, a ConfigMap there, holds none.
     */
    readonly fileDir?: string;
}

/** The keys of the Secret mounted at AlertmanagerSecrets.fileDir. */
export const SECRET_FILES = { contactPointUrl: "contact-point-url", smtpPassword: "smtp-password" } as const;

interface Receiver {
    name: string;
    email_configs?: Array<{ to: string; send_resolved: boolean }>;
    webhook_configs?: Array<{ url?: string; url_file?: string; send_resolved: boolean }>;
    slack_configs?: Array<{ api_url?: string; api_url_file?: string; send_resolved: boolean }>;
}

export interface AlertmanagerConfig {
    global?: { smtp_smarthost: string; smtp_from: string; smtp_auth_username?: string; smtp_auth_password?: string; smtp_auth_password_file?: string };
    route: { receiver: string; group_by: string[]; group_wait: string; group_interval: string; repeat_interval: string };
    receivers: Receiver[];
}

/**
 * alertmanager.yml: Prometheus' alerts go to the same contact point as Grafana's log alerts, batched and repeated
 * as `alerts.groupWait/groupInterval/repeatInterval` say, and every receiver also sends the resolution. Secrets are
 * written into the file itself rather than `*_file` fields: the webhook's `url_file` exists only from Alertmanager
 * 0.28 (prometheus/alertmanager config/notifiers.go at v0.28.1; absent at v0.25.0), and the file is then 0400 and
 * its user's alone, like Grafana's secret files. "none": a receiver that sends nothing; alerts show in
 * Alertmanager's UI and API.
 */
export function alertmanagerConfig(settings: Settings, secrets: AlertmanagerSecrets): AlertmanagerConfig {
    const cp = settings.grafana.contactPoint;
    const receiver = cp.kind === "none" ? "none" : `${settings.namePrefix}-${cp.kind}`;
    const timing = notificationTiming(settings);
    const route = { receiver, group_by: ALERT_GROUP_BY, group_wait: timing.groupWait, group_interval: timing.groupInterval, repeat_interval: timing.repeatInterval };
    const smtp = settings.grafana.smtp;
    const global =
        cp.kind === "email" && smtp
            ? {
                  smtp_smarthost: smtp.host,
                  smtp_from: smtp.from,
                  // STARTTLS stays required (Alertmanager's default): a relay without it fails loudly in its log.
                  ...(smtp.user
                      ? {
                            smtp_auth_username: smtp.user,
                            ...(secrets.fileDir
                                ? { smtp_auth_password_file: `${secrets.fileDir}/${SECRET_FILES.smtpPassword}` }
                                : { smtp_auth_password: required(secrets.smtpPassword, "smtpPassword") }),
                        }
                      : {}),
              }
            : undefined;
    return { ...(global ? { global } : {}), route, receivers: [receiverFor(cp.kind, receiver, cp.addresses, secrets)] };
}

/** Batching and repeats of notifications, the same for Alertmanager's route and Grafana's notification policy. */
export function notificationTiming(settings: Settings): { groupWait: string; groupInterval: string; repeatInterval: string } {
    const { groupWait, groupInterval, repeatInterval } = settings.alerts;
    return { groupWait: formatDuration(groupWait.seconds), groupInterval: formatDuration(groupInterval.seconds), repeatInterval: formatDuration(repeatInterval.seconds) };
}

function receiverFor(kind: Settings["grafana"]["contactPoint"]["kind"], name: string, addresses: readonly string[], secrets: AlertmanagerSecrets): Receiver {
    switch (kind) {
        case "email":
            return { name, email_configs: [{ to: addresses.join(", "), send_resolved: true }] };
        case "webhook":
            return { name, webhook_configs: [{ ...(secrets.fileDir ? { url_file: urlFile(secrets.fileDir) } : { url: required(secrets.contactPointUrl, "contactPointUrl") }), send_resolved: true }] };
        case "slack":
            return { name, slack_configs: [{ ...(secrets.fileDir ? { api_url_file: urlFile(secrets.fileDir) } : { api_url: required(secrets.contactPointUrl, "contactPointUrl") }), send_resolved: true }] };
        case "none":
            return { name };
    }
}

function urlFile(dir: string): string {
    return `${dir}/${SECRET_FILES.contactPointUrl}`;
}

function required(value: string | undefined, key: string): string {
    // The loader refuses a contact point without its secret; this guards the type.
    if (value === undefined) throw new Error(`${key} missing for the Alertmanager receiver`);
    return value;
}

/** Whether the rendered file carries a secret (then it is 0400, its user's alone, and hashed through an HMAC). */
export function alertmanagerHasSecrets(settings: Settings): boolean {
    const kind = settings.grafana.contactPoint.kind;
    return kind === "webhook" || kind === "slack" || (kind === "email" && settings.grafana.smtp?.user !== undefined);
}

export function renderAlertmanagerConfig(settings: Settings, secrets: AlertmanagerSecrets): string {
    return toYaml(alertmanagerConfig(settings, secrets));
}

/**
 * Command-line flags: the seeded file, data (silences, notification log) on the volume, and no cluster: one
 * instance, so no gossip listener on :9094 (Alertmanager listens there by default) and no wait for peers.
 */
export function alertmanagerFlags(configDir: string): string[] {
    return [`--config.file=${configDir}/${ALERTMANAGER_CONFIG}`, `--storage.path=${ALERTMANAGER_DATA_DIR}`, "--cluster.listen-address="];
}
