import * as yaml from "js-yaml";
import { LOKI_DATA_DIR, lokiConfig } from "../../configs/loki";
import { promtailConfig, PROMTAIL_POSITIONS_DIR } from "../../configs/promtail";
import { Settings } from "../../settings/types";

/** Replaces a path prefix in every string of a config object. */
function movePaths<T>(value: T, from: string, to: string): T {
    const walk = (v: unknown): unknown =>
        typeof v === "string" ? (v === from || v.startsWith(`${from}/`) ? to + v.slice(from.length) : v) : Array.isArray(v) ? v.map(walk) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : v;
    return walk(value) as T;
}

/** The stack's own Loki file with only its ports and data paths moved to loopback and a temp dir. */
export function localLoki(settings: Settings, dataDir: string, httpPort: number, grpcPort: number): string {
    const cfg = movePaths(lokiConfig(settings), LOKI_DATA_DIR, dataDir);
    return yaml.dump({ ...cfg, server: { ...cfg.server, http_listen_port: httpPort, grpc_listen_port: grpcPort, http_listen_address: "127.0.0.1", grpc_listen_address: "127.0.0.1" } });
}

/**
 * The stack's own Promtail file with its port, positions path, Loki URL and Docker host moved: the test runs
 * on the host, where the stack's network aliases (loki, socket-proxy) do not resolve.
 */
export function localPromtail(settings: Settings, dataDir: string, httpPort: number, lokiPort: number, dockerHost: string): string {
    const cfg = movePaths(promtailConfig(settings), PROMTAIL_POSITIONS_DIR, dataDir);
    return yaml.dump({
        ...cfg,
        server: { ...cfg.server, http_listen_port: httpPort, http_listen_address: "127.0.0.1" },
        clients: [{ url: `http://127.0.0.1:${lokiPort}/loki/api/v1/push` }],
        scrape_configs: cfg.scrape_configs.map((s) => ({ ...s, docker_sd_configs: s.docker_sd_configs.map((d) => ({ ...d, host: dockerHost })) })),
    });
}
