import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { START_SCRIPT, grafanaEnvironment, renderGrafanaStart } from "../configs/grafana/server";
import { SERVICE_PORTS } from "../settings/defaults";
import { IMAGE_FACTS } from "../settings/imageFacts";
import { HardenedContainer, ServiceArgs, dataVolume } from "./hardenedContainer";

/** Grafana image's user (uid only: the password file is its alone). */
const GRAFANA_UID = IMAGE_FACTS.grafana.user.split(":")[0];

export interface GrafanaArgs extends ServiceArgs {
    /** Admin password from stack configuration; generated when absent. */
    readonly adminPassword?: pulumi.Output<string>;
    /** Password at the mail relay, for settings.grafana.smtp.user. */
    readonly smtpPassword?: pulumi.Output<string>;
}

/** The stack's own Grafana: no anonymous access, no sign-up, admin password only ever a secret. */
export class Grafana extends pulumi.ComponentResource {
    /** URL the Grafana provider uses: the published host address, known at preview time. */
    readonly url: pulumi.Output<string>;
    readonly adminPassword: pulumi.Output<string>;
    readonly containerName: pulumi.Output<string>;
    /** The container: content waits for it to be healthy. */
    readonly ready: pulumi.Resource;

    constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:Grafana", name, {}, opts);
        const { settings } = args;
        const hostPort = settings.publish.ports.grafana;
        if (!hostPort) throw new pulumi.ResourceError("Grafana must be published for the provider to reach it", this);

        const password = pulumi.secret(
            args.adminPassword ?? new random.RandomPassword(`${name}-admin-password`, { length: 24, special: false }, { parent: this }).result,
        );
        const data = dataVolume(this, `${name}-data`, settings, "grafana");

        const container = new HardenedContainer(
            name,
            {
                settings,
                service: "grafana",
                image: settings.images.grafana,
                limits: settings.resources.grafana,
                networkName: args.networkName,
                extraNetworks: args.extraNetworks,
                // Files, not environment variables: `docker inspect` shows environment variables in clear.
                configFiles: [
                    { name: "admin_password", content: password, owner: GRAFANA_UID, permissions: "0400", secret: true },
                    ...(args.smtpPassword ? [{ name: "smtp_password", content: args.smtpPassword, owner: GRAFANA_UID, permissions: "0400", secret: true }] : []),
                    { name: "start.sh", content: renderGrafanaStart(), owner: GRAFANA_UID, permissions: "0500" },
                ],
                entrypoint: ["/bin/sh", START_SCRIPT],
                envs: grafanaEnvironment(settings),
                volumes: [{ volume: data, path: "/var/lib/grafana" }],
                publish: { hostPort, containerPort: SERVICE_PORTS.grafana },
                // curl is installed explicitly by the image's Dockerfile (IMAGE_FACTS.grafana).
                healthcheck: {
                    test: [IMAGE_FACTS.grafana.healthcheckTool, "-fsS", "-o", "/dev/null", `http://127.0.0.1:${SERVICE_PORTS.grafana}/api/health`],
                    startPeriodSeconds: 30,
                },
                // Dashboards, datasources and alert rules are created through its API as soon as it is up.
                waitForHealthy: true,
            },
            { parent: this },
        );

        this.url = pulumi.output(`http://${settings.publish.address}:${hostPort}`);
        this.adminPassword = password;
        this.containerName = container.containerName;
        this.ready = container.container;
        this.registerOutputs({ url: this.url, adminPassword: this.adminPassword, containerName: this.containerName });
    }
}
