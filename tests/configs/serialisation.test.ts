import * as yaml from "js-yaml";
import { stableJson } from "../../configs/grafana/json";
import { dockerMetaLabel, escapeRegex } from "../../configs/labels";
import { toYaml } from "../../configs/yaml";

describe("toYaml: every uploaded YAML file", () => {
    test("an object used twice is written out twice, not as an anchor and alias", () => {
        const shared = { targets: ["loki:3100"] };
        const text = toYaml({ a: shared, b: shared });
        expect(text).not.toMatch(/[&*]ref_/);
        expect(yaml.load(text)).toEqual({ a: shared, b: shared });
    });
    test("a long line stays one line (a folded regex or query would change meaning for some readers)", () => {
        const long = `^(${"x".repeat(150)}|${"y".repeat(150)}) - \\d+`;
        const text = toYaml({ firstline: long });
        expect(text.trim().split("\n")).toHaveLength(1);
        expect((yaml.load(text) as any).firstline).toBe(long);
    });
    test("strings that need quotes get double quotes", () => {
        expect(toYaml({ from: "2024-01-01", empty: "" })).toBe('from: "2024-01-01"\nempty: ""\n');
    });
});

describe("stableJson: dashboards serialised the same way every time", () => {
    test("keys sorted at every depth, inside arrays too; arrays keep their order", () => {
        expect(stableJson({ b: 1, a: { d: [{ z: 1, y: 2 }, 3], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1},3]},"b":1}');
    });
    test("insertion order does not matter", () => {
        expect(stableJson({ x: 1, y: { q: 2, p: 3 } })).toBe(stableJson({ y: { p: 3, q: 2 }, x: 1 }));
    });
});

describe("labels as the collector sees them", () => {
    test("a Docker label becomes its meta label with every character outside [a-zA-Z0-9_] replaced", () => {
        expect(dockerMetaLabel("com.docker.compose.service")).toBe("__meta_docker_container_label_com_docker_compose_service");
        expect(dockerMetaLabel("observability.allow-all-interfaces")).toBe("__meta_docker_container_label_observability_allow_all_interfaces");
        expect(dockerMetaLabel("Key_9")).toBe("__meta_docker_container_label_Key_9");
    });
    test("an escaped literal matches itself and nothing else", () => {
        const literal = "a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o";
        const re = new RegExp(`^${escapeRegex(literal)}$`);
        expect(re.test(literal)).toBe(true);
        expect(re.test(literal.replace(".", "x"))).toBe(false);
        expect(escapeRegex("obs-dev_loki")).toBe("obs-dev_loki");
    });
});
