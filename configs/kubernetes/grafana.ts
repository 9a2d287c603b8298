import { SERVICE_PORTS } from "../../settings/defaults";
import { Settings } from "../../settings/types";
import { dataClaimName } from "./volumes";
import { containerResources, imageParts, kubernetesOf, releaseName } from "./names";

/** The Secret with Grafana's admin user and password (and the SMTP password), made by the program from Pulumi secrets. */
export function grafanaSecretName(settings: Settings): string {
    return `${releaseName(settings, "grafana")}-admin`;
}
export const GRAFANA_SECRET_KEYS = { user: "admin-user", password: "admin-password", smtpPassword: "smtp-password" } as const;

/**
 * Values of the Grafana chart (grafana-community grafana 12.11.1). Deterministic: the admin credentials come from
 * the program's Secret (`admin.existingSecret`; without it the chart draws `randAlphaNum 40` on every render,
 * templates/_helpers.tpl:131-138) and the PVC is not looked up (`persistence.lookupVolumeName`, templates/pvc.yaml:30).
 * Datasources, dashboards and alerting are not the chart's: GrafanaContent manages them through the API, as on Docker.
 */
export function grafanaValues(settings: Settings): Record<string, unknown> {
    const k8s = kubernetesOf(settings);
    const smtp = settings.grafana.smtp;
    return {
        image: imageParts(settings.images.grafana),
        admin: { existingSecret: grafanaSecretName(settings), userKey: GRAFANA_SECRET_KEYS.user, passwordKey: GRAFANA_SECRET_KEYS.password },
        // The program's claim (configs/kubernetes/volumes.ts), kept or protected like Docker's volumes.
        persistence: { enabled: true, existingClaim: dataClaimName(settings, "grafana"), lookupVolumeName: false },
        // The chart chowns the volume with a root init container (initChownData) unless told not to; the volume is
        // mounted with fsGroup 472 (the chart's securityContext), which makes it Grafana's already.
        initChownData: { enabled: false },
        resources: containerResources(settings.resources.grafana),
        service: {
            type: k8s.grafanaNodePort ? "NodePort" : "ClusterIP",
            port: SERVICE_PORTS.grafana,
            ...(k8s.grafanaNodePort ? { nodePort: k8s.grafanaNodePort } : {}),
        },
        ...(k8s.ingress
            ? { ingress: { enabled: true, hosts: [k8s.ingress.host], ...(k8s.ingress.className ? { ingressClassName: k8s.ingress.className } : {}) } }
            : {}),
        testFramework: { enabled: false },
        "grafana.ini": {
            analytics: { reporting_enabled: false, check_for_updates: false },
            "auth.anonymous": { enabled: false },
            users: { allow_sign_up: false },
            log: { mode: "console" },
            ...(smtp
                ? { smtp: { enabled: true, host: smtp.host, from_address: smtp.from, from_name: `Observability (${settings.environment})`, ...(smtp.user ? { user: smtp.user } : {}) } }
                : {}),
        },
        // The SMTP password as an environment variable from the Secret: never in grafana.ini, whose ConfigMap anyone
        // reading the namespace sees (the chart's assertNoLeakedSecrets refuses it there).
        ...(smtp?.user
            ? { envValueFrom: { GF_SMTP_PASSWORD: { secretKeyRef: { name: grafanaSecretName(settings), key: GRAFANA_SECRET_KEYS.smtpPassword } } } }
            : {}),
    };
}
