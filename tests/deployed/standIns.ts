/**
 * The images of the as-deployed tier. No image can be pulled here, so each is a busybox stand-in built from
 * IMAGE_FACTS (the upstream image's user, owned directories, environment), carrying the real program wherever
 * this machine has one, at the path the upstream image has it. How each differs from the real image, in one place:
 *
 * | service      | runs                                                    | differs from the real image                                   |
 * |--------------|---------------------------------------------------------|---------------------------------------------------------------|
 * | loki         | the real Loki 3.7.6 (../shared/tools), /usr/bin/loki    | the pinned release; busybox beside it                         |
 * | promtail     | the real Promtail 3.6.15, /usr/bin/promtail; real bash  | 3.6.15 for the pinned 3.6.11; Debian's bash for Ubuntu's      |
 * | socketProxy  | Debian's HAProxy 2.6 with its libraries, through the    | HAProxy 2.6.12 for the pinned 3.2.21 (the file is written to  |
 * |              | image's own docker-entrypoint.sh (haproxy 3.2 alpine)   | what both accept; e2e.yml runs 3.2's `haproxy -c` on it)      |
 * | prometheus   | Debian's Prometheus 2.42, /bin/prometheus               | 2.42 for the pinned v3.14.0                                   |
 * | alertmanager | Debian's Alertmanager 0.25, /bin/alertmanager, with     | 0.25 for the pinned v0.30.1 (which embeds its template)       |
 * |              | the templates where Debian's build reads them           |                                                               |
 * | grafana      | its /run.sh serves /metrics with busybox httpd          | no Grafana: proven in e2e.yml                                 |
 * | falco        | prints two JSON events, serves /metrics (busybox httpd)  | no Falco: proven in e2e.yml                                   |
 * | demoPostgres | prints PostgreSQL log lines                             | no PostgreSQL                                                 |
 * | demoExporter | serves /metrics with busybox httpd                      | no exporter                                                   |
 * | alloy        | beside Promtail (the tier runs every stack with it):    | no Alloy: its exporters and its discovery through the proxy   |
 * |              | its exporters' paths served by busybox httpd; real bash | are proven in e2e.yml                                         |
 *
 * Every stand-in also has busybox (sh, wget, nc...), which the tests use to probe from a container's place on
 * the network; the program never calls it where the real image lacks it, except the healthchecks that the
 * real images serve with their own tools (wget in Alpine and busybox images; bash in Ubuntu's).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import Docker from "dockerode";
import { SERVICE_PORTS } from "../../settings/defaults";
import { Service } from "../../settings/types";
import { StandInFile, buildStandIns } from "../engine/docker";
import { binary } from "../real/binaries";
import { falcoEntries } from "../real/appLogs";
import { CONTAINER_EXPORTER, HOST_EXPORTER } from "../../configs/alloy/config";
import { COLLECTOR_READY_PATH } from "../../configs/collection";

/** A dynamically linked binary with every library it loads, at the paths the loader looks for them. */
export function withLibraries(bin: string, at: string): StandInFile[] {
    const ldd = execFileSync("ldd", [bin]).toString();
    const libraries = [...ldd.matchAll(/(\/\S+\.so[.\d]*)/g)].map((m) => m[1]);
    return [
        { path: at, content: fs.readFileSync(bin), mode: 0o755 },
        ...[...new Set(libraries)].map((lib) => ({ path: lib, content: fs.readFileSync(fs.realpathSync(lib)), mode: 0o755 })),
    ];
}

/** Debian's Alertmanager reads its notification templates from here; upstream's binary embeds them. */
const DEBIAN_ALERTMANAGER_TEMPLATES = ["default.tmpl", "email.tmpl"].map((t) => `/usr/share/prometheus/alertmanager/${t}`);

/** docker-library/haproxy 3.2/alpine/docker-entrypoint.sh, as published (the image's ENTRYPOINT). */
const HAPROXY_ENTRYPOINT = `#!/bin/sh
set -e

# first arg is \`-f\` or \`--some-option\`
if [ "\${1#-}" != "$1" ]; then
	set -- haproxy "$@"
fi

if [ "$1" = 'haproxy' ]; then
	shift # "haproxy"
	# if the user wants "haproxy", let's add a couple useful flags
	#   -W  -- "master-worker mode" (similar to the old "haproxy-systemd-wrapper"; allows for reload via "SIGUSR2")
	#   -db -- disables background mode
	set -- haproxy -W -db "$@"
fi

exec "$@"
`;

const METRICS = (service: string) => ({ path: "/www/metrics", content: `# a stand-in's metrics\nstand_in_up{service="${service}"} 1\n`, mode: 0o444 });
const serve = (port: number) => `exec httpd -f -p ${port} -h /www`;
const script = (path: string, body: string): StandInFile => ({ path, content: `#!/bin/sh\n${body}\n`, mode: 0o755 });

/** The lines the Falco stand-in prints at start: a Notice and a Warning, as Falco's json_output writes them. */
export const FALCO_LINES = [...falcoEntries("quiet"), ...falcoEntries("trigger")].map((e) => e.join("\n"));
/** The lines the demo PostgreSQL stand-in prints at start. */
export const DEMO_POSTGRES_LINES = ["2026-01-01 00:00:00.000 UTC [1] LOG:  database system is ready to accept connections", "2026-01-01 00:00:01.000 UTC [7] LOG:  statement: SELECT 1"];

export async function buildDeployedImages(docker: Docker): Promise<Record<Service, string>> {
    const haproxy = execFileSync("sh", ["-c", "command -v haproxy"]).toString().trim();
    const bash = execFileSync("sh", ["-c", "command -v bash"]).toString().trim();
    return buildStandIns(
        docker,
        {
            loki: { binary: binary("loki"), path: "/usr/bin/loki" },
            promtail: { binary: binary("promtail"), path: "/usr/bin/promtail" },
        },
        {
            promtail: withLibraries(bash, "/bin/bash"),
            socketProxy: [...withLibraries(haproxy, "/usr/local/sbin/haproxy"), { path: "/usr/local/bin/docker-entrypoint.sh", content: HAPROXY_ENTRYPOINT, mode: 0o755 }],
            prometheus: withLibraries(binary("prometheus"), "/bin/prometheus"),
            alertmanager: [...withLibraries(binary("alertmanager"), "/bin/alertmanager"), ...DEBIAN_ALERTMANAGER_TEMPLATES.map((t) => ({ path: t, content: fs.readFileSync(t), mode: 0o444 }))],
            grafana: [METRICS("grafana"), script("/run.sh", serve(SERVICE_PORTS.grafana))],
            // The paths Prometheus scrapes and the healthcheck asks (configs/scrapeTargets.ts, COLLECTOR_READY_PATH).
            alloy: [
                ...withLibraries(bash, "/bin/bash"),
                ...[HOST_EXPORTER, CONTAINER_EXPORTER].map((id) => ({ ...METRICS(id), path: `/www/api/v0/component/${id}/metrics` })),
                { path: `/www${COLLECTOR_READY_PATH.alloy}`, content: "Alloy is ready.\n", mode: 0o444 },
                script("/bin/alloy", serve(SERVICE_PORTS.alloy)),
            ],
            falco: [METRICS("falco"), { path: "/events.log", content: FALCO_LINES.join("\n") + "\n", mode: 0o444 }, script("/stand-in.sh", `cat /events.log\n${serve(SERVICE_PORTS.falcoWeb)}`)],
            demoPostgres: [{ path: "/lines.log", content: DEMO_POSTGRES_LINES.join("\n") + "\n", mode: 0o444 }, script("/stand-in.sh", "cat /lines.log\nexec sleep 3600")],
            demoExporter: [METRICS("demo-exporter"), script("/stand-in.sh", serve(SERVICE_PORTS.demoExporter))],
        },
        {
            socketProxy: ["docker-entrypoint.sh"],
            prometheus: ["/bin/prometheus"],
            alertmanager: ["/bin/alertmanager"],
            alloy: ["/bin/alloy"],
            falco: ["/stand-in.sh"],
            demoPostgres: ["/stand-in.sh"],
            demoExporter: ["/stand-in.sh"],
        },
    );
}
