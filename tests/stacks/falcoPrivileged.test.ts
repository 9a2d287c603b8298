import { violations } from "../../policy/rules";
import { container, runProgram, stackConfig } from "../harness/mocks";
import { asPolicyResources } from "../harness/policySpec";

// The prod stack file with Falco switched to privileged mode, for hosts where least privilege does not work.
test("privileged Falco: privileged, no added capabilities, still within policy", async () => {
    const run = await runProgram("prod", stackConfig("prod", { "observability:falco": { enabled: true, privileged: true } }));
    const falco = container(run, "falco");
    expect(falco.inputs.privileged).toBe(true);
    expect(falco.inputs.capabilities).toEqual({ drops: ["ALL"], adds: [] });
    for (const other of ["loki", "promtail", "prometheus", "grafana"]) expect(container(run, other).inputs.privileged).toBe(false);
    expect(violations(asPolicyResources("prod", run))).toEqual([]);
});
