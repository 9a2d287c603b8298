import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ObservabilityStackArgs } from "../stack";
import { GrafanaContent } from "../grafanaContent";
import { secretDigest } from "../configSeed";
import { alloyValues } from "../../configs/kubernetes/alloy";
import { falcoValues } from "../../configs/kubernetes/falco";
import { GRAFANA_SECRET_KEYS, grafanaSecretName, grafanaValues } from "../../configs/kubernetes/grafana";
import { LOKI_STORAGE_ENV } from "../../configs/loki";
import { lokiStorageSecretName, lokiValues } from "../../configs/kubernetes/loki";
import { clusterUrls, kubernetesOf, releaseName } from "../../configs/kubernetes/names";
import { alertmanagerHasSecrets, SECRET_FILES } from "../../configs/alertmanager";
import { alertmanagerSecretName, prometheusValues } from "../../configs/kubernetes/prometheus";
import { lokiNetworkPolicy } from "../../configs/kubernetes/networkPolicy";
import { dataClaims } from "../../configs/kubernetes/volumes";
import { AlloyRelease, FalcoRelease, GrafanaRelease, LokiRelease, PrometheusRelease } from "./releases";

/**
 * The whole stack on a Kubernetes cluster: a namespace, the Secrets made from Pulumi secrets, the five upstream
 * charts with values rendered from the same settings as the Docker stack, Loki's NetworkPolicy, and the same
 * Grafana content (GrafanaContent, unchanged) pointed at the services' cluster DNS names.
 */
export class KubernetesStack extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly lokiUrl: pulumi.Output<string>;
    readonly prometheusUrl: pulumi.Output<string>;
    readonly grafanaUrl: pulumi.Output<string>;
    readonly grafanaAdminPassword: pulumi.Output<string | undefined>;
    readonly collectorName: pulumi.Output<string>;

    constructor(name: string, args: ObservabilityStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:KubernetesStack", name, {}, opts);
        const { settings, secrets } = args;
        const cluster = kubernetesOf(settings);
        const urls = clusterUrls(settings);

        // enablePatchForce: the program owns its objects. A hand edit (`kubectl set resources`) makes kubectl a field
        // manager; without force, the refreshed preview's server-side dry run conflicts with it instead of showing the
        // drift as an update (pulumi-kubernetes provider/pkg/await/await.go: force only on the annotation or this flag).
        const provider = new k8s.Provider(
            `${name}-kubernetes`,
            { ...(secrets.kubeconfig ? { kubeconfig: secrets.kubeconfig } : {}), ...(cluster.context ? { context: cluster.context } : {}), enablePatchForce: true },
            { parent: this },
        );
        // Components pass the provider to their charts; the program's own objects name it.
        const childOpts: pulumi.ComponentResourceOptions = { parent: this, providers: { kubernetes: provider } };
        const objectOpts: pulumi.CustomResourceOptions = { parent: this, provider };

        // Falco needs privilege and Alloy a host path: the namespace admits them (Pod Security "privileged"); the policy
        // pack (policy/kubernetesRules.ts) allows them to those two only.
        const namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            { metadata: { name: cluster.namespace, labels: { "pod-security.kubernetes.io/enforce": "privileged", "app.kubernetes.io/managed-by": "pulumi" } } },
            objectOpts,
        );
        const ns = namespace.metadata.name;
        const inNamespace = { ...childOpts, dependsOn: [namespace] };
        const objectInNamespace = { ...objectOpts, dependsOn: [namespace] };
        const secret = (logical: string, secretName: string, data: Record<string, pulumi.Input<string>>) =>
            new k8s.core.v1.Secret(`${name}-${logical}`, { metadata: { name: secretName, namespace: ns }, stringData: data }, objectInNamespace);
        // The digest of the secrets a release's pods read, on their pod template (configs/kubernetes/names.ts
        // secretsDigestAnnotation): an HMAC keyed by a random key kept secret in the state, as Docker's config hash
        // (components/configSeed.ts), so the annotation and the preview reveal nothing a guess could be checked against.
        const digestKey = new random.RandomPassword(`${name}-secrets-digest-key`, { length: 64, special: false }, { parent: this }).result;
        const digestOf = (...values: Array<pulumi.Input<string> | undefined>) =>
            pulumi.unsecret(pulumi.all([digestKey, ...values.map((v) => pulumi.output(v ?? ""))]).apply(([key, ...plain]) => secretDigest(JSON.stringify(plain), key)));

        // Grafana's and Prometheus' volumes are the program's claims, kept on destroy (retainVolumes) and refused deletion
        // (protectVolumes) as on Docker; Loki's and Alertmanager's are their StatefulSets' claims, which outlive them.
        const claims = dataClaims(settings);
        const claim = (service: keyof typeof claims) =>
            new k8s.core.v1.PersistentVolumeClaim(`${name}-${service}-data`, claims[service], { ...objectInNamespace, retainOnDelete: settings.retainVolumes, protect: settings.protectVolumes });
        const prometheusData = claim("prometheus");

        const credentials = Boolean(secrets.lokiStorageKey);
        const lokiSecret = credentials
            ? secret("loki-storage", lokiStorageSecretName(settings), {
                  ...(secrets.lokiStorageKeyId ? { [LOKI_STORAGE_ENV.keyId]: secrets.lokiStorageKeyId } : {}),
                  [LOKI_STORAGE_ENV.key]: secrets.lokiStorageKey as pulumi.Output<string>,
              })
            : undefined;
        const lokiDigest: pulumi.Output<string | undefined> = credentials ? digestOf(secrets.lokiStorageKeyId, secrets.lokiStorageKey) : pulumi.output(undefined);
        const loki = new LokiRelease(`${name}-loki`, { settings, namespace: ns, values: lokiDigest.apply((d) => lokiValues(settings, credentials, d)) }, { ...inNamespace, dependsOn: [namespace, ...(lokiSecret ? [lokiSecret] : [])] });
        new k8s.networking.v1.NetworkPolicy(`${name}-loki-ingress`, lokiNetworkPolicy(settings), objectInNamespace);

        const amSecret = alertmanagerHasSecrets(settings)
            ? secret("alertmanager-secrets", alertmanagerSecretName(settings), {
                  ...(secrets.contactPointUrl ? { [SECRET_FILES.contactPointUrl]: secrets.contactPointUrl } : {}),
                  ...(secrets.smtpPassword ? { [SECRET_FILES.smtpPassword]: secrets.smtpPassword } : {}),
              })
            : undefined;
        const amDigest: pulumi.Output<string | undefined> = amSecret ? digestOf(secrets.contactPointUrl, secrets.smtpPassword) : pulumi.output(undefined);
        const prometheus = new PrometheusRelease(`${name}-prometheus`, { settings, namespace: ns, values: amDigest.apply((d) => prometheusValues(settings, d)) }, { ...inNamespace, dependsOn: [prometheusData, ...(amSecret ? [amSecret] : [])] });
        const alloy = new AlloyRelease(`${name}-alloy`, { settings, namespace: ns, values: alloyValues(settings) }, { ...inNamespace, dependsOn: [loki] });
        if (settings.falco.enabled) {
            // After the collector, so Falco's first events are shipped.
            new FalcoRelease(`${name}-falco`, { settings, namespace: ns, values: falcoValues(settings) }, { ...inNamespace, dependsOn: [alloy] });
        }

        let adminPassword: pulumi.Output<string> | undefined;
        if (!settings.grafana.externalUrl) {
            adminPassword = secrets.grafanaAdminPassword ?? new random.RandomPassword(`${name}-grafana-admin-password`, { length: 24, special: false }, { parent: this }).result;
            const grafanaSecret = secret("grafana-admin", grafanaSecretName(settings), {
                [GRAFANA_SECRET_KEYS.user]: settings.grafana.adminUser,
                [GRAFANA_SECRET_KEYS.password]: adminPassword,
                ...(secrets.smtpPassword ? { [GRAFANA_SECRET_KEYS.smtpPassword]: secrets.smtpPassword } : {}),
            });
            const grafanaDigest = digestOf(adminPassword, secrets.smtpPassword);
            const grafana = new GrafanaRelease(`${name}-grafana`, { settings, namespace: ns, values: grafanaDigest.apply((d) => grafanaValues(settings, d)) }, { ...inNamespace, dependsOn: [grafanaSecret, claim("grafana"), loki, prometheus] });
            new GrafanaContent(
                `${name}-content`,
                {
                    settings,
                    url: cluster.grafanaUrl,
                    auth: pulumi.secret(pulumi.interpolate`${settings.grafana.adminUser}:${adminPassword}`),
                    lokiUrl: urls.loki,
                    prometheusUrl: urls.prometheus,
                    alertmanagerUrl: urls.alertmanager,
                    contactPointUrl: secrets.contactPointUrl,
                    // helm.v4.Chart waits for each object to be ready (a Deployment's rollout): Grafana's API answers then.
                    readyAfter: [grafana.chart],
                },
                { parent: this },
            );
        } else {
            new GrafanaContent(
                `${name}-content`,
                {
                    settings,
                    url: settings.grafana.externalUrl,
                    auth: secrets.grafanaAuth as pulumi.Output<string>,
                    lokiUrl: settings.grafana.lokiUrl as string,
                    prometheusUrl: settings.grafana.prometheusUrl as string,
                    contactPointUrl: secrets.contactPointUrl,
                },
                { parent: this },
            );
        }

        this.namespace = ns;
        this.lokiUrl = pulumi.output(urls.loki);
        this.prometheusUrl = pulumi.output(urls.prometheus);
        this.grafanaUrl = pulumi.output(cluster.grafanaUrl);
        this.grafanaAdminPassword = pulumi.secret(adminPassword ?? pulumi.output<string | undefined>(undefined));
        this.collectorName = pulumi.output(releaseName(settings, "alloy"));
        this.registerOutputs({
            namespace: this.namespace,
            lokiUrl: this.lokiUrl,
            prometheusUrl: this.prometheusUrl,
            grafanaUrl: this.grafanaUrl,
            grafanaAdminPassword: this.grafanaAdminPassword,
            collectorName: this.collectorName,
        });
    }
}
