import { PolicyResource, violations } from "../../policy/rules";
import { ProgramRun, reveal } from "./mocks";

/** The stack's registered resources as the policy engine would see them. */
export function asPolicyResources(stack: string, run: ProgramRun): PolicyResource[] {
    return run.resources.map((r) => ({ type: r.type, urn: `urn:pulumi:${stack}::observability::${r.type}::${r.name}`, props: reveal(r.inputs), protect: r.options?.protect }));
}

export function policySpec(stack: string, program: { run: () => ProgramRun }): void {
    test(`${stack}: every registered resource passes the policy pack with zero violations`, () => {
        const resources = asPolicyResources(stack, program.run());
        expect(resources.filter((r) => r.type === "docker:index/container:Container").length).toBeGreaterThanOrEqual(4);
        expect(violations(resources)).toEqual([]);
    });
}
