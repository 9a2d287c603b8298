import { LABELS } from "../configs/labels";
import { DOCKER_SOCKET, SOCKET_PROXY_SERVICE } from "../configs/collection";
import { isPinnedImage } from "../settings/images";
import { DOCKER_API_ALLOW_LIST } from "../configs/dockerApi";
import { SOCKET_PROXY_CONFIG } from "../configs/socketProxy";
import { CONFIG_DIR } from "../configs/paths";

/** A resource as a policy sees it: type token, URN and plain (unwrapped) inputs. */
export interface PolicyResource {
    readonly type: string;
    readonly urn: string;
    readonly props: Record<string, any>;
    /** The resource's `protect` option (the policy SDK passes it; retainOnDelete it does not). */
    readonly protect?: boolean;
}

export interface Rule {
    readonly name: string;
    readonly description: string;
    /** Violation messages for one resource; empty when it complies. */
    readonly check: (r: PolicyResource) => string[];
}

const CONTAINER = "docker:index/container:Container";
const IMAGE = "docker:index/remoteImage:RemoteImage";
const VOLUME = "docker:index/volume:Volume";
/** Only these may see the Docker socket: the read-only API proxy, and Falco for container metadata. */
const SOCKET_READERS = [SOCKET_PROXY_SERVICE, "falco"];
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
/**
 * The host paths the stack reads, each for one reason: the Docker socket (the API proxy; Falco's container plugin),
 * the host's processes and its user and group names (Falco), the kernel's tracing (Falco), the cgroup tree
 * (Alloy's container metrics). Anything else of the host (`/`, `/etc`, `/root`, `/var/lib/docker`) stays out.
 */
const HOST_PATHS = [DOCKER_SOCKET, "/proc", "/etc/passwd", "/etc/group", "/sys/kernel/tracing", "/sys/fs/cgroup"];
/** The only capabilities a container may add back, and only one that watches the host's processes (Falco's eBPF). */
const WATCHER_CAPABILITIES = ["SYS_ADMIN", "SYS_PTRACE", "SYS_RESOURCE"];

function labelOf(r: PolicyResource, key: string): string | undefined {
    return (r.props.labels ?? []).find((l: { label: string }) => l.label === key)?.value;
}

/** The stack name in a URN: urn:pulumi:<stack>::<project>::... */
export function stackOf(urn: string): string {
    return urn.split(":")[2] ?? "";
}

const containers = (check: (r: PolicyResource, component: string) => string[]) => (r: PolicyResource) =>
    r.type === CONTAINER ? check(r, labelOf(r, LABELS.component) ?? "?") : [];

/** Containers that run: a never-started configuration seed (start: false) has nothing to check or restart. */
const running = (check: (r: PolicyResource, component: string) => string[]) =>
    containers((r, c) => (r.props.start === false ? [] : check(r, c)));

export const RULES: Rule[] = [
    {
        name: "images-pinned",
        description: "Images are pinned to an exact version or digest (no latest, no floating tag); containers run an image ID.",
        check: (r) => {
            if (r.type === IMAGE) return isPinnedImage(r.props.name ?? "") ? [] : [`image ${r.props.name} is not pinned to an exact version or digest`];
            if (r.type === CONTAINER && !/^sha256:[0-9a-f]{64}$/.test(r.props.image ?? "") && !isPinnedImage(r.props.image ?? "")) {
                return [`container runs ${r.props.image}, neither an image ID nor a pinned reference`];
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
        description: "No privileged container, except Falco when its settings ask for it.",
        check: containers((r, c) => (r.props.privileged && c !== "falco" ? [`container ${c} is privileged`] : [])),
    },
    {
        name: "docker-socket",
        description: "The Docker socket is mounted read-only, and only into the collector and Falco.",
        check: containers((r, c) => {
            const mounts = [...(r.props.mounts ?? []), ...(r.props.volumes ?? []).map((v: any) => ({ source: v.hostPath, readOnly: v.readOnly }))];
            const socket = mounts.filter((m: any) => m.source === DOCKER_SOCKET);
            const out: string[] = [];
            if (socket.length > 0 && !SOCKET_READERS.includes(c)) out.push(`container ${c} mounts the Docker socket`);
            if (socket.some((m: any) => m.readOnly !== true)) out.push(`container ${c} mounts the Docker socket read-write`);
            return out;
        }),
    },
    {
        name: "host-mounts",
        description: "Host paths are mounted read-only, and only those the stack reads (the Docker socket, /proc, /etc/passwd and /etc/group, tracing, cgroups).",
        check: containers((r, c) =>
            (r.props.mounts ?? [])
                .filter((m: any) => m.type === "bind")
                .flatMap((m: any) => [
                    ...(HOST_PATHS.includes(m.source) ? [] : [`container ${c} mounts the host's ${m.source}`]),
                    // The socket's own rule (docker-socket) says it for the socket.
                    ...(m.readOnly === true || m.source === DOCKER_SOCKET ? [] : [`container ${c} mounts the host's ${m.source} writable`]),
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
            const watchesHost = (r.props.mounts ?? []).some((m: any) => m.type === "bind" && m.source === "/proc");
            for (const cap of adds) {
                if (!WATCHER_CAPABILITIES.includes(cap)) out.push(`container ${c} adds capability ${cap}`);
                else if (!watchesHost) out.push(`container ${c} adds ${cap} without watching the host's processes`);
            }
            return out;
        }),
    },
    {
        name: "socket-proxy-read-only",
        description:
            "The Docker API proxy passes only the reviewed requests of the collectors (configs/dockerApi.ts: GET/HEAD, no archive, export, exec, images, volumes...) and refuses the rest.",
        check: containers((r, c) => {
            if (c !== SOCKET_PROXY_SERVICE) return [];
            const cfg = (r.props.uploads ?? []).find((u: { file: string }) => u.file === `${CONFIG_DIR}/${SOCKET_PROXY_CONFIG}`);
            // The service itself carries no file (its seed does); it must not switch on an image's own rules either.
            if (!cfg) return (r.props.envs ?? []).length > 0 ? [`the socket proxy container sets environment variables: ${(r.props.envs as string[]).join(" ")}`] : [];
            return proxyConfigProblems(String(cfg.content));
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
        description: "Grafana's anonymous access is off.",
        check: running((r, c) => {
            if (c !== "grafana") return [];
            return (r.props.envs ?? []).includes("GF_AUTH_ANONYMOUS_ENABLED=false") ? [] : ["Grafana does not disable anonymous access"];
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
    return resources.flatMap((r) => RULES.flatMap((rule) => rule.check(r).map((m) => `${rule.name}: ${m}`)));
}
