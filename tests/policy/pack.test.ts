/**
 * policy/index.ts, the pack `pulumi preview --policy-pack policy` loads: every rule, mandatory (README: a
 * violation stops the update), forwarding each violation. PolicyPack is replaced to capture what the pack declares.
 */
const declared: Array<{ name: string; args: any }> = [];
jest.mock("@pulumi/policy", () => ({
    PolicyPack: class {
        constructor(name: string, args: unknown) {
            declared.push({ name, args });
        }
    },
}));

import { RULES as DOCKER_RULES } from "../../policy/rules";
import { KUBERNETES_RULES } from "../../policy/kubernetesRules";

/** The pack's rules in its order: the Docker rules, then the Kubernetes rules. */
const RULES = [...DOCKER_RULES, ...KUBERNETES_RULES];

beforeAll(() => {
    require("../../policy/index");
});

test("one pack with every rule once", () => {
    expect(declared).toHaveLength(1);
    expect(declared[0].name).toMatch(/^observability/);
    expect(declared[0].args.policies.map((p: any) => p.name)).toEqual(RULES.map((r) => r.name));
});

test("every policy is mandatory and described", () => {
    for (const [i, p] of declared[0].args.policies.entries()) {
        expect([p.name, p.enforcementLevel]).toEqual([p.name, "mandatory"]);
        expect(p.description).toBe(RULES[i].description);
        expect(p.description.length).toBeGreaterThan(10);
    }
});

test("validateResource reports each of its rule's violations for the resource it is given", () => {
    const index = RULES.findIndex((r) => !r.stackWide);
    const rule = RULES[index] as { check: (r: unknown, stack: unknown) => string[] };
    const original = rule.check;
    const checked: unknown[] = [];
    rule.check = (r) => (checked.push(r), ["first", "second"]);
    try {
        const reported: string[] = [];
        declared[0].args.policies[index].validateResource({ type: "t", urn: "u", props: { p: 1 }, extra: true }, (m: string) => reported.push(m));
        expect(reported).toEqual(["first", "second"]);
        expect(checked).toEqual([{ type: "t", urn: "u", props: { p: 1 } }]);
    } finally {
        rule.check = original;
    }
});

test("a stack-wide rule sees every resource with its property dependencies, and reports each violation on its resource", () => {
    const index = RULES.findIndex((r) => r.stackWide);
    expect(declared[0].args.policies[index].validateResource).toBeUndefined();
    const image = { type: "docker:index/remoteImage:RemoteImage", urn: "urn:i", props: { name: "grafana/grafana:13.1.2" }, propertyDependencies: {} };
    const container = { type: "docker:index/container:Container", urn: "urn:c", props: { name: "c", envs: [] }, opts: { protect: false }, propertyDependencies: { image: [image] } };
    const rule = RULES.find((r) => r.name === "grafana-no-anonymous")!;
    const reported: Array<[string, string]> = [];
    declared[0].args.policies[RULES.indexOf(rule)].validateStack({ resources: [image, container] }, (m: string, urn: string) => reported.push([m, urn]));
    // The container's image is known only through its dependency: the rule saw it.
    expect(reported).toEqual([["Grafana c does not disable anonymous access", "urn:c"]]);
});
