import { Settings } from "../../settings/types";
import { IMAGE_FACTS } from "../../settings/imageFacts";
import { CONFIG_DIR } from "../paths";

/** The image's own entrypoint, which the start script hands over to. */
const IMAGE_ENTRYPOINT = (IMAGE_FACTS.grafana.entrypoint ?? ["/run.sh"]).join(" ");

const ADMIN_PASSWORD_FILE = `${CONFIG_DIR}/admin_password`;
const SMTP_PASSWORD_FILE = `${CONFIG_DIR}/smtp_password`;
export const START_SCRIPT = `${CONFIG_DIR}/start.sh`;

/** Where the start script reads the admin password: Docker's 0400 file, or the chart's environment variable (Kubernetes). */
export type AdminPasswordSource = { readonly file: string } | { readonly env: string };

/**
 * The Grafana container's entrypoint script. Grafana applies GF_SECURITY_ADMIN_PASSWORD(__FILE) only when it
 * creates its database (conf/defaults.ini, [security] admin_password: "default admin password, can be changed
 * before first start"). On every later start (a redeploy on a retained volume, a new grafanaAdminPassword) the
 * admin's password is set to the secret's value with Grafana's own CLI
 * (pkg/cmd/grafana-cli/commands/reset_password_command.go: user id 1, --password-from-stdin) before the image's
 * /run.sh (packaging/docker/run.sh) starts the server, so the password Pulumi holds is always the valid one.
 * From an environment variable, `printf` is the shell's builtin: the password is on no process's command line.
 */
export function renderGrafanaStart(source: AdminPasswordSource = { file: ADMIN_PASSWORD_FILE }): string {
    const cli = 'grafana cli --homepath "$GF_PATHS_HOME" --config "$GF_PATHS_CONFIG" --configOverrides "cfg:default.paths.data=$GF_PATHS_DATA" \\';
    const reset = "admin reset-admin-password --password-from-stdin";
    return [
        "#!/bin/sh",
        "# Rendered by the observability stack (configs/grafana/server.ts): keeps the admin password equal to the Pulumi secret.",
        'if [ -s "$GF_PATHS_DATA/grafana.db" ]; then',
        ...("file" in source
            ? [`    ${cli}`, `        ${reset} < ${source.file} \\`]
            : [`    printf '%s' "$${source.env}" | ${cli}`, `        ${reset} \\`]),
        '        || echo "observability: resetting the admin password failed; the one in the database stays" >&2',
        "fi",
        `exec ${IMAGE_ENTRYPOINT} "$@"`,
        "",
    ].join("\n");
}

/** Grafana's settings as environment variables (GF_<SECTION>_<KEY>); secrets only through __FILE variables. */
export function grafanaEnvironment(settings: Settings): string[] {
    const smtp = settings.grafana.smtp;
    return [
        `GF_SECURITY_ADMIN_USER=${settings.grafana.adminUser}`,
        `GF_SECURITY_ADMIN_PASSWORD__FILE=${ADMIN_PASSWORD_FILE}`,
        "GF_AUTH_ANONYMOUS_ENABLED=false",
        "GF_USERS_ALLOW_SIGN_UP=false",
        "GF_AUTH_DISABLE_LOGIN_FORM=false",
        "GF_ANALYTICS_REPORTING_ENABLED=false",
        "GF_ANALYTICS_CHECK_FOR_UPDATES=false",
        "GF_LOG_MODE=console",
        ...(smtp
            ? [
                  "GF_SMTP_ENABLED=true",
                  `GF_SMTP_HOST=${smtp.host}`,
                  `GF_SMTP_FROM_ADDRESS=${smtp.from}`,
                  `GF_SMTP_FROM_NAME=Observability (${settings.environment})`,
                  ...(smtp.user ? [`GF_SMTP_USER=${smtp.user}`, `GF_SMTP_PASSWORD__FILE=${SMTP_PASSWORD_FILE}`] : []),
              ]
            : []),
    ];
}
