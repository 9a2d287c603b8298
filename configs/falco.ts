import { SERVICE_PORTS } from "../settings/defaults";
import { Settings } from "../settings/types";
import { containerName } from "./labels";
import { CONFIG_DIR } from "./paths";
import { COLLECTOR_READY_PATH, SOCKET_PROXY_SERVICE } from "./collection";
import { toYaml } from "./yaml";
import { START_SCRIPT } from "./grafana/server";
import { GRAFANA_START_SCRIPT } from "./kubernetes/grafana";

/** Where the host's Docker socket is mounted inside the Falco container (Falco's documented layout). */
export const FALCO_DOCKER_SOCKET = "/host/var/run/docker.sock";
/**
 * The socket as the container plugin is told it: the plugin prefixes every configured socket with
 * $HOST_ROOT, which the image sets to /host (falcosecurity/plugins plugins/container/go-worker/pkg/container/
 * engine.go: `filepath.Join(config.GetHostRoot(), socket)`; falcosecurity/falco 0.44.1 docker/falco/Dockerfile:
 * `ENV HOST_ROOT=/host`). Configuring the mounted path would make it look up /host/host/var/run/docker.sock.
 */
export const FALCO_PLUGIN_DOCKER_SOCKET = "/var/run/docker.sock";
export const FALCO_RULES_FILE = "stack_rules.yaml";

/**
 * Falco's configuration: modern eBPF, JSON events on stdout, health and metrics on the web server. The file
 * replaces Falco's own falco.yaml, so a key left out takes the default compiled into Falco (falcosecurity/falco
 * 0.44.1 userspace/falco/configuration.cpp): only what differs from those defaults, or what the stack refers to,
 * is set here.
 */
export function falcoConfig() {
    return {
        engine: { kind: "modern_ebpf" },
        rules_files: ["/etc/falco/falco_rules.yaml", `${CONFIG_DIR}/${FALCO_RULES_FILE}`],
        // The container plugin supplies container.name and friends to rules and outputs.
        load_plugins: ["container"],
        plugins: [
            {
                name: "container",
                library_path: "libcontainer.so",
                init_config: { engines: { docker: { enabled: true, sockets: [FALCO_PLUGIN_DOCKER_SOCKET] } } },
            },
        ],
        // Default "debug": informational rules would bury the events that matter.
        priority: "notice",
        json_output: true,
        // Falco's own log into the container's log (default: syslog, which the container does not have).
        log_stderr: true,
        log_syslog: false,
        // Events only on stdout, which the collector ships; every other output stays off (their default).
        stdout_output: { enabled: true },
        webserver: {
            enabled: true,
            listen_port: SERVICE_PORTS.falcoWeb,
            k8s_healthz_endpoint: "/healthz",
            prometheus_metrics_enabled: true,
        },
        metrics: { enabled: true, interval: "1m" },
    };
}

export function renderFalcoConfig(): string {
    return toYaml(falcoConfig());
}

type FalcoItem =
    | { list: string; items: string[] }
    | { rule: string; desc: string; condition: string; output: string; priority: string; tags: string[] };

/** Rules for this stack, on top of Falco's default rules (whose macros they use). */
export function falcoRules(settings: Settings): FalcoItem[] {
    if (settings.platform === "kubernetes") return falcoKubernetesRules(settings);
    const name = (service: string) => containerName(settings.namePrefix, service);
    // Every long-running container of the stack: the configured collector and Alloy (beside Promtail for metrics),
    // the socket proxy, Alertmanager, and Grafana only when the stack runs it.
    const stackServices = ["loki", ...new Set([settings.collector, "alloy"]), SOCKET_PROXY_SERVICE, "prometheus", "alertmanager", ...(settings.grafana.externalUrl ? [] : ["grafana"]), "falco"];
    return [
        { list: "obs_stack_containers", items: stackServices.map(name) },
        // Only these read the Docker socket by design (the collector reaches it through the proxy).
        { list: "obs_docker_socket_readers", items: [name(SOCKET_PROXY_SERVICE), name("falco")] },
        {
            rule: "Shell in observability stack container",
            desc: "A shell was started inside one of the stack's own containers; none of them runs one in normal operation.",
            // Two kinds of shell are the stack's own. The collectors' healthchecks (Alloy's too, beside Promtail): bash
            // requesting the readiness endpoint. Grafana's
            // entrypoint, `/bin/sh /config/start.sh` (components/grafana.ts), as the container's first process: proc.vpid
            // is the pid in the container's namespace, 1 only for the process the engine started, never for a
            // `docker exec`; proc.cmdline is proc.name and its arguments (falcosecurity/libs 0.25.4,
            // userspace/libsinsp/sinsp_filtercheck_thread.cpp). Its `exec /run.sh` is not a shell: the kernel names a
            // script's process after the script (comm "run.sh"), and run.sh execs `grafana server`.
            condition:
                "spawned_process and container and container.name in (obs_stack_containers) and proc.name in (shell_binaries)" +
                [...new Set([settings.collector, "alloy" as const])]
                    .map((c) => ` and not (container.name = ${name(c)} and proc.cmdline contains "GET ${COLLECTOR_READY_PATH[c]} ")`)
                    .join("") +
                (settings.grafana.externalUrl ? "" : ` and not (container.name = ${name("grafana")} and proc.vpid = 1 and proc.cmdline = "sh ${START_SCRIPT}")`),
            output: "Shell spawned in stack container (container=%container.name user=%user.name cmdline=%proc.cmdline parent=%proc.pname)",
            priority: "WARNING",
            tags: ["observability_stack", "container", "shell", "mitre_execution"],
        },
        {
            rule: "Write below etc in container",
            desc: "A file below /etc was opened for writing inside a container.",
            condition: "open_write and container and fd.name startswith /etc/",
            output: "File below /etc opened for writing in a container (container=%container.name file=%fd.name user=%user.name cmdline=%proc.cmdline)",
            priority: "ERROR",
            tags: ["observability_stack", "container", "filesystem", "mitre_persistence"],
        },
        {
            rule: "Docker socket used by unexpected container",
            desc: "A container other than the Docker API proxy and Falco connected to the Docker socket, which gives control of the host.",
            condition:
                "evt.type = connect and fd.typechar = u and fd.name endswith docker.sock and container and not container.name in (obs_docker_socket_readers)",
            output: "Docker socket used from a container (container=%container.name image=%container.image.repository cmdline=%proc.cmdline)",
            priority: "CRITICAL",
            tags: ["observability_stack", "container", "mitre_privilege_escalation"],
        },
    ];
}

/**
 * The same rules on Kubernetes, where the container plugin (0.7.1, in the image; README "k8s.*" fields from the CRI
 * pod sandbox) names pods: the stack's pods are its namespace's pods of its releases (`<prefix>-<chart>`). No
 * healthcheck runs a shell there (the charts' probes are HTTP). Grafana's entrypoint is the start script run by
 * /bin/sh (configs/kubernetes/grafana.ts), excused as on Docker: its container's first process (proc.vpid 1, never a
 * `kubectl exec`), that exact command line, in the stack's Grafana release. The runtime sockets: only Falco's own
 * container plugin reads them.
 */
function falcoKubernetesRules(settings: Settings): FalcoItem[] {
    const ns = settings.kubernetes?.namespace;
    const release = "k8s.pod.label[app.kubernetes.io/instance]";
    const ours = `k8s.ns.name = "${ns}" and ${release} startswith "${settings.namePrefix}-"`;
    const where = "container=%container.name pod=%k8s.pod.name ns=%k8s.ns.name";
    return [
        {
            rule: "Shell in observability stack container",
            desc: "A shell was started inside one of the stack's own pods; none of them runs one in normal operation.",
            condition:
                `spawned_process and container and ${ours} and proc.name in (shell_binaries)` +
                (settings.grafana.externalUrl ? "" : ` and not (${release} = "${settings.namePrefix}-grafana" and proc.vpid = 1 and proc.cmdline = "sh ${GRAFANA_START_SCRIPT}")`),
            output: `Shell spawned in stack container (${where} user=%user.name cmdline=%proc.cmdline parent=%proc.pname)`,
            priority: "WARNING",
            tags: ["observability_stack", "container", "shell", "mitre_execution"],
        },
        {
            rule: "Write below etc in container",
            desc: "A file below /etc was opened for writing inside a container.",
            condition: "open_write and container and fd.name startswith /etc/",
            output: `File below /etc opened for writing in a container (${where} file=%fd.name user=%user.name cmdline=%proc.cmdline)`,
            priority: "ERROR",
            tags: ["observability_stack", "container", "filesystem", "mitre_persistence"],
        },
        {
            rule: "Container runtime socket used by unexpected container",
            desc: "A container other than Falco connected to the container runtime's socket, which gives control of the node.",
            condition:
                "evt.type = connect and fd.typechar = u and (fd.name endswith containerd.sock or fd.name endswith docker.sock or fd.name endswith crio.sock) and container" +
                ` and not (k8s.ns.name = "${ns}" and ${release} = "${settings.namePrefix}-falco")`,
            output: `Container runtime socket used from a container (${where} image=%container.image.repository cmdline=%proc.cmdline)`,
            priority: "CRITICAL",
            tags: ["observability_stack", "container", "mitre_privilege_escalation"],
        },
    ];
}

export function renderFalcoRules(settings: Settings): string {
    return toYaml(falcoRules(settings));
}
