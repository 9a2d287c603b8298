import * as grafana from "@pulumiverse/grafana";
import * as pulumi from "@pulumi/pulumi";
import { dashboardSpecs } from "../configs/grafana/dashboards";
import { alertRuleData, logAlerts } from "../configs/grafana/logAlerts";
import { buildDashboard } from "../configs/grafana/panels";
import { datasourceUids } from "../configs/grafana/selectors";
import { stableJson } from "../configs/grafana/json";
import { Settings } from "../settings/types";
import { notificationTiming } from "../configs/alertmanager";

export interface GrafanaContentArgs {
    /** Validated stack settings. */
    readonly settings: Settings;
    /** Grafana's URL as seen from where Pulumi runs; must be known at preview time. */
    readonly url: pulumi.Input<string>;
    /** "user:password" or a service-account token; a secret. */
    readonly auth: pulumi.Output<string>;
    /** Loki and Prometheus as Grafana reaches them. */
    readonly lokiUrl: pulumi.Input<string>;
    readonly prometheusUrl: pulumi.Input<string>;
    /** The stack's Alertmanager as Grafana reaches it, so Grafana lists Prometheus' alerts (the stack's own Grafana only). */
    readonly alertmanagerUrl?: pulumi.Input<string>;
    /** Webhook or Slack URL of the contact point; a secret. */
    readonly contactPointUrl?: pulumi.Output<string>;
    /** Resources that must be ready before Grafana's API is called (the stack's own Grafana container). */
    readonly readyAfter?: pulumi.Input<pulumi.Resource>[];
}

/**
 * What Grafana shows and alerts on, managed through its API: datasources, folder, dashboards, log alerts,
 * contact point and policy. Works against the stack's Grafana or any existing one (Grafana Cloud included).
 */
export class GrafanaContent extends pulumi.ComponentResource {
    readonly folderUid: pulumi.Output<string>;
    readonly dashboardUids: pulumi.Output<string[]>;

    constructor(name: string, args: GrafanaContentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:GrafanaContent", name, {}, opts);
        const { settings } = args;
        const uids = datasourceUids(settings);

        const provider = new grafana.Provider(`${name}-provider`, { url: args.url, auth: pulumi.secret(args.auth) }, { parent: this, dependsOn: args.readyAfter });
        const o = { parent: this, provider, dependsOn: args.readyAfter };

        const lokiDs = new grafana.oss.DataSource(`${name}-loki`, { name: `Loki (${settings.environment})`, type: "loki", uid: uids.loki, url: args.lokiUrl, accessMode: "proxy", jsonDataEncoded: JSON.stringify({ maxLines: 1000 }) }, o);
        // Default datasource only in the stack's own Grafana: a shared one keeps its owners' choice.
        const external = settings.grafana.externalUrl !== undefined;
        const promDs = new grafana.oss.DataSource(
            `${name}-prometheus`,
            { name: `Prometheus (${settings.environment})`, type: "prometheus", uid: uids.prometheus, url: args.prometheusUrl, accessMode: "proxy", isDefault: !external, jsonDataEncoded: JSON.stringify({ httpMethod: "POST" }) },
            o,
        );
        if (args.alertmanagerUrl) {
            // Grafana's Alertmanager datasource (docs: datasources/alertmanager, provisioning example): Prometheus'
            // alerts and silences in Grafana's alerting pages; Grafana's own alerts stay with Grafana.
            new grafana.oss.DataSource(
                `${name}-alertmanager`,
                {
                    name: `Alertmanager (${settings.environment})`,
                    type: "alertmanager",
                    uid: `${settings.namePrefix}-alertmanager`,
                    url: args.alertmanagerUrl,
                    accessMode: "proxy",
                    jsonDataEncoded: JSON.stringify({ implementation: "prometheus", handleGrafanaManagedAlerts: false }),
                },
                o,
            );
        }
        const folder = new grafana.oss.Folder(`${name}-folder`, { title: `Observability stack (${settings.environment})`, uid: `${settings.namePrefix}-stack` }, o);

        const withDs = { ...o, dependsOn: [lokiDs, promDs] };
        const dashboards = dashboardSpecs(settings).map(
            (spec) =>
                new grafana.oss.Dashboard(
                    `${name}-${spec.uid.slice(settings.namePrefix.length + 1)}`,
                    { folder: folder.uid, overwrite: true, configJson: stableJson(buildDashboard(spec, uids)) },
                    withDs,
                ),
        );

        const routing = alertRouting(name, settings, args.contactPointUrl, o);
        new grafana.alerting.RuleGroup(
            `${name}-log-alerts`,
            {
                name: "log-alerts",
                folderUid: folder.uid,
                intervalSeconds: 60,
                rules: logAlerts(settings).map((a) => ({
                    name: a.title,
                    uid: a.uid,
                    condition: "C",
                    for: a.for,
                    noDataState: "OK",
                    execErrState: "Error",
                    labels: { severity: a.severity, environment: settings.environment },
                    annotations: { summary: a.summary },
                    datas: alertRuleData(a, settings),
                    notificationSettings: routing.perRule,
                })),
            },
            withDs,
        );

        this.folderUid = folder.uid;
        this.dashboardUids = pulumi.all(dashboards.map((d) => d.uid));
        this.registerOutputs({ folderUid: this.folderUid, dashboardUids: this.dashboardUids });
    }
}


/**
 * Where the stack's alerts go. Its own Grafana: a contact point and the notification policy tree. An external
 * Grafana: the policy tree belongs to its owners (the provider's NotificationPolicy replaces the whole tree, and
 * two stacks would overwrite each other), so each rule names the contact point itself (Grafana's simplified
 * routing). "none": nothing is sent; alerts show in Grafana's alerting pages.
 */
function alertRouting(
    name: string,
    settings: Settings,
    url: pulumi.Output<string> | undefined,
    opts: pulumi.CustomResourceOptions,
): { perRule?: pulumi.Input<grafana.types.input.alerting.RuleGroupRuleNotificationSettings> } {
    const args = contactPointArgs(settings, url);
    if (!args) return {};
    // pulumiverse/pulumi-grafana#379: a Slack contact point's `slacks` becomes one secret and shows as changed on
    // every preview. Ignored on that one field (a new Slack URL then needs `pulumi up --replace <its URN>`).
    const ignore = settings.grafana.contactPoint.kind === "slack" ? { ignoreChanges: ["slacks"] } : {};
    const contactPoint = new grafana.alerting.ContactPoint(`${name}-contact-point`, args, { ...opts, ...ignore });
    if (settings.grafana.externalUrl) {
        // Simplified routing requires alertname and grafana_folder among the grouping labels.
        return { perRule: { contactPoint: contactPoint.name, groupBies: ["alertname", "grafana_folder", "container"], ...notificationTiming(settings) } };
    }
    new grafana.alerting.NotificationPolicy(`${name}-policy`, { contactPoint: contactPoint.name, groupBies: ["alertname", "container"], ...notificationTiming(settings) }, opts);
    return {};
}

function contactPointArgs(settings: Settings, url: pulumi.Output<string> | undefined): grafana.alerting.ContactPointArgs | undefined {
    const cp = settings.grafana.contactPoint;
    const name = `${settings.namePrefix}-${cp.kind}`;
    switch (cp.kind) {
        case "email":
            return { name, emails: [{ addresses: [...cp.addresses], singleEmail: true }] };
        case "webhook":
            return { name, webhooks: [{ url: pulumi.secret(required(url)) }] };
        case "slack":
            return { name, slacks: [{ url: pulumi.secret(required(url)) }] };
        case "none":
            return undefined;
    }
}

function required(url: pulumi.Output<string> | undefined): pulumi.Output<string> {
    // The loader refuses webhook and Slack contact points without a URL; this guards the type.
    if (!url) throw new Error("contact point URL missing");
    return url;
}
