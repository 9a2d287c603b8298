import { DOCKER_API_ALLOW_LIST, allowedRequests } from "../../configs/dockerApi";
import { renderHaproxy } from "../../configs/haproxy/syntax";
import { renderSocketProxyConfig } from "../../configs/socketProxy";
import { proxyConfigProblems } from "../../policy/rules";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { stackConfig, dockerStacks } from "../harness/stackFiles";

const rendered = (stack: string, overrides: Record<string, unknown> = {}) => renderSocketProxyConfig(parseSettings(stack, rawConfig(stackConfig(stack, overrides))));
const allowLines = (cfg: string) => cfg.split("\n").filter((l) => l.trim().startsWith("http-request set-var(txn.allowed)"));

describe("the reviewed allow-list", () => {
    test("every entry is an exact, anchored path for GET or HEAD, with at least one cited caller", () => {
        for (const r of DOCKER_API_ALLOW_LIST) {
            expect({ path: r.path, anchored: r.path.startsWith("^") && r.path.endsWith("$") }).toEqual({ path: r.path, anchored: true });
            expect(r.methods.every((m) => m === "GET" || m === "HEAD")).toBe(true);
            expect(r.callers.length).toBeGreaterThan(0);
            // file:line at a version: "name.go:123" and a version or tag.
            for (const c of r.callers) expect(c).toMatch(/\.go:\d+.*|v\d+\.\d+/);
        }
    });

    const ID = "0123456789abcdef".repeat(4);
    const passes = (collector: "alloy" | "promtail", method: string, path: string) =>
        allowedRequests(collector).some((r) => r.methods.includes(method as "GET") && new RegExp(r.path).test(path));

    test.each([
        ["HEAD", "/_ping"],
        ["GET", "/_ping"],
        ["GET", "/v1.41/containers/json"],
        ["GET", "/v1.54/networks"],
        ["GET", `/v1.51/containers/${ID}/json`],
        ["GET", `/v1.51/containers/${ID}/logs`],
    ])("both collectors' %s %s passes", (method, path) => {
        expect(passes("promtail", method, path)).toBe(true);
        expect(passes("alloy", method, path)).toBe(true);
    });

    test.each([
        ["GET", `/v1.41/containers/${ID}/archive`],
        ["GET", `/v1.41/containers/${ID}/export`],
        ["GET", `/v1.41/containers/${ID}/changes`],
        ["GET", "/v1.41/containers/obs-prod-grafana/json"],
        ["GET", `/v1.41/containers/${ID}%2F..%2Farchive/json`],
        ["GET", "/v1.41/containers/json/../images/json"],
        ["POST", `/v1.41/containers/${ID}/exec`],
        ["HEAD", "/v1.41/containers/json"],
        ["GET", "/v1.41/images/json"],
        ["GET", "/v1.41/events"],
        ["GET", "/containers/json"],
    ])("%s %s passes for neither collector", (method, path) => {
        expect(passes("promtail", method, path)).toBe(false);
        expect(passes("alloy", method, path)).toBe(false);
    });

    test("/info and /version are Alloy's cAdvisor's, which runs in Promtail stacks too: both proxies pass them", () => {
        expect(passes("alloy", "GET", "/v1.41/info")).toBe(true);
        expect(passes("alloy", "GET", "/v1.41/version")).toBe(true);
        expect(passes("promtail", "GET", "/v1.41/info")).toBe(true);
        expect(passes("promtail", "GET", "/v1.41/version")).toBe(true);
    });
});

describe.each(dockerStacks())("the %s stack's proxy file", (stack) => {
    test("allows exactly its collector's requests and refuses the rest (the policy pack's reading)", () => {
        const cfg = rendered(stack);
        const collector = parseSettings(stack, rawConfig(stackConfig(stack))).collector;
        expect(proxyConfigProblems(cfg)).toEqual([]);
        expect(allowLines(cfg)).toHaveLength(allowedRequests(collector).length);
        for (const r of allowedRequests(collector)) expect(cfg).toContain(`{ method ${r.methods.join(" ")} } { path -m reg '${r.path}' }`);
    });

    test("the other collector gets its own list", () => {
        const other = parseSettings(stack, rawConfig(stackConfig(stack))).collector === "alloy" ? "promtail" : "alloy";
        expect(allowLines(rendered(stack, { "observability:collector": other }))).toHaveLength(allowedRequests(other).length);
    });
});

describe("HAProxy syntax", () => {
    const one = (words: string[]) => renderHaproxy([{ kind: "backend", name: "b", directives: [{ keyword: "server", words }] }]);

    test("plain words stay plain; a word HAProxy would interpret is single-quoted", () => {
        expect(one(["engine", "/var/run/docker.sock"])).toBe("backend b\n    server engine /var/run/docker.sock\n");
        expect(one(["^/v1\\.[0-9]+$", "a b", "#x", "$HOME"])).toBe("backend b\n    server '^/v1\\.[0-9]+$' 'a b' '#x' '$HOME'\n");
    });

    test("a word with a single quote, a line break, or a section without its name is refused", () => {
        expect(() => one(["it's"])).toThrow(/single quote/);
        expect(() => one(["a\nb"])).toThrow(/line break/);
        expect(() => renderHaproxy([{ kind: "frontend", directives: [] }])).toThrow(/need name/);
        expect(() => renderHaproxy([{ kind: "global", name: "x", directives: [] }])).toThrow(/take no name/);
        expect(() => renderHaproxy([{ kind: "global", directives: [{ keyword: "log", words: [], comments: ["a\nb"] }] }])).toThrow(/line break/);
    });
});
