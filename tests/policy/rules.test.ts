import { createHash } from "crypto";
import { PolicyResource, RULES, stackOf, violations } from "../../policy/rules";
import { renderSocketProxyConfig } from "../../configs/socketProxy";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { stackConfig } from "../harness/stackFiles";

const CONTAINER = "docker:index/container:Container";
const IMAGE = "docker:index/remoteImage:RemoteImage";
const urn = (stack: string, type: string, name = "x") => `urn:pulumi:${stack}::observability::${type}::${name}`;

/** The image each kind of container runs, as its RemoteImage names it; a container runs the image's ID. */
const IMAGES: Record<string, string> = {
    loki: "grafana/loki:3.7.6",
    grafana: "grafana/grafana:13.1.2",
    promtail: "grafana/promtail:3.6.15",
    alloy: "grafana/alloy:v1.18.1",
    falco: "falcosecurity/falco:0.44.1",
    "socket-proxy": "haproxy:3.2.21-alpine",
};
const imageId = (reference: string) => `sha256:${createHash("sha256").update(reference).digest("hex")}`;
/** The stack around the containers under test: its images and its networks (the Docker API's internal). */
const CONTEXT: PolicyResource[] = [
    ...Object.values(IMAGES).map((name) => ({ type: IMAGE, urn: urn("dev", IMAGE, name), props: { name, imageId: imageId(name) } })),
    { type: "docker:index/network:Network", urn: urn("dev", "n", "api"), props: { name: "obs-dev-docker-api", internal: true } },
    { type: "docker:index/network:Network", urn: urn("dev", "n", "net"), props: { name: "obs-dev-net" } },
];
const check = (resources: PolicyResource[]) => violations([...CONTEXT, ...resources]);

/** A container that passes every rule; each case below breaks exactly one thing. The label is the one it declares, nothing more. */
function good(component: string, overrides: Record<string, unknown> = {}): PolicyResource {
    return {
        type: CONTAINER,
        urn: urn("dev", CONTAINER, component),
        props: {
            name: `obs-dev-${component}`,
            image: imageId(IMAGES[component] ?? "grafana/loki:3.7.6"),
            labels: [{ label: "observability.component", value: component }],
            memory: 256,
            restart: "unless-stopped",
            logDriver: "json-file",
            logOpts: { "max-size": "10m", "max-file": "3" },
            healthcheck: { tests: ["CMD", "true"] },
            ports: [{ internal: 3000, external: 3000, ip: "127.0.0.1" }],
            networksAdvanced: [{ name: "obs-dev-net" }],
            mounts: [],
            envs: component === "grafana" ? ["GF_AUTH_ANONYMOUS_ENABLED=false"] : [],
            readOnly: true,
            capabilities: { drops: ["ALL"], adds: [] },
            ...overrides,
        },
    };
}

const sock = (readOnly: boolean) => ({ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly });
const proc = { type: "bind", source: "/proc", target: "/host/proc", readOnly: true };
const CONFIG_VOLUME = { type: "volume", source: "obs-dev-socket-proxy-config", target: "/config", readOnly: true };

/** The socket proxy as the program makes it: HAProxy, on the internal network only, no port, root, its seeded file. */
function proxy(overrides: Record<string, unknown> = {}): PolicyResource {
    return good("socket-proxy", {
        ports: [],
        networksAdvanced: [{ name: "obs-dev-docker-api" }],
        mounts: [CONFIG_VOLUME, sock(true)],
        command: ["haproxy", "-f", "/config/haproxy.cfg"],
        user: "0",
        ...overrides,
    });
}

/** The socket proxy's seed carrying its haproxy.cfg (prod's, Promtail) into the proxy's volume, edited by `edit`. */
function proxySeed(edit: (cfg: string) => string = (c) => c): PolicyResource {
    const cfg = renderSocketProxyConfig(parseSettings("prod", rawConfig(stackConfig("prod"))));
    return {
        ...good("socket-proxy", { start: false, mounts: [{ ...CONFIG_VOLUME, readOnly: undefined }], uploads: [{ file: "/config/haproxy.cfg", content: edit(cfg) }] }),
        urn: urn("dev", CONTAINER, "seed"),
    };
}

/** Falco as the program makes it: its image, watching the host, root with its three capabilities, the socket read-only. */
function falco(overrides: Record<string, unknown> = {}): PolicyResource {
    return good("falco", { ports: [], user: "0", mounts: [proc, sock(true)], capabilities: { drops: ["ALL"], adds: ["SYS_ADMIN", "SYS_PTRACE", "SYS_RESOURCE"] }, ...overrides });
}

const BAD: Array<[string, PolicyResource]> = [
    ["images-pinned", { type: IMAGE, urn: urn("dev", "i"), props: { name: "grafana/loki:latest" } }],
    ["images-pinned", good("loki", { image: "grafana/loki" })],
    ["memory-limit", good("loki", { memory: undefined })],
    ["no-privileged", good("promtail", { privileged: true })],
    // Privileged needs the Falco image watching the host: a label saying "falco" is not enough, nor is the image alone.
    ["no-privileged", good("falco", { privileged: true, image: imageId(IMAGES.loki), mounts: [proc] })],
    ["no-privileged", good("falco", { privileged: true })],
    ["docker-socket", good("grafana", { mounts: [sock(true)] })],
    ["docker-socket", good("promtail", { mounts: [sock(true)] })],
    ["docker-socket", proxy({ mounts: [CONFIG_VOLUME, sock(false)] })],
    // The other way to give a host path, and the socket's other name.
    ["docker-socket", good("promtail", { volumes: [{ hostPath: "/var/run/docker.sock", containerPath: "/s", readOnly: true }] })],
    ["docker-socket", good("promtail", { mounts: [{ ...sock(true), source: "/run/docker.sock" }] })],
    // What a label calls the proxy is not the proxy: another image, a network with a route out, a published port.
    ["docker-socket", proxy({ image: imageId(IMAGES.loki), command: undefined })],
    ["docker-socket", proxy({ networksAdvanced: [{ name: "obs-dev-docker-api" }, { name: "obs-dev-net" }] })],
    ["docker-socket", proxy({ ports: [{ internal: 2375, external: 2375, ip: "127.0.0.1" }] })],
    // Falco's label on an image that is not Falco's, even watching the host.
    ["docker-socket", falco({ image: imageId(IMAGES.promtail) })],
    ["socket-proxy-read-only", proxy({ envs: ["CONTAINERS=1", "POST=0", "EXEC=1"] })],
    ["socket-proxy-read-only", proxy({ command: ["haproxy"] })],
    ["socket-proxy-read-only", proxy({ mounts: [{ ...CONFIG_VOLUME, source: "obs-dev-other" }, sock(true)] })],
    ["read-only-root", good("loki", { readOnly: false })],
    ["host-mounts", good("loki", { mounts: [{ type: "bind", source: "/etc", target: "/host/etc", readOnly: true }] })],
    ["host-mounts", good("alloy", { mounts: [{ type: "bind", source: "/sys/fs/cgroup", target: "/sys/fs/cgroup", readOnly: false }] })],
    ["host-mounts", good("x", { mounts: [{ type: "bind", source: "/", target: "/host", readOnly: true }] })],
    ["host-mounts", good("x", { volumes: [{ hostPath: "/root", containerPath: "/r", readOnly: true }] })],
    // The engine's layer IDs, read-only, are cAdvisor's; the image store above them (image configs) or writable, no.
    ["host-mounts", good("alloy", { mounts: [{ type: "bind", source: "/var/lib/docker/image", target: "/var/lib/docker/image", readOnly: true }] })],
    ["host-mounts", good("alloy", { mounts: [{ type: "bind", source: "/var/lib/docker/image/overlay2/layerdb/mounts", target: "/l", readOnly: false }] })],
    // A path written so that it is not on the list by string, but is the host's root.
    ["host-mounts", good("x", { mounts: [{ type: "bind", source: "/proc/../", target: "/host", readOnly: true }] })],
    ["capabilities", good("loki", { capabilities: { drops: [], adds: [] } })],
    ["capabilities", good("falco", { capabilities: { drops: ["ALL"], adds: ["NET_ADMIN"] }, mounts: [proc] })],
    // SYS_ADMIN is what Falco needs; a container that does not watch the host's processes (whatever its label says) may not have it.
    ["capabilities", good("falco", { capabilities: { drops: ["ALL"], adds: ["SYS_ADMIN"] } })],
    ["container-user", good("grafana", { user: "0" })],
    ["container-user", good("loki", { user: "root:root", ports: [] , mounts: [{ type: "bind", source: "/etc/passwd", target: "/etc/passwd", readOnly: true }] })],
    ["no-public-ports", good("grafana", { ports: [{ internal: 3000, external: 3000, ip: "0.0.0.0" }] })],
    ["healthcheck", good("loki", { healthcheck: undefined })],
    ["restart-policy", good("loki", { restart: "no" })],
    ["log-rotation", good("loki", { logOpts: {} })],
    ["grafana-no-anonymous", good("grafana", { envs: ["GF_AUTH_ANONYMOUS_ENABLED=true"] })],
    // The Grafana image under another label is still Grafana.
    ["grafana-no-anonymous", good("dashboards", { image: imageId(IMAGES.grafana), envs: [] })],
    ["prod-volumes-protected", { type: "docker:index/volume:Volume", urn: urn("prod", "v"), props: { name: "obs-prod-loki-data", labels: [] } }],
    // A label that says so is not the option.
    ["prod-volumes-protected", { type: "docker:index/volume:Volume", urn: urn("prod", "v"), props: { name: "obs-prod-loki-data", labels: [{ label: "observability.retained", value: "true" }] } }],
];

test("the good resources pass every rule", () => {
    expect(check([...["loki", "grafana", "promtail"].map((c) => good(c)), falco(), proxy(), proxySeed()])).toEqual([]);
});

test.each(BAD)("%s fires on a bad resource", (rule, resource) => {
    // The proxy's seed is there, so a proxy case fails for what it changes, not for a missing file.
    const found = check([resource, proxySeed()]);
    expect(found.length).toBeGreaterThan(0);
    expect(found.filter((v) => !v.startsWith(`${rule}:`))).toEqual([]);
});

test("every rule has a case that makes it fire", () => {
    expect(new Set(BAD.map(([rule]) => rule))).toEqual(new Set(RULES.map((r) => r.name)));
});

test("what is allowed stays allowed", () => {
    // The watcher's capabilities with the host's /proc; read-only cgroups; privileged Falco; root without any privilege.
    expect(check([good("anything", { capabilities: { drops: ["ALL"], adds: ["SYS_ADMIN", "SYS_PTRACE", "SYS_RESOURCE"] }, mounts: [proc] })])).toEqual([]);
    expect(check([good("alloy", { mounts: [{ type: "bind", source: "/sys/fs/cgroup/", target: "/sys/fs/cgroup", readOnly: true }] })])).toEqual([]);
    expect(check([good("alloy", { mounts: [{ type: "bind", source: "/srv/docker/image/vfs/layerdb/mounts", target: "/srv/docker/image/vfs/layerdb/mounts", readOnly: true }] })])).toEqual([]);
    expect(check([falco({ privileged: true, capabilities: { drops: ["ALL"], adds: [] } })])).toEqual([]);
    expect(check([good("promtail", { user: "0", ports: [] })])).toEqual([]);
    // A configuration seed is never started: writable root, no healthcheck, no restart, no log options.
    const seed = good("loki", { start: false, readOnly: false, healthcheck: undefined, restart: "no", logOpts: undefined });
    expect(check([seed])).toEqual([]);
    const allowed = good("grafana", {
        ports: [{ internal: 3000, external: 3000, ip: "0.0.0.0" }],
        labels: [{ label: "observability.component", value: "grafana" }, { label: "observability.allow-all-interfaces", value: "true" }],
        envs: ["GF_AUTH_ANONYMOUS_ENABLED=false"],
    });
    expect(check([allowed])).toEqual([]);
    expect(check([{ type: "docker:index/volume:Volume", urn: urn("dev", "v"), props: { name: "obs-dev-loki-data", labels: [] } }])).toEqual([]);
});

test("a container's image is found through the engine's property dependencies first", () => {
    // In a preview, a new image's ID is not known yet; the dependency says which RemoteImage the input came from.
    const grafanaImage = CONTEXT.find((r) => r.props.name === IMAGES.grafana)!;
    const viaDependency = { ...good("dashboards", { image: `sha256:${"0".repeat(64)}`, envs: [] }), dependencies: { image: [grafanaImage.urn] } };
    expect(check([viaDependency])).toEqual([expect.stringMatching(/^grafana-no-anonymous: Grafana obs-dev-dashboards/)]);
});

test("stack from URN", () => expect(stackOf("urn:pulumi:prod::observability::t::n")).toBe("prod"));

test("the program's own proxy file passes", () => {
    expect(check([proxy(), proxySeed()])).toEqual([]);
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
    expect(check([proxy(), seed])).toEqual([expect.stringMatching(new RegExp(`^socket-proxy-read-only: .*${message.source}`))]);
});

test("every violation names the resource it is about", () => {
    for (const [, resource] of BAD) {
        for (const v of check([resource, proxySeed()])) expect(v).toContain(resource.props.name);
    }
});

test("the edges of each rule", () => {
    // A healthcheck needs a command after CMD.
    expect(check([good("loki", { healthcheck: { tests: ["CMD"] } })])).toEqual([expect.stringMatching(/^healthcheck: container obs-dev-loki/)]);
    // Restart policies that restart, and the local log driver, are fine; a json-file log without max-file is not.
    for (const restart of ["always", "on-failure"]) expect(check([good("loki", { restart })])).toEqual([]);
    expect(check([good("loki", { logDriver: "local", logOpts: {} })])).toEqual([]);
    expect(check([good("loki", { logOpts: { "max-size": "10m" } })])).toEqual([expect.stringMatching(/^log-rotation: container obs-dev-loki/)]);
    expect(check([good("loki", { logDriver: "syslog" })])).toEqual([expect.stringMatching(/^log-rotation:/)]);
    // Every interface, however it is written; a memory limit of zero is none.
    for (const ip of ["::", "", undefined]) {
        expect(check([good("grafana", { ports: [{ internal: 3000, external: 3000, ip }], envs: ["GF_AUTH_ANONYMOUS_ENABLED=false"] })])).toEqual([
            "no-public-ports: container obs-dev-grafana publishes port 3000 on every interface",
        ]);
    }
    expect(check([good("loki", { memory: 0 })])).toEqual(["memory-limit: container obs-dev-loki has no memory limit"]);
    // In prod: a protected data volume passes; a configuration volume is rebuilt from the program, never protected.
    const volume = (name: string, protect?: boolean) => ({ type: "docker:index/volume:Volume", urn: urn("prod", "v"), props: { name, labels: [] }, protect });
    expect(check([volume("obs-prod-loki-data", true)])).toEqual([]);
    expect(check([volume("obs-prod-loki-config")])).toEqual([]);
    // A pinned reference (not only an image ID) is a pinned container image.
    expect(check([good("loki", { image: "grafana/loki:3.7.3" })])).toEqual([]);
    // Grafana without any environment is not safe; other services need no Grafana setting.
    expect(check([good("grafana", { envs: undefined })])).toEqual(["grafana-no-anonymous: Grafana obs-dev-grafana does not disable anonymous access"]);
});
