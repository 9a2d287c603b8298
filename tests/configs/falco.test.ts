import Ajv from "ajv";
import * as yaml from "js-yaml";
import { renderFalcoConfig, renderFalcoRules } from "../../configs/falco";
import { scrapeTargets } from "../../configs/scrapeTargets";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { FALCO_SEVERITY, configSchema, rulesSchema } from "../harness/falcoSchemas";
import { lazy } from "../harness/lazy";
import { stackConfig, stacks } from "../harness/stackFiles";

function validator(schema: object) {
    // No format checks: the stack sets no URL or other formatted value, and ajv knows no "uri" without a plugin.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json"));
    return ajv.compile(schema);
}

const config = lazy(() => yaml.load(renderFalcoConfig()) as Record<string, any>);
const severity = (p: string) => FALCO_SEVERITY.indexOf(p.toUpperCase());

test("falco.yaml is valid against Falco 0.44.1's configuration schema", () => {
    const validate = validator(configSchema);
    expect(validate(config()) ? [] : validate.errors).toEqual([]);
});

test("events leave only through stdout, as JSON, which the collector ships; every other output is off", () => {
    const props = configSchema.definitions.FalcoConfig.properties as Record<string, { $ref?: string }>;
    const outputs = Object.keys(props).filter((k) => props[k].$ref?.endsWith("Output"));
    expect(outputs.length).toBeGreaterThanOrEqual(4);
    // Falco reads a missing `enabled` as false (configuration.cpp), so an absent output is an off one.
    for (const k of outputs) expect({ output: k, enabled: config()[k]?.enabled ?? false }).toEqual({ output: k, enabled: k === "stdout_output" });
    expect(config().json_output).toBe(true);
});

test("Falco's own log goes to the container's log, not to a syslog the container does not have", () => {
    expect([config().log_stderr, config().log_syslog]).toEqual([true, false]);
});

test("health and metrics on the web server: the port Prometheus scrapes, an interval in Prometheus' duration form", () => {
    const settings = parseSettings("prod", { ...rawConfig(stackConfig("prod")), falco: { enabled: true } });
    const target = scrapeTargets(settings).find((t) => t.job === "falco")!;
    expect(target.target).toBe(`falco:${config().webserver.listen_port}`);
    expect(config().webserver).toEqual(expect.objectContaining({ enabled: true, prometheus_metrics_enabled: true, k8s_healthz_endpoint: "/healthz" }));
    // Plain HTTP, as Prometheus scrapes it.
    expect(config().webserver.ssl_enabled ?? false).toBe(false);
    expect(config().metrics.enabled).toBe(true);
    expect(config().metrics.interval).toMatch(/^(\d+(ms|s|m|h|d|w|y))+$/);
});

test("modern eBPF, the image's default rules and the stack's own, the container plugin from the image", () => {
    expect(config().engine).toEqual({ kind: "modern_ebpf" });
    expect(config().rules_files[0]).toBe("/etc/falco/falco_rules.yaml");
    expect(config().plugins).toEqual([expect.objectContaining({ name: "container", library_path: "libcontainer.so" })]);
});

describe.each(stacks())("%s: the stack's Falco rules", (stack) => {
    const settings = lazy(() => parseSettings(stack, { ...rawConfig(stackConfig(stack)), falco: { enabled: true } }));
    const items = lazy(() => yaml.load(renderFalcoRules(settings())) as any[]);
    const rules = () => items().filter((i) => i.rule);

    test("valid against Falco 0.44.1's rule schema", () => {
        const validate = validator(rulesSchema);
        expect(validate(items()) ? [] : validate.errors).toEqual([]);
        expect(rules().length).toBeGreaterThanOrEqual(3);
    });

    test("every rule is at or above the minimum priority Falco is configured with (a rule below it never fires)", () => {
        const minimum = severity(config().priority);
        // Above debug and informational, at most warning: everything the Falco alert counts reaches Loki.
        expect(minimum).toBeGreaterThan(severity("WARNING"));
        expect(minimum).toBeLessThan(severity("INFORMATIONAL"));
        for (const r of rules()) expect({ rule: r.rule, above: severity(r.priority) <= minimum }).toEqual({ rule: r.rule, above: true });
    });

    test("each event says what happened and where: a description, the container and the command in its output", () => {
        for (const r of rules()) {
            expect(r.desc).toMatch(/^[A-Z].{20,}\.$/);
            expect(r.output).toMatch(/^[A-Z][^(]+ \(.*container=%container\.name.*\)$/);
            expect(r.output).toContain("cmdline=%proc.cmdline");
        }
    });

    test("each rule is tagged as the stack's, with the container tag and one MITRE ATT&CK tactic", () => {
        for (const r of rules()) {
            expect(r.tags.slice(0, 2)).toEqual(["observability_stack", "container"]);
            expect(r.tags.filter((t: string) => t.startsWith("mitre_"))).toHaveLength(1);
            expect(new Set(r.tags).size).toBe(r.tags.length);
        }
    });

    test("every list a condition names is defined in the file, and every list is used", () => {
        const lists = items().filter((i) => i.list).map((i) => i.list as string);
        const used = rules().flatMap((r) => [...(r.condition as string).matchAll(/\((obs_\w+)\)/g)].map((m) => m[1]));
        expect([...new Set(used)].sort()).toEqual([...lists].sort());
        for (const l of items().filter((i) => i.list)) expect(l.items.length).toBeGreaterThan(0);
    });
});
