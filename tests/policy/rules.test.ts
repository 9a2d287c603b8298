import { PolicyResource, RULES, stackOf, violations } from "../../policy/rules";
import { renderSocketProxyConfig } from "../../configs/socketProxy";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { stackConfig } from "../harness/stackFiles";

const CONTAINER = "docker:index/container:Container";
const urn = (stack: string, type: string) => `urn:pulumi:${stack}::observability::${type}::x`;

/** A container that passes every rule; each case below breaks exactly one thing. */
function good(component: string, overrides: Record<string, unknown> = {}): PolicyResource {
    return {
        type: CONTAINER,
        urn: urn("dev", CONTAINER),
        props: {
            image: `sha256:${"a".repeat(64)}`,
            labels: [{ label: "observability.component", value: component }],
            memory: 256,
            restart: "unless-stopped",
            logDriver: "json-file",
            logOpts: { "max-size": "10m", "max-file": "3" },
            healthcheck: { tests: ["CMD", "true"] },
            ports: [{ internal: 3000, external: 3000, ip: "127.0.0.1" }],
            mounts: [],
            envs: component === "grafana" ? ["GF_AUTH_ANONYMOUS_ENABLED=false"] : [],
            readOnly: true,
            capabilities: { drops: ["ALL"], adds: [] },
            ...overrides,
        },
    };
}

/** The socket proxy's seed carrying its haproxy.cfg (prod's, Promtail), edited by `edit`. */
function proxySeed(edit: (cfg: string) => string = (c) => c): PolicyResource {
    const cfg = renderSocketProxyConfig(parseSettings("prod", rawConfig(stackConfig("prod"))));
    return good("socket-proxy", { start: false, uploads: [{ file: "/config/haproxy.cfg", content: edit(cfg) }] });
}

const sock = (readOnly: boolean) => [{ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly }];

const BAD: Array<[string, PolicyResource]> = [
    ["images-pinned", { type: "docker:index/remoteImage:RemoteImage", urn: urn("dev", "i"), props: { name: "grafana/loki:latest" } }],
    ["images-pinned", good("loki", { image: "grafana/loki" })],
    ["memory-limit", good("loki", { memory: undefined })],
    ["no-privileged", good("promtail", { privileged: true })],
    ["docker-socket", good("grafana", { mounts: sock(true) })],
    ["docker-socket", good("promtail", { mounts: sock(true) })],
    ["docker-socket", good("socket-proxy", { mounts: sock(false) })],
    ["socket-proxy-read-only", good("socket-proxy", { envs: ["CONTAINERS=1", "POST=0", "EXEC=1"] })],
    ["socket-proxy-read-only", proxySeed((cfg) => cfg.replace("http-request deny deny_status 403", "http-request deny deny_status 403 if FALSE"))],
    ["read-only-root", good("loki", { readOnly: false })],
    ["host-mounts", good("loki", { mounts: [{ type: "bind", source: "/etc", target: "/host/etc", readOnly: true }] })],
    ["host-mounts", good("alloy", { mounts: [{ type: "bind", source: "/sys/fs/cgroup", target: "/sys/fs/cgroup", readOnly: false }] })],
    ["host-mounts", good("x", { mounts: [{ type: "bind", source: "/", target: "/host", readOnly: true }] })],
    ["capabilities", good("loki", { capabilities: { drops: [], adds: [] } })],
    ["capabilities", good("falco", { capabilities: { drops: ["ALL"], adds: ["NET_ADMIN"] }, mounts: [{ type: "bind", source: "/proc", target: "/host/proc", readOnly: true }] })],
    // SYS_ADMIN is what Falco needs; a container that does not watch the host's processes (whatever its label says) may not have it.
    ["capabilities", good("falco", { capabilities: { drops: ["ALL"], adds: ["SYS_ADMIN"] } })],
    ["no-public-ports", good("grafana", { ports: [{ internal: 3000, external: 3000, ip: "0.0.0.0" }] })],
    ["healthcheck", good("loki", { healthcheck: undefined })],
    ["restart-policy", good("loki", { restart: "no" })],
    ["log-rotation", good("loki", { logOpts: {} })],
    ["grafana-no-anonymous", good("grafana", { envs: ["GF_AUTH_ANONYMOUS_ENABLED=true"] })],
    ["prod-volumes-protected", { type: "docker:index/volume:Volume", urn: urn("prod", "v"), props: { name: "obs-prod-loki-data", labels: [] } }],
    // A label that says so is not the option.
    ["prod-volumes-protected", { type: "docker:index/volume:Volume", urn: urn("prod", "v"), props: { name: "obs-prod-loki-data", labels: [{ label: "observability.retained", value: "true" }] } }],
];

test("the good resources pass every rule", () => {
    expect(violations(["loki", "grafana", "promtail", "falco"].map((c) => good(c)))).toEqual([]);
});

test.each(BAD)("%s fires on a bad resource", (rule, resource) => {
    const found = violations([resource]);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((v) => v.startsWith(`${rule}:`))).toBe(true);
});

test("every rule has a case that makes it fire", () => {
    expect(new Set(BAD.map(([rule]) => rule))).toEqual(new Set(RULES.map((r) => r.name)));
});

test("what is allowed stays allowed", () => {
    const proc = { type: "bind", source: "/proc", target: "/host/proc", readOnly: true };
    expect(violations([good("anything", { capabilities: { drops: ["ALL"], adds: ["SYS_ADMIN", "SYS_PTRACE", "SYS_RESOURCE"] }, mounts: [proc] })])).toEqual([]);
    expect(violations([good("alloy", { mounts: [{ type: "bind", source: "/sys/fs/cgroup", target: "/sys/fs/cgroup", readOnly: true }] })])).toEqual([]);
    expect(violations([good("falco", { privileged: true, mounts: sock(true) })])).toEqual([]);
    expect(violations([good("socket-proxy", { mounts: sock(true) })])).toEqual([]);
    // A configuration seed is never started: writable root, no healthcheck, no restart, no log options.
    const seed = good("loki", { start: false, readOnly: false, healthcheck: undefined, restart: "no", logOpts: undefined });
    expect(violations([seed])).toEqual([]);
    const allowed = good("grafana", {
        ports: [{ internal: 3000, external: 3000, ip: "0.0.0.0" }],
        labels: [{ label: "observability.component", value: "grafana" }, { label: "observability.allow-all-interfaces", value: "true" }],
        envs: ["GF_AUTH_ANONYMOUS_ENABLED=false"],
    });
    expect(violations([allowed])).toEqual([]);
    expect(violations([{ type: "docker:index/volume:Volume", urn: urn("dev", "v"), props: { name: "obs-dev-loki-data", labels: [] } }])).toEqual([]);
});

test("stack from URN", () => expect(stackOf("urn:pulumi:prod::observability::t::n")).toBe("prod"));

test("the program's own proxy file passes", () => {
    expect(violations([proxySeed()])).toEqual([]);
});

// Each way a proxy file could open more than the reviewed requests is refused on its own.
const LOGS = String.raw`'^/v1\.[0-9]+/containers/[0-9a-f]{64}/logs$'`;
/** Replaces text literally (String.replace would read `$'` in a replacement as a pattern). */
const swap = (c: string, from: string | RegExp, to: string) => c.replace(from, () => to);
const WIDENED: Array<[string, (cfg: string) => string, RegExp]> = [
    ["a request off the list (archive)", (c) => swap(c, "/logs$'", "/archive$'"), /archive\$, which is not on the reviewed allow-list/],
    ["a prefix instead of an exact path", (c) => swap(c, LOGS, String.raw`'^/v1\.[0-9]+/containers'`), /not on the reviewed allow-list/],
    ["a write method on a listed path", (c) => swap(c, `{ method GET } { path -m reg ${LOGS}`, `{ method GET POST } { path -m reg ${LOGS}`), /allows POST on/],
    ["HEAD where only GET is listed", (c) => swap(c, `{ method GET } { path -m reg ${LOGS}`, `{ method GET HEAD } { path -m reg ${LOGS}`), /allows HEAD on/],
    ["an allow rule before the refusal", (c) => swap(c, "    http-request deny", "    http-request allow if { path_beg /containers }\n    http-request deny"), /outside the allow-list: http-request allow/],
    ["another way to set the flag", (c) => swap(c, "    http-request deny", "    http-request set-var(txn.allowed) bool(true) if { src 0.0.0.0/0 }\n    http-request deny"), /unreviewed rule/],
    ["no refusal at all", (c) => swap(c, /^ *http-request deny.*$/m, ""), /does not refuse/],
];
test.each(WIDENED)("a proxy file with %s is refused", (_, edit, message) => {
    const seed = proxySeed(edit);
    expect(seed.props.uploads[0].content).not.toBe(proxySeed().props.uploads[0].content);
    expect(violations([seed])).toEqual([expect.stringMatching(new RegExp(`^socket-proxy-read-only: .*${message.source}`))]);
});

test("every violation names the resource it is about", () => {
    for (const [, resource] of BAD) {
        const who = resource.type === CONTAINER ? resource.props.labels[0].value : resource.props.name;
        for (const v of violations([resource])) expect(v).toContain(who);
    }
});

test("the edges of each rule", () => {
    // A healthcheck needs a command after CMD.
    expect(violations([good("loki", { healthcheck: { tests: ["CMD"] } })])).toEqual([expect.stringMatching(/^healthcheck: container loki/)]);
    // Restart policies that restart, and the local log driver, are fine; a json-file log without max-file is not.
    for (const restart of ["always", "on-failure"]) expect(violations([good("loki", { restart })])).toEqual([]);
    expect(violations([good("loki", { logDriver: "local", logOpts: {} })])).toEqual([]);
    expect(violations([good("loki", { logOpts: { "max-size": "10m" } })])).toEqual([expect.stringMatching(/^log-rotation: container loki/)]);
    expect(violations([good("loki", { logDriver: "syslog" })])).toEqual([expect.stringMatching(/^log-rotation:/)]);
    // Every interface, however it is written; a memory limit of zero is none.
    for (const ip of ["::", "", undefined]) {
        expect(violations([good("grafana", { ports: [{ internal: 3000, external: 3000, ip }], envs: ["GF_AUTH_ANONYMOUS_ENABLED=false"] })])).toEqual([
            "no-public-ports: container grafana publishes port 3000 on every interface",
        ]);
    }
    expect(violations([good("loki", { memory: 0 })])).toEqual(["memory-limit: container loki has no memory limit"]);
    // In prod: a protected data volume passes; a configuration volume is rebuilt from the program, never protected.
    const volume = (name: string, protect?: boolean) => ({ type: "docker:index/volume:Volume", urn: urn("prod", "v"), props: { name, labels: [] }, protect });
    expect(violations([volume("obs-prod-loki-data", true)])).toEqual([]);
    expect(violations([volume("obs-prod-loki-config")])).toEqual([]);
    // A pinned reference (not only an image ID) is a pinned container image.
    expect(violations([good("loki", { image: "grafana/loki:3.7.3" })])).toEqual([]);
    // Grafana without any environment is not safe; other services need no Grafana setting.
    expect(violations([good("grafana", { envs: undefined })])).toEqual(["grafana-no-anonymous: Grafana does not disable anonymous access"]);
});
