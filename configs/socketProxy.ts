/**
 * haproxy.cfg of the Docker API proxy: the collector's requests (configs/dockerApi.ts) pass to the engine's
 * socket, every other request gets 403. Written for HAProxy 3.2 (the pinned image) within what 2.6 also
 * accepts (Debian bookworm's, which the tests run).
 */
import { SERVICE_PORTS } from "../settings/defaults";
import { Settings } from "../settings/types";
import { DOCKER_SOCKET } from "./collection";
import { DockerApiRequest, allowedRequests } from "./dockerApi";
import { Directive, Section, renderHaproxy } from "./haproxy/syntax";

export const SOCKET_PROXY_CONFIG = "haproxy.cfg";
const ALLOWED = "txn.allowed";
const BACKEND = "docker-engine";
/** Follow streams stay open while a container is quiet: a backend of their own with a longer idle timeout. */
const LOGS_BACKEND = "docker-engine-logs";
const LOGS_PATH = String.raw`^/v1\.[0-9]+/containers/[0-9a-f]{64}/logs$`;

function allowRule(r: DockerApiRequest): Directive {
    return {
        keyword: "http-request",
        words: [`set-var(${ALLOWED})`, "bool(true)", "if", "{", "method", ...r.methods, "}", "{", "path", "-m", "reg", r.path, "}"],
        comments: [r.purpose, ...r.callers],
    };
}

export function socketProxyConfig(settings: Settings): Section[] {
    const engine = (name: string, extra: Directive[] = []): Section => ({
        kind: "backend",
        name,
        directives: [...extra, { keyword: "server", words: ["engine", DOCKER_SOCKET] }],
    });
    return [
        {
            kind: "global",
            directives: [
                // To the container's stdout, so the collector ships the proxy's refusals like any other log line.
                { keyword: "log", words: ["stdout", "format", "raw", "local0", "info"] },
                { keyword: "maxconn", words: ["512"] },
                // A stop (SIGUSR1 in the image) would otherwise wait for every follow stream to end.
                { keyword: "hard-stop-after", words: ["10s"] },
            ],
        },
        {
            kind: "defaults",
            directives: [
                { keyword: "mode", words: ["http"] },
                { keyword: "log", words: ["global"] },
                { keyword: "option", words: ["httplog"] },
                { keyword: "option", words: ["dontlognull"] },
                { keyword: "timeout", words: ["connect", "5s"] },
                { keyword: "timeout", words: ["http-request", "10s"] },
                { keyword: "timeout", words: ["http-keep-alive", "10s"] },
                { keyword: "timeout", words: ["client", "1m"] },
                { keyword: "timeout", words: ["server", "1m"] },
            ],
        },
        {
            kind: "frontend",
            name: "docker-api",
            directives: [
                { keyword: "bind", words: [`0.0.0.0:${SERVICE_PORTS.socketProxy}`] },
                ...allowedRequests(settings.collector).map(allowRule),
                { keyword: "http-request", words: ["deny", "deny_status", "403", "unless", "{", `var(${ALLOWED})`, "-m", "bool", "}"], comments: ["Everything else, and every other method."] },
                // Only refusals are logged: the collector's own requests repeat every few seconds.
                { keyword: "http-request", words: ["set-log-level", "silent"] },
                { keyword: "use_backend", words: [LOGS_BACKEND, "if", "{", "path", "-m", "reg", LOGS_PATH, "}"] },
                { keyword: "default_backend", words: [BACKEND] },
            ],
        },
        engine(BACKEND),
        // Close to HAProxy's longest timeout (2^31 ms): a stream cut while its container is quiet is resumed by the
        // collector from a whole second, which would send that second's lines again.
        engine(LOGS_BACKEND, [{ keyword: "timeout", words: ["server", "24d"] }]),
    ];
}

export function renderSocketProxyConfig(settings: Settings): string {
    return renderHaproxy(socketProxyConfig(settings));
}
