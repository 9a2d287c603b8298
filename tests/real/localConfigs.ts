import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { LOKI_DATA_DIR, lokiConfig } from "../../configs/loki";
import { promtailConfig, PROMTAIL_POSITIONS_DIR } from "../../configs/promtail";
import { Settings } from "../../settings/types";
import { Running, binary, freePort, tempDir } from "./binaries";

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
 * SWAP, stated: the Docker host is the engine's raw socket here, not the API proxy, so this tier proves the
 * pipeline stages and labels, never that discovery passes the proxy. That path is proven as deployed, with the
 * program's own proxy, addresses and client block: `npm run test:deployed` (tests/deployed).
 */
export function localPromtail(settings: Settings, dataDir: string, httpPort: number, lokiPort: number, dockerHost: string): string {
    const cfg = movePaths(promtailConfig(settings), PROMTAIL_POSITIONS_DIR, dataDir);
    return yaml.dump({
        ...cfg,
        server: { ...cfg.server, http_listen_port: httpPort, http_listen_address: "127.0.0.1" },
        // Only the URL moves: every other client setting the program renders (batching, retries) is kept.
        clients: cfg.clients.map((c) => ({ ...c, url: `http://127.0.0.1:${lokiPort}/loki/api/v1/push` })),
        scrape_configs: cfg.scrape_configs.map((s) => ({ ...s, docker_sd_configs: s.docker_sd_configs.map((d) => ({ ...d, host: dockerHost })) })),
    });
}

/** The stack's Loki and Promtail, running for real on loopback against the local Docker engine. */
export interface LocalPipeline {
    readonly loki: Running;
    readonly promtail: Running;
    /** Loki's base URL. */
    readonly lokiUrl: string;
    readonly promtailUrl: string;
    stop(): Promise<void>;
}

/** Starts Loki on the stack's own file, waits until ready, then Promtail on its own file. */
export async function startLocalPipeline(settings: Settings, label: string): Promise<LocalPipeline> {
    const dir = tempDir(label);
    const [lokiHttp, lokiGrpc, promtailHttp] = [await freePort(), await freePort(), await freePort()];
    fs.writeFileSync(path.join(dir, "loki.yaml"), localLoki(settings, path.join(dir, "loki"), lokiHttp, lokiGrpc));
    fs.writeFileSync(path.join(dir, "promtail.yaml"), localPromtail(settings, path.join(dir, "promtail"), promtailHttp, lokiHttp, "unix:///var/run/docker.sock"));
    const lokiUrl = `http://127.0.0.1:${lokiHttp}`;
    const promtailUrl = `http://127.0.0.1:${promtailHttp}`;
    const loki = new Running("loki", binary("loki"), [`-config.file=${path.join(dir, "loki.yaml")}`]);
    let promtail: Running | undefined;
    const stop = async () => {
        await promtail?.stop();
        await loki.stop();
    };
    try {
        await loki.waitReady(`${lokiUrl}/ready`, 90_000);
        promtail = new Running("promtail", binary("promtail"), [`-config.file=${path.join(dir, "promtail.yaml")}`]);
        await promtail.waitReady(`${promtailUrl}/ready`);
    } catch (e) {
        await stop();
        throw e;
    }
    return { loki, promtail, lokiUrl, promtailUrl, stop };
}
