import * as pulumi from "@pulumi/pulumi";
import { ALERTMANAGER_CONFIG, ALERTMANAGER_DATA_DIR, alertmanagerFlags, alertmanagerHasSecrets, renderAlertmanagerConfig } from "../configs/alertmanager";
import { CONFIG_DIR } from "../configs/paths";
import { SERVICE_PORTS } from "../settings/defaults";
import { IMAGE_FACTS } from "../settings/imageFacts";
import { HardenedContainer, ServiceArgs, dataVolume } from "./hardenedContainer";

export interface AlertmanagerArgs extends ServiceArgs {
    /** The contact point's webhook or Slack URL (a secret). */
    readonly contactPointUrl?: pulumi.Output<string>;
    /** Password at the mail relay, for settings.grafana.smtp.user. */
    readonly smtpPassword?: pulumi.Output<string>;
}

/**
 * Alertmanager: delivers Prometheus' alerts (LokiDown, CollectorDown, DataDiskFilling...) to the stack's contact
 * point, as Grafana delivers the log alerts. Its data (silences, the notification log that keeps a restart from
 * repeating a notification) lives on a named volume. Facts: see IMAGE_FACTS.alertmanager.
 */
export class Alertmanager extends pulumi.ComponentResource {
    readonly url: pulumi.Output<string>;
    readonly containerName: pulumi.Output<string>;

    constructor(name: string, args: AlertmanagerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:Alertmanager", name, {}, opts);
        const { settings } = args;
        const data = dataVolume(this, `${name}-data`, settings, "alertmanager");
        const secret = alertmanagerHasSecrets(settings);
        const content = pulumi
            .all([args.contactPointUrl, args.smtpPassword])
            .apply(([contactPointUrl, smtpPassword]) => renderAlertmanagerConfig(settings, { contactPointUrl, smtpPassword }));
        const uid = IMAGE_FACTS.alertmanager.user;

        const container = new HardenedContainer(
            name,
            {
                settings,
                service: "alertmanager",
                image: settings.images.alertmanager,
                limits: settings.resources.alertmanager,
                networkName: args.networkName,
                extraNetworks: args.extraNetworks,
                command: alertmanagerFlags(CONFIG_DIR),
                // With a URL or password in it, the file is its user's alone (the image's nobody) and a secret in state.
                configFiles: [secret ? { name: ALERTMANAGER_CONFIG, content: pulumi.secret(content), owner: uid, permissions: "0400", secret: true } : { name: ALERTMANAGER_CONFIG, content }],
                volumes: [{ volume: data, path: ALERTMANAGER_DATA_DIR }],
                // Busybox base: wget is there (IMAGE_FACTS.alertmanager).
                healthcheck: { test: [IMAGE_FACTS.alertmanager.healthcheckTool, "-q", "-O", "/dev/null", `http://127.0.0.1:${SERVICE_PORTS.alertmanager}/-/healthy`] },
            },
            { parent: this },
        );
        this.url = pulumi.output(`http://alertmanager:${SERVICE_PORTS.alertmanager}`);
        this.containerName = container.containerName;
        this.registerOutputs({ url: this.url, containerName: this.containerName });
    }
}

