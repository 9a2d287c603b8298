import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { Secrets } from "../settings/load";
import { Settings } from "../settings/types";
import { STABLE_LABEL_CHANGES, stableLabels } from "../configs/labels";
import { DOCKER_SSH_OPTS } from "../configs/dockerSsh";
import { DemoWorkload } from "./demo";
import { Falco } from "./falco";
import { Grafana } from "./grafana";
import { GrafanaContent } from "./grafanaContent";
import { Loki } from "./loki";
import { Prometheus } from "./prometheus";
import { Alloy } from "./alloy";
import { Promtail } from "./promtail";
import { SocketProxy } from "./socketProxy";
import { Alertmanager } from "./alertmanager";

export interface ObservabilityStackArgs {
    /** Validated stack settings. */
    readonly settings: Settings;
    /** Secrets from stack configuration. */
    readonly secrets: Secrets;
}

/** Where Grafana is, and its admin password when the stack runs it. */
interface GrafanaEndpoint {
    readonly url: pulumi.Output<string>;
    readonly adminPassword?: pulumi.Output<string>;
}

/** The whole stack on one Docker host: private network, then every service on it. */
export class ObservabilityStack extends pulumi.ComponentResource {
    readonly networkName: pulumi.Output<string>;
    readonly lokiUrl: pulumi.Output<string>;
    readonly prometheusUrl: pulumi.Output<string>;
    /** The generated or configured admin password of the stack's own Grafana (a secret). */
    readonly grafanaAdminPassword: pulumi.Output<string | undefined>;
    readonly collectorName: pulumi.Output<string>;
    /** Host URLs of published services, by service. */
    readonly publishedUrls: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: ObservabilityStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:ObservabilityStack", name, {}, opts);
        const { settings } = args;

        // Over ssh: the host key must be pinned, no prompt (configs/dockerSsh.ts); the preflight runs the same command.
        const sshOpts = settings.dockerHost.startsWith("ssh://") ? [...DOCKER_SSH_OPTS] : undefined;
        const provider = new docker.Provider(`${name}-docker`, { host: settings.dockerHost, ...(sshOpts ? { sshOpts } : {}) }, { parent: this });
        const childOpts: pulumi.ComponentResourceOptions = { parent: this, providers: { docker: provider } };

        const bridge = (logical: string, suffix: string, internal: boolean) =>
            new docker.Network(
                `${name}-${logical}`,
                { name: `${settings.namePrefix}-${suffix}`, driver: "bridge", ...(internal ? { internal } : {}), attachable: false, labels: stableLabels(settings, logical) },
                { parent: this, provider, ...STABLE_LABEL_CHANGES },
            );
        // The stack's network: every service, and the applications users attach for their metrics to be scraped.
        const network = bridge("network", "net", false);
        // The Docker API proxy's own network: internal (no route out), and only the proxy and the collector join it,
        // so no application or other service on the stack's network can reach the engine's API.
        const dockerApiNetwork = bridge("docker-api-network", "docker-api", true);
        // Loki's own network: only the collector (which pushes), Grafana and Prometheus (which read) join it. Loki has
        // no authentication, so an application on the stack's network could otherwise push forged lines. Not
        // internal: dev publishes Loki's port, which an internal network cannot.
        const lokiNetwork = bridge("loki-network", "loki", false);

        const loki = new Loki(`${name}-loki`, { settings, networkName: lokiNetwork.name }, childOpts);
        const socketProxy = new SocketProxy(`${name}-socket-proxy`, { settings, networkName: dockerApiNetwork.name }, childOpts);
        // Before Prometheus, which sends it the alerts from its first evaluation.
        const alertmanager = new Alertmanager(
            `${name}-alertmanager`,
            { settings, networkName: network.name, contactPointUrl: args.secrets.contactPointUrl, smtpPassword: args.secrets.smtpPassword },
            childOpts,
        );
        const prometheus = new Prometheus(`${name}-prometheus`, { settings, networkName: network.name, extraNetworks: [lokiNetwork.name] }, { ...childOpts, dependsOn: [alertmanager] });
        const collectorOpts = { ...childOpts, dependsOn: [loki, socketProxy] };
        // Alloy in every stack: the collector, or beside Promtail for the host and container metrics (then not on Loki's network).
        const alloy = new Alloy(
            `${name}-alloy`,
            {
                settings,
                networkName: network.name,
                extraNetworks: settings.collector === "alloy" ? [dockerApiNetwork.name, lokiNetwork.name] : [dockerApiNetwork.name],
                dataVolumes: { loki: loki.dataVolume, prometheus: prometheus.dataVolume },
            },
            collectorOpts,
        );
        const collector =
            settings.collector === "alloy" ? alloy : new Promtail(`${name}-promtail`, { settings, networkName: network.name, extraNetworks: [dockerApiNetwork.name, lokiNetwork.name] }, collectorOpts);
        if (settings.falco.enabled) {
            // After the collector, so Falco's first events are shipped.
            new Falco(`${name}-falco`, { settings, networkName: network.name }, { ...childOpts, dependsOn: [collector] });
        }
        const grafana = settings.grafana.externalUrl
            ? this.externalGrafana(name, args)
            : this.ownGrafana(name, args, [network.name, lokiNetwork.name], childOpts, loki, prometheus, alertmanager);
        if (settings.demo.enabled) {
            new DemoWorkload(`${name}-demo`, { settings, networkName: network.name }, { ...childOpts, dependsOn: [collector] });
        }

        this.networkName = network.name;
        this.lokiUrl = loki.url;
        this.prometheusUrl = prometheus.url;
        this.grafanaAdminPassword = pulumi.secret(grafana.adminPassword ?? pulumi.output<string | undefined>(undefined));
        this.collectorName = collector.containerName;
        this.publishedUrls = pulumi
            .all({ loki: loki.publishedUrl, prometheus: prometheus.publishedUrl, grafana: grafana.url })
            .apply((urls) => Object.fromEntries(Object.entries(urls).filter(([, u]) => u !== undefined)) as Record<string, string>);
        this.registerOutputs({
            networkName: this.networkName,
            lokiUrl: this.lokiUrl,
            prometheusUrl: this.prometheusUrl,
            grafanaAdminPassword: this.grafanaAdminPassword,
            collectorName: this.collectorName,
            publishedUrls: this.publishedUrls,
        });
    }

    /** The stack runs Grafana itself; its content waits for the container to be healthy. */
    private ownGrafana(
        name: string,
        args: ObservabilityStackArgs,
        [networkName, lokiNetworkName]: [pulumi.Output<string>, pulumi.Output<string>],
        childOpts: pulumi.ComponentResourceOptions,
        loki: Loki,
        prometheus: Prometheus,
        alertmanager: Alertmanager,
    ): GrafanaEndpoint {
        const { settings, secrets } = args;
        const own = new Grafana(
            `${name}-grafana`,
            { settings, networkName, extraNetworks: [lokiNetworkName], adminPassword: secrets.grafanaAdminPassword, smtpPassword: secrets.smtpPassword },
            { ...childOpts, dependsOn: [loki, prometheus] },
        );
        new GrafanaContent(
            `${name}-content`,
            {
                settings,
                url: own.url,
                auth: pulumi.secret(pulumi.interpolate`${settings.grafana.adminUser}:${own.adminPassword}`),
                lokiUrl: loki.url,
                prometheusUrl: prometheus.url,
                alertmanagerUrl: alertmanager.url,
                contactPointUrl: secrets.contactPointUrl,
                readyAfter: [own.ready],
            },
            { parent: this },
        );
        return { url: own.url, adminPassword: own.adminPassword };
    }

    /** An existing Grafana (or Grafana Cloud) gets the same content; no container. */
    private externalGrafana(name: string, args: ObservabilityStackArgs): GrafanaEndpoint {
        const { settings, secrets } = args;
        const url = settings.grafana.externalUrl as string;
        new GrafanaContent(
            `${name}-content`,
            {
                settings,
                url,
                auth: secrets.grafanaAuth as pulumi.Output<string>,
                // As that Grafana reaches them: the private network's names mean nothing there (required by settings/).
                lokiUrl: settings.grafana.lokiUrl as string,
                prometheusUrl: settings.grafana.prometheusUrl as string,
                contactPointUrl: secrets.contactPointUrl,
            },
            { parent: this },
        );
        return { url: pulumi.output(url) };
    }
}
