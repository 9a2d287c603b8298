import { posix } from "path";
import { LABELS } from "../configs/labels";
import { DOCKER_SOCKET } from "../configs/collection";
import { isPinnedImage } from "../settings/images";
import { DOCKER_API_ALLOW_LIST } from "../configs/dockerApi";
import { SOCKET_PROXY_CONFIG } from "../configs/socketProxy";
import { CONFIG_DIR } from "../configs/paths";
import { StackView } from "./stackView";

/** A resource as a policy sees it: type token, URN and plain (unwrapped) inputs. */
export interface PolicyResource {
    readonly type: string;
    readonly urn: string;
    readonly props: Record<string, any>;
    /** The resource's `protect` option (the policy SDK passes it; retainOnDelete it does not). */
    readonly protect?: boolean;
    /** URNs of the resources each input comes from (the engine's property dependencies; stack-wide rules only). */
    readonly dependencies?: Record<string, string[]>;
}

export interface Rule {
    readonly name: string;
    readonly description: string;
    /**
     * Whether the rule looks beyond the resource (the image it runs, its networks, its seeds): the pack then runs it
     * on the whole stack, where the engine gives every resource and its property dependencies.
     */
    readonly stackWide?: boolean;
    /** Violation messages for one resource, seen in its stack; empty when it complies. */
    readonly check: (r: PolicyResource, stack: StackView) => string[];
}

const CONTAINER = "docker:index/container:Container";
const IMAGE = "docker:index/remoteImage:RemoteImage";
const VOLUME = "docker:index/volume:Volume";
/** The images that may read the Docker socket, by repository: the API proxy, and Falco for container metadata. */
const PROXY_IMAGE = "haproxy";
const WATCHER_IMAGE = "falco";
const ROOT = /^(0|root)(:.*)?$/;
/** The one rule shape that lets a request through the proxy (configs/socketProxy.ts), and the catch-all refusal. */
const PROXY_ALLOW = /^http-request set-var\(txn\.allowed\) bool\(true\) if \{ method ([A-Z ]+) \} \{ path -m reg '([^']+)' \}$/;
const PROXY_DENY = "http-request deny deny_status 403 unless { var(txn.allowed) -m bool }";
/** Directives that let a request through some other way, or pass raw TCP. */
const PROXY_BYPASS = /^(http-request (allow|return|redirect)|tcp-request|mode tcp|use-server|http-request set-(path|uri|method))\b/;

/** What is wrong with a socket proxy's haproxy.cfg: a request outside the reviewed allow-list, or no refusal of the rest. */
export function proxyConfigProblems(cfg: string): string[] {
    const lines = cfg.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
    const out: string[] = [];
    for (const line of lines) {
        const allow = PROXY_ALLOW.exec(line);
        if (allow) {
            const [methods, path] = [allow[1].split(" "), allow[2]];
            const reviewed = DOCKER_API_ALLOW_LIST.find((r) => r.path === path);
            const extra = methods.filter((m) => !reviewed?.methods.includes(m as "GET"));
            if (!reviewed) out.push(`the socket proxy allows ${path}, which is not on the reviewed allow-list`);
            else if (extra.length > 0) out.push(`the socket proxy allows ${extra.join(" ")} on ${path}`);
        } else if (line.startsWith("http-request set-var(txn.allowed)")) {
            out.push(`the socket proxy allows requests by an unreviewed rule: ${line}`);
        } else if (PROXY_BYPASS.test(line)) {
            out.push(`the socket proxy lets requests through outside the allow-list: ${line}`);
        }
    }
    if (!lines.includes(PROXY_DENY)) out.push("the socket proxy does not refuse requests outside the allow-list");
    return out;
}
const ALL_INTERFACES = ["", "0.0.0.0", "::"];
/** The engine's socket under both its names (/var/run is a link to /run on current distributions). */
const SOCKET_PATHS = [DOCKER_SOCKET, "/run/docker.sock"];
/**
 * The host paths the stack reads, each for one reason: the Docker socket (the API proxy; Falco's container plugin),
 * the host's processes and its user and group names (Falco), the kernel's tracing (Falco), the cgroup tree
 * (Alloy's container metrics). Anything else of the host (`/`, `/etc`, `/root`, `/var/lib/docker` but the layer IDs
 * below) stays out.
 */
const HOST_PATHS = [...SOCKET_PATHS, "/proc", "/etc/passwd", "/etc/group", "/sys/kernel/tracing", "/sys/fs/cgroup"];
/** Each container's layer ID below the engine's root (cAdvisor: configs/alloy/config.ts layerIdsDir), and nothing else there. */
const LAYER_IDS = /^\/.+\/image\/[a-z0-9-]+\/layerdb\/mounts$/;
/** The only capabilities a container may add back, and only one that watches the host's processes (Falco's eBPF). */
const WATCHER_CAPABILITIES = ["SYS_ADMIN", "SYS_PTRACE", "SYS_RESOURCE"];

function labelOf(r: PolicyResource, key: string): string | undefined {
    return (r.props.labels ?? []).find((l: { label: string }) => l.label === key)?.value;
}

/** The stack name in a URN: urn:pulumi:<stack>::<project>::... */
export function stackOf(urn: string): string {
    return urn.split(":")[2] ?? "";
}

/** How a violation names a container: its name on the engine (the label it declares is not evidence). */
function nameOf(r: PolicyResource): string {
    return String(r.props.name ?? r.urn.split("::").pop());
}

/** Every host path a container mounts, both ways the provider takes one, written the way the engine resolves it. */
const hostMounts = (r: PolicyResource): Array<{ source: string; readOnly?: boolean }> =>
    [
        ...(r.props.mounts ?? []).filter((m: any) => m.type === "bind"),
        ...(r.props.volumes ?? []).filter((v: any) => v.hostPath).map((v: any) => ({ source: v.hostPath, readOnly: v.readOnly })),
    ].map((m) => ({ source: posix.normalize(String(m.source)).replace(/(.)\/+$/, "$1"), readOnly: m.readOnly }));
const readsSocket = (r: PolicyResource) => hostMounts(r).some((m) => SOCKET_PATHS.includes(m.source));
/** A container that watches the host's processes: the host's /proc is mounted into it. */
const watchesHost = (r: PolicyResource) => hostMounts(r).some((m) => m.source === "/proc");
/** Falco: the Falco image, watching the host's processes. */
const isWatcher = (r: PolicyResource, stack: StackView) => stack.runs(r) === WATCHER_IMAGE && watchesHost(r);
/** The Docker API proxy: the HAProxy image, on internal networks only (no route out), publishing no port. */
function isProxy(r: PolicyResource, stack: StackView): boolean {
    const networks: Array<{ name: string }> = r.props.networksAdvanced ?? [];
    return stack.runs(r) === PROXY_IMAGE && networks.length > 0 && networks.every((n) => stack.isInternal(n.name)) && (r.props.ports ?? []).length === 0;
}

const containers = (check: (r: PolicyResource, name: string, stack: StackView) => string[]) => (r: PolicyResource, stack: StackView) =>
    r.type === CONTAINER ? check(r, nameOf(r), stack) : [];

/** Containers that run: a never-started configuration seed (start: false) has nothing to check or restart. */
const running = (check: (r: PolicyResource, name: string, stack: StackView) => string[]) =>
    containers((r, c, stack) => (r.props.start === false ? [] : check(r, c, stack)));

export const RULES: Rule[] = [
    {
        name: "images-pinned",
        description: "Images are pinned to an exact version or digest (no latest, no floating tag); containers run an image ID.",
        check: (r) => {
            if (r.type === IMAGE) return isPinnedImage(r.props.name ?? "") ? [] : [`image ${r.props.name} is not pinned to an exact version or digest`];
            if (r.type === CONTAINER && !/^sha256:[0-9a-f]{64}$/.test(r.props.image ?? "") && !isPinnedImage(r.props.image ?? "")) {
                return [`container ${nameOf(r)} runs ${r.props.image}, neither an image ID nor a pinned reference`];
            }
            return [];
        },
    },
    {
        name: "memory-limit",
        description: "Every container has a memory limit.",
        check: containers((r, c) => (r.props.memory > 0 ? [] : [`container ${c} has no memory limit`])),
    },
    {
        name: "no-privileged",
        description: "No privileged container, except Falco (its image, watching the host's processes) when its settings ask for it.",
        stackWide: true,
        check: containers((r, c, stack) => (r.props.privileged && !isWatcher(r, stack) ? [`container ${c} is privileged`] : [])),
    },
    {
        name: "docker-socket",
        description:
            "The Docker socket is mounted read-only, and only into the API proxy (the HAProxy image, on internal networks only, no published port) and Falco (its image, watching the host's processes).",
        stackWide: true,
        check: containers((r, c, stack) => {
            const socket = hostMounts(r).filter((m) => SOCKET_PATHS.includes(m.source));
            const out: string[] = [];
            if (socket.length > 0 && !isProxy(r, stack) && !isWatcher(r, stack)) out.push(`container ${c} (${stack.imageOf(r)}) mounts the Docker socket`);
            if (socket.some((m) => m.readOnly !== true)) out.push(`container ${c} mounts the Docker socket read-write`);
            return out;
        }),
    },
    {
        name: "host-mounts",
        description: "Host paths are mounted read-only, and only those the stack reads (the Docker socket, /proc, /etc/passwd and /etc/group, tracing, cgroups, the containers' layer IDs).",
        check: containers((r, c) =>
            hostMounts(r).flatMap((m) => [
                ...(HOST_PATHS.includes(m.source) || LAYER_IDS.test(m.source) ? [] : [`container ${c} mounts the host's ${m.source}`]),
                // The socket's own rule (docker-socket) says it for the socket.
                ...(m.readOnly === true || SOCKET_PATHS.includes(m.source) ? [] : [`container ${c} mounts the host's ${m.source} writable`]),
            ]),
        ),
    },
    {
        name: "capabilities",
        description: "Every capability is dropped; only a container that watches the host's processes (/proc mounted) adds back SYS_ADMIN, SYS_PTRACE, SYS_RESOURCE.",
        check: containers((r, c) => {
            if (r.props.start === false) return [];
            const caps = r.props.capabilities ?? {};
            const out = (caps.drops ?? []).includes("ALL") ? [] : [`container ${c} does not drop all capabilities`];
            const adds: string[] = caps.adds ?? [];
            for (const cap of adds) {
                if (!WATCHER_CAPABILITIES.includes(cap)) out.push(`container ${c} adds capability ${cap}`);
                else if (!watchesHost(r)) out.push(`container ${c} adds ${cap} without watching the host's processes`);
            }
            return out;
        }),
    },
    {
        name: "socket-proxy-read-only",
        description:
            "An HAProxy container that reads the Docker socket runs the file its seed carries, which passes only the reviewed requests of the collectors (configs/dockerApi.ts: GET/HEAD, no archive, export, exec, images, volumes...) and refuses the rest.",
        stackWide: true,
        check: running((r, c, stack) => {
            if (!readsSocket(r) || stack.runs(r) !== PROXY_IMAGE) return [];
            const file = `${CONFIG_DIR}/${SOCKET_PROXY_CONFIG}`;
            // Environment variables could switch on an image's own rules; the command must name the seeded file,
            // or HAProxy reads the image's default file, which the policy cannot see.
            const envs: string[] = r.props.envs ?? [];
            const out = envs.length > 0 ? [`the socket proxy ${c} sets environment variables: ${envs.join(" ")}`] : [];
            const command: string[] = r.props.command ?? [];
            if (command.indexOf("-f") < 0 || command[command.indexOf("-f") + 1] !== file) out.push(`the socket proxy ${c} does not run ${file}`);
            const volume = (r.props.mounts ?? []).find((m: any) => m.type === "volume" && m.target === CONFIG_DIR)?.source;
            const cfg = volume === undefined ? undefined : stack.seededFiles(volume).get(SOCKET_PROXY_CONFIG);
            if (cfg === undefined) return [...out, `the socket proxy ${c} has no seeded ${file}`];
            return [...out, ...proxyConfigProblems(cfg).map((p) => `${p} (${c})`)];
        }),
    },
    {
        name: "container-user",
        description:
            "A container runs as root only if it reads a root-owned host path (the Docker socket, the host's /proc), or holds no capability, mounts nothing of the host and publishes no port.",
        check: running((r, c) => {
            if (!ROOT.test(String(r.props.user ?? ""))) return [];
            if (readsSocket(r) || watchesHost(r)) return [];
            const reasons = [
                ...((r.props.capabilities?.adds ?? []).length > 0 ? ["adds capabilities"] : []),
                ...(hostMounts(r).length > 0 ? ["mounts host paths"] : []),
                ...((r.props.ports ?? []).length > 0 ? ["publishes ports"] : []),
            ];
            return reasons.length > 0 ? [`container ${c} runs as root and ${reasons.join(", ")}`] : [];
        }),
    },
    {
        name: "read-only-root",
        description: "Every running container has a read-only root filesystem; configuration arrives on a read-only volume.",
        check: running((r, c) => (r.props.readOnly === true ? [] : [`container ${c} has a writable root filesystem`])),
    },
    {
        name: "no-public-ports",
        description: "No port is published on every interface unless the stack explicitly allows it.",
        check: containers((r, c) => {
            if (labelOf(r, LABELS.allInterfaces) === "true") return [];
            return (r.props.ports ?? [])
                .filter((p: any) => ALL_INTERFACES.includes(p.ip ?? ""))
                .map((p: any) => `container ${c} publishes port ${p.external} on every interface`);
        }),
    },
    {
        name: "healthcheck",
        description: "Every container has a healthcheck.",
        check: running((r, c) => ((r.props.healthcheck?.tests ?? []).length > 1 ? [] : [`container ${c} has no healthcheck`])),
    },
    {
        name: "restart-policy",
        description: "Every container restarts after a crash or a host reboot.",
        check: running((r, c) => (["unless-stopped", "always", "on-failure"].includes(r.props.restart) ? [] : [`container ${c} has restart policy ${r.props.restart ?? "none"}`])),
    },
    {
        name: "log-rotation",
        description: "Container logs are rotated (json-file or local driver with max-size and max-file).",
        check: running((r, c) => {
            const driver = r.props.logDriver ?? "json-file";
            const opts = r.props.logOpts ?? {};
            if (driver === "local" || (driver === "json-file" && opts["max-size"] && opts["max-file"])) return [];
            return [`container ${c} does not rotate its logs`];
        }),
    },
    {
        name: "grafana-no-anonymous",
        description: "Grafana's anonymous access is off (every container running the Grafana image).",
        stackWide: true,
        check: running((r, c, stack) => {
            if (stack.runs(r) !== "grafana") return [];
            return (r.props.envs ?? []).includes("GF_AUTH_ANONYMOUS_ENABLED=false") ? [] : [`Grafana ${c} does not disable anonymous access`];
        }),
    },
    {
        name: "prod-volumes-protected",
        description: "In prod, no change or destroy may delete a data volume (protect).",
        check: (r) => {
            if (r.type !== VOLUME || stackOf(r.urn) !== "prod" || /-config$/.test(r.props.name ?? "")) return [];
            return r.protect === true ? [] : [`volume ${r.props.name} is not protected in prod`];
        },
    },
];

/** Every violation of every rule for a set of resources, as "rule: message". */
export function violations(resources: PolicyResource[]): string[] {
    const stack = new StackView(resources);
    return resources.flatMap((r) => RULES.flatMap((rule) => rule.check(r, stack).map((m) => `${rule.name}: ${m}`)));
}
