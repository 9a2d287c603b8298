import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DATA_MOUNT_DIR, outsideOf, renderAlloyConfig } from "../../configs/alloy/config";
import { Ref, renderAlloy } from "../../configs/alloy/syntax";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { stackConfig } from "../harness/stackFiles";
import { parseAlloy } from "../harness/alloyParse";
import { dockerStacks } from "../harness/stackFiles";
import { tool } from "../harness/tools";
import { DEFAULT_IMAGES } from "../../settings/defaults";
import { lazy } from "../harness/lazy";

/** alloy-check (Alloy v1.18.1's own parser plus every component's schema, ../shared/README.md), or `alloy validate` in the pinned image. */
const checker = () => tool("alloy");
/** alloy-check prints nothing for a valid file and `file:line:col: message` otherwise; `alloy validate` has its own words. */
const isAlloyCheck = () => checker().source !== DEFAULT_IMAGES.alloy;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alloy-"));

function check(name: string, text: string): { status: number | null; out: string } {
    const file = path.join(dir, `${name}.alloy`);
    fs.writeFileSync(file, text);
    const r = checker().run(["-strict", file]);
    return { status: r.status, out: isAlloyCheck() ? `${r.stdout}${r.stderr}` : "" };
}

// Every stack file, run with Alloy whatever it names, and with its own applications, Falco and label.
describe.each(dockerStacks())("the %s stack's Alloy file", (stack) => {
    const text = lazy(() => renderAlloyConfig(parseSettings(stack, { ...rawConfig(stackConfig(stack)), collector: "alloy" })));
    test("passes alloy-check -strict (Alloy v1.18.1's parser and component schemas)", () => {
        expect(check(stack, text())).toEqual({ status: 0, out: "" });
    });
    test("reads back to the same structure the renderer was given", () => {
        const blocks = parseAlloy(text());
        expect(blocks.map((b) => `${b.name}.${b.label}`)).toEqual(expect.arrayContaining(["discovery.docker.containers", "loki.source.docker.containers", "loki.write.loki"]));
    });
});

describe("the Alloy file's routing and exporters", () => {
    const blocksFor = (overrides: Record<string, unknown>) => parseAlloy(renderAlloyConfig(parseSettings("dev", { ...rawConfig(stackConfig("dev")), collector: "alloy", ...overrides })));
    const find = (blocks: ReturnType<typeof parseAlloy>, name: string) => blocks.find((b) => b.name === name);

    test("with something to process (the stack file's Python applications) logs pass the pipeline, then Loki", () => {
        const blocks = blocksFor({});
        expect(find(blocks, "loki.source.docker")!.attributes.forward_to).toEqual([{ ref: "loki.process.pipeline.receiver" }]);
        expect(find(blocks, "loki.process")!.attributes.forward_to).toEqual([{ ref: "loki.write.loki.receiver" }]);
    });

    test("with nothing to process (no Python application, no Falco) logs go straight to Loki, and the file still checks", () => {
        const overrides = { applications: [{ name: "db", kind: "postgres" }], falco: { enabled: false } };
        const blocks = blocksFor(overrides);
        expect(find(blocks, "loki.process")).toBeUndefined();
        expect(find(blocks, "loki.source.docker")!.attributes.forward_to).toEqual([{ ref: "loki.write.loki.receiver" }]);
        const text = renderAlloyConfig(parseSettings("dev", { ...rawConfig(stackConfig("dev")), collector: "alloy", ...overrides }));
        expect(check("straight", text)).toEqual({ status: 0, out: "" });
    });

    test("the relabel component holds rules only; the Docker source applies them to what it discovers", () => {
        const relabel = find(blocksFor({}), "discovery.relabel")!;
        expect(relabel.attributes.targets).toEqual([]);
        expect(relabel.blocks.length).toBeGreaterThan(0);
    });

    test("the host exporter: CPU, memory, load (README) and the filesystems under the data volumes' mounts, no other", () => {
        const unix = find(blocksFor({}), "prometheus.exporter.unix")!;
        expect([...(unix.attributes.set_collectors as string[])].sort()).toEqual(["cpu", "filesystem", "loadavg", "meminfo"]);
        // node_exporter drops a mount point its exclude pattern matches (unanchored, Go's MatchString:
        // collector/filesystem_common.go in prometheus/node_exporter).
        const exclude = new RegExp(unix.blocks.find((b) => b.name === "filesystem")!.attributes.mount_points_exclude as string);
        for (const service of ["loki", "prometheus"]) expect(exclude.test(`${DATA_MOUNT_DIR}/${service}`)).toBe(false);
        for (const other of ["/", "/etc/hosts", "/proc", "/dev/shm", "/d", "/dat", "/database", "/config", "/var/lib/alloy/data"]) expect({ other, excluded: exclude.test(other) }).toEqual({ other, excluded: true });
    });

    test("outsideOf: every path but those below the directory, whatever its characters", () => {
        const re = new RegExp(outsideOf("/a-b/c.d"));
        for (const below of ["/a-b/c.d/x", "/a-b/c.d/x/y"]) expect({ below, excluded: re.test(below) }).toEqual({ below, excluded: false });
        for (const other of ["/", "/a", "/a-", "/a-b", "/a-b/", "/a-b/c", "/a-b/c.d", "/a-b/cxd/x", "/a-b/c.de", "/b", "/a-b/d"]) expect({ other, excluded: re.test(other) }).toEqual({ other, excluded: true });
    });

    test("cAdvisor: Docker containers only, without their Docker labels as metric labels (one series per container)", () => {
        const cadvisor = find(blocksFor({}), "prometheus.exporter.cadvisor")!;
        expect(cadvisor.attributes).toEqual(expect.objectContaining({ docker_only: true, store_container_labels: false }));
    });

    test("the file says where it comes from: the stack, and that the settings are what to edit", () => {
        const first = renderAlloyConfig(parseSettings("dev", { ...rawConfig(stackConfig("dev")), collector: "alloy" })).split("\n")[0];
        expect(first).toMatch(/^\/\/ .*\bobs-dev\b.*settings/);
    });
});

describe("alloy-check catches what a broken file gets wrong", () => {
    const good = lazy(() => renderAlloyConfig(parseSettings("dev", { collector: "alloy" })));
    test.each([
        ["an unknown attribute", (g: string) => g.replace("refresh_interval =", "refresh_interval_typo =")],
        ["a reference to a component that does not exist", (g: string) => g.replace("loki.write.loki.receiver", "loki.write.nowhere.receiver")],
        ["a missing required attribute", (g: string) => g.replace(/\s+url = "http:\/\/loki:3100\/loki\/api\/v1\/push"/, "")],
        ["an unterminated string", (g: string) => g.replace('"15s"', '"15s')],
    ])("%s", (_what, breakIt) => {
        const broken = breakIt(good());
        expect(broken).not.toBe(good());
        const r = check("broken", broken);
        expect(r.status).toBe(1);
        if (isAlloyCheck()) expect(r.out).toMatch(/broken\.alloy:\d+:\d+: /);
    });
});

describe("the Alloy syntax writer", () => {
    test("escapes strings, writes lists, objects with quoted keys, numbers, booleans and references", () => {
        const text = renderAlloy([
            { name: "loki.write", label: "out", blocks: [{ name: "endpoint", attributes: [["url", "http://x/\"q\"\\path\n"], ["headers", { "X-Scope-OrgID": "a b", plain: "c" }], ["max_backoff_retries", 3], ["retry_on_http_429", false]] }] },
            { name: "loki.process", label: "p", attributes: [["forward_to", [new Ref("loki.write.out.receiver")]]], blocks: [{ name: "stage.labels", attributes: [["values", { level: "" }]] }] },
        ]);
        expect(check("writer", text)).toEqual({ status: 0, out: "" });
        const [write, process] = parseAlloy(text);
        expect(write.blocks[0].attributes).toEqual({ url: "http://x/\"q\"\\path\n", headers: { "X-Scope-OrgID": "a b", plain: "c" }, max_backoff_retries: 3, retry_on_http_429: false });
        expect(process.attributes.forward_to).toEqual([{ ref: "loki.write.out.receiver" }]);
    });
    test("lays a file out as written by hand: two spaces a level, a blank line between blocks, the comment on top", () => {
        const text = renderAlloy(
            [
                { name: "a.b", label: "x", attributes: [["m", { k: { n: 1 } }], ["e", {}], ["l", []]], blocks: [{ name: "c", attributes: [["v", true]] }, { name: "d" }] },
                { name: "e.f", label: "y" },
            ],
            "line one\n\nline three",
        );
        const expected = [
            "// line one",
            "//",
            "// line three",
            "",
            'a.b "x" {',
            "  m = {",
            "    k = {",
            "      n = 1,",
            "    },",
            "  }",
            "  e = {}",
            "  l = []",
            "",
            "  c {",
            "    v = true",
            "  }",
            "",
            "  d {",
            "  }",
            "}",
            "",
            'e.f "y" {',
            "}",
            "",
        ];
        expect(text.split("\n")).toEqual(expected);
        expect(renderAlloy([{ name: "e.f", label: "y" }])).toBe('e.f "y" {\n}\n');
    });
    test("leaves out undefined attributes, refuses names and references Alloy would not read", () => {
        for (const bad of ["a.b c", " a.b", "a", "a.", ".a"]) expect(() => new Ref(bad)).toThrow(/reference/);
        expect(renderAlloy([{ name: "discovery.relabel", label: "x", attributes: [["targets", []], ["unused", undefined]] }])).not.toContain("unused");
        expect(() => renderAlloy([{ name: "bad name", attributes: [] }])).toThrow(/block name/);
        expect(() => renderAlloy([{ name: "loki.write", attributes: [["bad-attr", 1]] }])).toThrow(/attribute name/);
        expect(() => new Ref("not a ref")).toThrow(/reference/);
        expect(() => renderAlloy([{ name: "x.y", attributes: [["n", Number.NaN]] }])).toThrow(/finite/);
    });
});

test("the checker is the real one: it knows Alloy's components", () => {
    // alloy-check describes a component's schema; `alloy validate` refuses one that does not exist.
    if (isAlloyCheck()) expect(checker().run(["-describe", "loki.source.docker"]).stdout).toMatch(/relabel_rules/);
    else expect(check("unknown", 'loki.source.nowhere "x" {}\n').status).toBe(1);
});
