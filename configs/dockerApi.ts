/**
 * The Docker Engine API requests the log collectors make, and nothing else: the socket proxy's allow-list.
 * Each entry names the calls that need it, read in the collector's source at the pinned tag (Promtail: grafana/loki
 * v3.6.11 and v3.6.15, byte-identical here; Alloy: grafana/alloy v1.18.1 and the libraries its go.mod pins).
 * Anything not listed (archive, export, changes, exec, attach, images, volumes, events, any write) is refused.
 */
import { Settings } from "../settings/types";

export type Collector = Settings["collector"];

export interface DockerApiRequest {
    /** HTTP methods allowed on this path. */
    readonly methods: readonly ("GET" | "HEAD")[];
    /** Anchored regular expression over the request path (the query string is not part of it). */
    readonly path: string;
    /** What the collector does with it. */
    readonly purpose: string;
    /** The collectors that make it; a stack's proxy allows only its own collector's requests. */
    readonly collectors: readonly Collector[];
    /** Where the request is made: file:line@version and function. */
    readonly callers: readonly string[];
}

/** Every versioned path: the clients negotiate a version (1.40 to 1.55) and prefix it. */
const VERSIONED = String.raw`/v1\.[0-9]+`;
/** Containers are addressed by their 64-hex ID (discovery's `__meta_docker_container_id`), never by name. */
const CONTAINER_ID = "[0-9a-f]{64}";

export const DOCKER_API_ALLOW_LIST: readonly DockerApiRequest[] = [
    {
        methods: ["HEAD", "GET"],
        path: "^/_ping$",
        purpose: "API version negotiation before the first versioned request (HEAD, then GET when HEAD fails); unversioned",
        collectors: ["promtail", "alloy"],
        callers: [
            "moby/moby client v0.3.0/v0.4.1 ping.go:112,129 ping (Promtail's docker_sd_configs; Prometheus discovery/moby)",
            "docker/docker v28.5.0 client/ping.go:27,47 Ping (Promtail's docker target, WithAPIVersionNegotiation)",
            "moby/moby client v0.5.0 ping.go:112,129 ping (Alloy discovery.docker, loki.source.docker)",
            "docker/docker v28.5.2 client/ping.go:27,47 Ping (Alloy prometheus.exporter.cadvisor)",
        ],
    },
    {
        methods: ["GET"],
        path: `^${VERSIONED}/containers/json$`,
        purpose: "list running containers, every refresh",
        collectors: ["promtail", "alloy"],
        callers: ["prometheus discovery/moby/docker.go:201 DockerDiscovery.refresh (Loki v3.6.x vendors Prometheus v0.311/v0.312; Alloy v1.18.1 pins v0.312.0)"],
    },
    {
        methods: ["GET"],
        path: `^${VERSIONED}/networks$`,
        purpose: "network labels of every container, every refresh (the request the old proxy denied: no container was ever discovered)",
        collectors: ["promtail", "alloy"],
        callers: ["prometheus discovery/moby/network.go:36 getNetworksLabels, from docker.go:206 refresh (same versions)"],
    },
    {
        methods: ["GET"],
        path: `^${VERSIONED}/containers/${CONTAINER_ID}/json$`,
        purpose: "inspect a discovered container before tailing it (TTY or not); cAdvisor on a new container cgroup",
        collectors: ["promtail", "alloy"],
        callers: [
            "grafana/loki v3.6.11 clients/pkg/promtail/targets/docker/target.go:99 Target.processLoop",
            "grafana/alloy v1.18.1 internal/component/loki/source/docker tailer.go:99,132 (Run every 5s, startIfNotRunning)",
            "google/cadvisor v0.54.1 container/docker/factory.go:182 CanHandleAndAccept, handler.go:184 newDockerContainerHandler",
        ],
    },
    {
        methods: ["GET"],
        path: `^${VERSIONED}/containers/${CONTAINER_ID}/logs$`,
        purpose: "follow a container's stdout and stderr with timestamps, since the saved position",
        collectors: ["promtail", "alloy"],
        callers: [
            "grafana/loki v3.6.11 clients/pkg/promtail/targets/docker/target.go:105 Target.processLoop",
            "grafana/alloy v1.18.1 internal/component/loki/source/docker tailer.go:139 startIfNotRunning",
        ],
    },
    {
        methods: ["GET"],
        path: `^${VERSIONED}/info$`,
        purpose: "cAdvisor's Docker factory: storage driver and Docker root directory, on registration",
        collectors: ["alloy"],
        callers: ["google/cadvisor v0.54.1 (base of the grafana/cadvisor fork Alloy v1.18.1 pins) container/docker/docker.go:53 StatusWithContext, :138 Info (factory.go:316 Register)"],
    },
    {
        methods: ["GET"],
        path: `^${VERSIONED}/version$`,
        purpose: "cAdvisor's Docker factory: server and API version, on registration",
        collectors: ["alloy"],
        callers: ["google/cadvisor v0.54.1 container/docker/docker.go:158 VersionString, :170 APIVersionString (factory.go:324 Register)"],
    },
];

/** The requests a stack's proxy allows: those of its collector, and of Alloy, which runs in every stack (cAdvisor). */
export function allowedRequests(collector: Collector): DockerApiRequest[] {
    return DOCKER_API_ALLOW_LIST.filter((r) => r.collectors.includes(collector) || r.collectors.includes("alloy"));
}
