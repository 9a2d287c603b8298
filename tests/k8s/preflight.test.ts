/**
 * `npm run up` on a Kubernetes stack first asks the cluster for its version with the real kubectl (scripts/preflight.ts
 * clusterProblem), against the real API server of test:k8s: it answers, a context that does not exist does not, and a
 * stopped server does not.
 */
import { clusterProblem } from "../../scripts/preflight";
import { TestCluster, kubeTools, startTestCluster } from "../harness/kube";

let cluster: TestCluster;
const saved = process.env.KUBECONFIG;
/** The tier's kubectl (a machine's PATH may hold another, e.g. Google Cloud SDK's dispatcher). */
const check = (context: string | undefined, timeout = 10) => clusterProblem("cluster", context, timeout, kubeTools().kubectl);

beforeAll(async () => {
    cluster = await startTestCluster();
    process.env.KUBECONFIG = cluster.kubeconfig;
});
afterAll(() => {
    cluster?.stop();
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
});

test("a cluster that answers: no problem", () => {
    expect(check(undefined)).toBeUndefined();
});

test("a context the kubeconfig lacks: one line naming it and the setting to change", () => {
    expect(check("no-such-context")).toMatch(/^error: stack cluster's cluster does not answer \(context no-such-context\): .*no-such-context.*; start it, or set `pulumi config set --path kubernetes.context <context> --stack cluster`$/);
});

test("a stopped API server: one line, within the timeout", () => {
    if (process.env.OBSERVABILITY_TEST_KUBECONFIG) return; // a user's cluster is not stopped by the tests
    cluster.stop();
    const started = Date.now();
    expect(check(undefined, 3)).toMatch(/^error: stack cluster's cluster does not answer \(the kubeconfig's current context\): .+/);
    expect(Date.now() - started).toBeLessThan(15000);
});
