import { SERVICE_PORTS } from "../../settings/defaults";
import { Settings } from "../../settings/types";
import { renderGrafanaStart } from "../grafana/server";
import { dataClaimName } from "./volumes";
import { containerResources, imageParts, kubernetesOf, releaseName, secretsDigestAnnotation } from "./names";

/** The Secret with Grafana's admin user and password (and the SMTP password), made by the program from Pulumi secrets. */
export function grafanaSecretName(settings: Settings): string {
    return `${releaseName(settings, "grafana")}-admin`;
}
export const GRAFANA_SECRET_KEYS = { user: "admin-user", password: "admin-password", smtpPassword: "smtp-password" } as const;

/** Where the start script's ConfigMap is mounted, and the script Grafana's container runs with /bin/sh. */
const START_DIR = "/etc/grafana/start";
export const GRAFANA_START_SCRIPT = `${START_DIR}/start.sh`;
/** The variable the chart sets from `admin.existingSecret` (templates/_pod.tpl, the grafana container's env). */
const ADMIN_PASSWORD_ENV = "GF_SECURITY_ADMIN_PASSWORD";

/**
 * Values of the Grafana chart (grafana-community grafana 12.11.1). Deterministic: the admin credentials come from
 * the program's Secret (`admin.existingSecret`; without it the chart draws `randAlphaNum 40` on every render,
 * templates/_helpers.tpl:131-138) and the PVC is not looked up (`persistence.lookupVolumeName`, templates/pvc.yaml:30).
 * Datasources, dashboards and alerting are not the chart's: GrafanaContent manages them through the API, as on Docker.
 */
export function grafanaValues(settings: Settings, secretsDigest?: string): Record<string, unknown> {
    const k8s = kubernetesOf(settings);
    const smtp = settings.grafana.smtp;
    const startMap = `${releaseName(settings, "grafana")}-start`;
    return {
        image: imageParts(settings.images.grafana),
        admin: { existingSecret: grafanaSecretName(settings), userKey: GRAFANA_SECRET_KEYS.user, passwordKey: GRAFANA_SECRET_KEYS.password },
        // Docker's start script (configs/grafana/server.ts), reading the password from the chart's variable: on a
        // claim that outlived its pod (a redeploy, a restored volume) or after a new grafanaAdminPassword, the admin's
        // password is set to the Secret's before the image's /run.sh starts Grafana, so Pulumi's login holds.
        command: ["/bin/sh", GRAFANA_START_SCRIPT],
        extraConfigmapMounts: [{ name: "start", mountPath: START_DIR, configMap: startMap, readOnly: true }],
        // The chart writes extraObjects through tpl (templates/extra-manifests.yaml): the script has no `{{`.
        extraObjects: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: startMap, namespace: k8s.namespace }, data: { "start.sh": renderGrafanaStart({ env: ADMIN_PASSWORD_ENV }) } }],
        // A changed admin or SMTP password rolls the pod, which reads its variables only when it starts.
        ...secretsDigestAnnotation("podAnnotations", secretsDigest),
        // The program's claim (configs/kubernetes/volumes.ts), kept or protected like Docker's volumes.
        persistence: { enabled: true, existingClaim: dataClaimName(settings, "grafana"), lookupVolumeName: false },
        // One Grafana on its ReadWriteOnce claim and SQLite file: the old pod goes before the new one starts. The chart's
        // RollingUpdate (values.yaml:79-80) starts the new pod first, which on another node never attaches the claim
        // (the rollout, and the up waiting for it, hang) and on the same node opens the database twice.
        deploymentStrategy: { type: "Recreate" },
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
