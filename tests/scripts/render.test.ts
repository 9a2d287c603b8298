/**
 * `npm run render -- <stack> <dir>` and `npm run declare-config [-- --check]`: exit codes and what they write.
 * The stack tests compare render's files with the uploads; here: the command line, as a process and in-process.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { main as render } from "../../scripts/render";
import { registeredCharts } from "../harness/charts";
import { runProgram } from "../harness/mocks";
import { stackConfig } from "../harness/stackFiles";
import { PROJECT_FILE, declaredProject, main as declareConfig } from "../../scripts/declareConfig";

const ROOT = path.join(__dirname, "..", "..");
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));

function files(dir: string): string[] {
    return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

function script(name: string, args: string[]) {
    return spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(ROOT, "scripts", name), ...args], { cwd: ROOT, encoding: "utf8" });
}

describe("npm run render", () => {
    // The script as a process once (its entry point and exit code); everything else in-process.
    let proc: ReturnType<typeof script>;
    let out: string;
    beforeAll(() => {
        out = tmp("render");
        proc = script("render.ts", ["dev", out]);
    });

    test("as a process: writes each file once, says so per file, exit 0", () => {
        expect(proc.status).toBe(0);
        const written = files(out);
        expect(written.length).toBeGreaterThanOrEqual(4);
        expect(proc.stdout.trim().split("\n").sort()).toEqual(written.map((f) => `wrote ${path.join(out, f)}`).sort());
    });

    test("in-process it writes the same files, byte for byte", () => {
        const again = tmp("render-again");
        const logged: string[] = [];
        expect(render(["dev", again], ROOT, (m) => logged.push(m))).toBe(0);
        expect(files(again)).toEqual(files(out));
        for (const f of files(out)) expect([f, fs.readFileSync(path.join(again, f), "utf8")]).toEqual([f, fs.readFileSync(path.join(out, f), "utf8")]);
        expect(logged.sort()).toEqual(files(again).map((f) => `wrote ${path.join(again, f)}`).sort());
    });

    test("without a directory: usage, exit 2, nothing written", () => {
        const errors: string[] = [];
        expect(render(["dev"], ROOT, () => undefined, (m) => errors.push(m))).toBe(2);
        expect(render([], ROOT, () => undefined, (m) => errors.push(m))).toBe(2);
        expect(errors).toEqual(["usage: npm run render -- <stack> <dir>", "usage: npm run render -- <stack> <dir>"]);
    });

    test("a stack whose configuration is invalid: the settings error, exit 1, nothing written", () => {
        const project = tmp("render-project");
        fs.writeFileSync(path.join(project, "Pulumi.bad.yaml"), "config:\n  observability:retainVolumes: sometimes\n");
        const target = path.join(tmp("render-out"), "files");
        const errors: string[] = [];
        expect(render(["bad", target], project, () => undefined, (m) => errors.push(m))).toBe(1);
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatch(/observability:retainVolumes.*sometimes/);
        expect(fs.existsSync(target)).toBe(false);
    });

    test("a Kubernetes stack: each chart's values, the ones its helm.v4.Chart receives", async () => {
        const out = tmp("render-cluster");
        expect(render(["cluster", out], ROOT, () => undefined)).toBe(0);
        expect(files(out)).toEqual(["alloy/values.yaml", "falco/values.yaml", "grafana/values.yaml", "loki/values.yaml", "prometheus/values.yaml"]);
        const run = await runProgram("cluster", stackConfig("cluster"));
        // All but the secrets digest on the pods that read Secrets: it is keyed by a secret in the state, which an
        // offline render has not (only Grafana's pod reads one in this stack file).
        for (const chart of registeredCharts(run)) {
            const { podAnnotations, ...values } = chart.values as Record<string, unknown>;
            if (chart.chart === "grafana") expect(Object.keys(podAnnotations as object)).toEqual(["observability-stack/secrets-digest"]);
            const expected = chart.chart === "grafana" ? values : chart.values;
            expect([chart.chart, yaml.load(fs.readFileSync(path.join(out, chart.chart, "values.yaml"), "utf8"))]).toEqual([chart.chart, expected]);
        }
    });
});

describe("npm run declare-config", () => {
    const copy = (text: string) => {
        const file = path.join(tmp("declare"), "Pulumi.yaml");
        fs.writeFileSync(file, text);
        return file;
    };
    const current = fs.readFileSync(PROJECT_FILE, "utf8");

    test("--check on the committed Pulumi.yaml: exit 0, nothing printed", () => {
        const errors: string[] = [];
        expect(declareConfig(["--check"], copy(current), (m) => errors.push(m))).toBe(0);
        expect(errors).toEqual([]);
    });

    test("--check on an out-of-date file: exit 1 and the fix, file left as it was", () => {
        const stale = current.replace("default: alloy", "default: promtail");
        expect(stale).not.toBe(current);
        const file = copy(stale);
        const errors: string[] = [];
        expect(declareConfig(["--check"], file, (m) => errors.push(m))).toBe(1);
        expect(errors).toEqual(["Pulumi.yaml's config declarations are out of date: run `npm run declare-config`"]);
        expect(fs.readFileSync(file, "utf8")).toBe(stale);
    });

    test("without --check: rewrites the file to the declarations, keeping the other keys", () => {
        const file = copy("name: observability\nruntime: nodejs\nconfig:\n  stale: {type: string}\n");
        expect(declareConfig([], file)).toBe(0);
        const written = fs.readFileSync(file, "utf8");
        expect(written).toBe(declaredProject("name: observability\nruntime: nodejs\n"));
        expect(written).toMatch(/^name: observability\nruntime: nodejs\n/);
        expect(written).not.toMatch(/stale/);
    });
});
