import { PolicyResource, violations } from "../../policy/rules";
import { ProgramRun, reveal } from "./mocks";

/**
 * The stack's registered resources as the policy engine would see them after an update: inputs and outputs. The
 * mock monitor is not told property dependencies, so a container's image is found by its ID, as the rules also do.
 */
export function asPolicyResources(stack: string, run: ProgramRun): PolicyResource[] {
    return run.resources.map((r) => ({
        type: r.type,
        urn: `urn:pulumi:${stack}::observability::${r.type}::${r.name}`,
        props: reveal({ ...r.inputs, ...(r.state ?? {}) }),
        protect: r.options?.protect,
    }));
}

export function policySpec(stack: string, program: { run: () => ProgramRun }): void {
    test(`${stack}: every registered resource passes the policy pack with zero violations`, () => {
        const resources = asPolicyResources(stack, program.run());
        expect(resources.filter((r) => r.type === "docker:index/container:Container").length).toBeGreaterThanOrEqual(4);
        expect(violations(resources)).toEqual([]);
    });

    test(`${stack}: the socket's readers pass because of the images they run, not their labels`, () => {
        const resources = asPolicyResources(stack, program.run());
        // Each RemoteImage renamed to an unknown repository: the same containers, labels and mounts now fail.
        const renamed = resources.map((r) => (r.type === "docker:index/remoteImage:RemoteImage" ? { ...r, props: { ...r.props, name: "example/unknown:1.0.0" } } : r));
        const readers = violations(renamed).filter((v) => v.startsWith("docker-socket:"));
        expect(readers).toEqual(expect.arrayContaining([expect.stringMatching(/container \S+-socket-proxy .* mounts the Docker socket/)]));
        expect(readers.some((v) => /-falco /.test(v))).toBe(resources.some((r) => /-falco$/.test(r.props.name ?? "")));
    });
}
