import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * The bail harness Stryker's Jest runs with (jest.mutation.config.js): during a mutant run the first failure
 * ends the run; with no active mutant (Stryker's dry run, which measures coverage) and for a surviving mutant
 * every test runs. Proven by running Jest itself on made-up test files.
 */
const ROOT = path.join(__dirname, "..", "..");
const mutationConfig = require(path.join(ROOT, "jest.mutation.config.js"));

const FILES: Record<string, string> = {
    // Named so that the sequencer below runs them in this order.
    "a.test.js": 'test("a1 passes", () => {});\ntest("a2 fails", () => { throw new Error("killed"); });\ntest("a3 after the failure", () => {});\n',
    "b.test.js": 'test("b1 in the next file", () => {});\n',
};
const HOOK_FAILS: Record<string, string> = {
    "a.test.js": 'beforeAll(() => { throw new Error("the program run failed"); });\ntest("a1 under the hook", () => {});\ntest("a2 under the hook", () => {});\n',
    "b.test.js": 'test("b1 in the next file", () => {});\n',
};
const LOAD_FAILS: Record<string, string> = {
    // Throws while its tests are collected, as a stack test does when the mutated parser refuses its stack file.
    "a.test.js": 'throw new Error("the stack file is refused");\ntest("a1 never collected", () => {});\n',
    "b.test.js": 'describe("b", () => { throw new Error("refused inside describe"); });\n',
    "c.test.js": 'test("c1 in the next file", () => {});\n',
};
const PASSING: Record<string, string> = {
    "a.test.js": 'test("a1 passes", () => {});\n',
    "b.test.js": 'test("b1 passes", () => {});\n',
};

const COVERED: Record<string, string> = {
    // Stryker's instrumentation in miniature (instrumenter syntax-helpers.js): a hit counts for the current
    // test id, or as static without one. Stryker's own mixin, which sets the id inside tests, is not loaded.
    "a.test.js": [
        "const ns = (globalThis.__stryker__ = { mutantCoverage: { static: {}, perTest: {} } });",
        "const cover = (id) => { const c = ns.currentTestId ? (ns.mutantCoverage.perTest[ns.currentTestId] ??= {}) : ns.mutantCoverage.static; c[id] = (c[id] ?? 0) + 1; };",
        'cover("load");',
        'describe("stack", () => {',
        '    beforeAll(() => cover("program"));',
        '    test("reads the run", () => {});',
        '    describe("inner", () => { beforeAll(() => cover("inner")); test("deeper", () => {}); });',
        "});",
        'test("outside", () => {});',
        'afterAll(() => require("fs").writeFileSync(process.env.COVERAGE_OUT, JSON.stringify(ns.mutantCoverage)));',
    ].join("\n"),
};

function runJest(files: Record<string, string>, activeMutant: string | undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mutation-bail-"));
    const coverageOut = path.join(dir, "coverage.json");
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    fs.writeFileSync(
        path.join(dir, "sequencer.js"),
        'const S = require(require.resolve("@jest/test-sequencer", { paths: [process.env.JEST_ROOT] })).default;\n' +
            "module.exports = class extends S { sort(t) { return [...t].sort((x, y) => x.path.localeCompare(y.path)); } };\n",
    );
    const config = {
        rootDir: dir,
        testMatch: ["**/*.test.js"],
        testEnvironment: mutationConfig.testEnvironment,
        runner: mutationConfig.runner,
        testSequencer: path.join(dir, "sequencer.js"),
    };
    const env: NodeJS.ProcessEnv = { ...process.env, JEST_ROOT: ROOT, COVERAGE_OUT: coverageOut };
    delete env.__STRYKER_ACTIVE_MUTANT__;
    if (activeMutant !== undefined) env.__STRYKER_ACTIVE_MUTANT__ = activeMutant;
    const out = path.join(dir, "result.json");
    spawnSync(process.execPath, [require.resolve("jest/bin/jest"), "--runInBand", "--config", JSON.stringify(config), "--json", "--outputFile", out], {
        cwd: dir,
        env,
        encoding: "utf8",
    });
    const result = JSON.parse(fs.readFileSync(out, "utf8"));
    const status: Record<string, string> = {};
    for (const file of result.testResults) for (const t of file.assertionResults) status[t.title] = t.status;
    const coverage = fs.existsSync(coverageOut) ? JSON.parse(fs.readFileSync(coverageOut, "utf8")) : undefined;
    return { status, filesRun: result.testResults.map((f: any) => path.basename(f.name)), coverage, runtimeErrors: result.numRuntimeErrorTestSuites as number };
}

describe("mutation runs bail at the first failure (jest.mutation.config.js)", () => {
    const listTests = (...args: string[]) => {
        const r = spawnSync(process.execPath, [require.resolve("jest/bin/jest"), "--listTests", ...args], { cwd: ROOT, encoding: "utf8" });
        return r.stdout.trim().split("\n").map((f) => path.relative(ROOT, f)).sort();
    };

    test("Stryker's Jest runs the unit tier's tests, no more, no fewer", () => {
        const unit = listTests();
        expect(unit.length).toBeGreaterThan(10);
        expect(listTests("--config", path.join(ROOT, "jest.mutation.config.js"))).toEqual(unit);
    });

    test("a mutant in a component is run against the stack tests (imports followed through index.ts)", () => {
        const related = listTests("--config", path.join(ROOT, "jest.mutation.config.js"), "--findRelatedTests", path.join(ROOT, "components", "loki.ts"));
        for (const stack of ["dev", "staging", "prod"]) expect(related).toContain(path.join("tests", "stacks", `${stack}.test.ts`));
    });

    test("with a mutant active, the tests after the first failure and the files after it do not run", () => {
        const { status, filesRun } = runJest(FILES, "17");
        expect(status).toEqual({ "a1 passes": "passed", "a2 fails": "failed", "a3 after the failure": "pending" });
        expect(filesRun).toEqual(["a.test.js"]);
    });

    test("a failing beforeAll fails the first test under it (the mutant is killed), then the rest is skipped", () => {
        const { status, filesRun } = runJest(HOOK_FAILS, "17");
        expect(status).toEqual({ "a1 under the hook": "failed", "a2 under the hook": "pending" });
        expect(filesRun).toEqual(["a.test.js"]);
    });

    test("with a mutant active, a file that cannot be collected is one failed test, not a suite error, and ends the run", () => {
        const { status, filesRun, runtimeErrors } = runJest(LOAD_FAILS, "17");
        expect(status).toEqual({ "the test file loads": "failed" });
        expect(filesRun).toEqual(["a.test.js"]);
        expect(runtimeErrors).toBe(0);
    });

    test("a describe block that throws counts the same way", () => {
        const { status, runtimeErrors } = runJest({ "b.test.js": LOAD_FAILS["b.test.js"], "c.test.js": LOAD_FAILS["c.test.js"] }, "17");
        expect(status).toEqual({ "the test file loads": "failed" });
        expect(runtimeErrors).toBe(0);
    });

    test("in the dry run a file that cannot be collected stays a suite error (Stryker must not start on it)", () => {
        const { status, runtimeErrors } = runJest(LOAD_FAILS, undefined);
        expect(runtimeErrors).toBe(2);
        expect(status).toEqual({ "c1 in the next file": "passed" });
    });

    test("with no mutant active (Stryker's dry run) every test runs", () => {
        const { status, filesRun } = runJest(FILES, undefined);
        expect(status).toEqual({ "a1 passes": "passed", "a2 fails": "failed", "a3 after the failure": "passed", "b1 in the next file": "passed" });
        expect(filesRun).toEqual(["a.test.js", "b.test.js"]);
    });

    test("a mutant no test kills runs every test (a survivor is only declared after all of them)", () => {
        const { status, filesRun } = runJest(PASSING, "17");
        expect(status).toEqual({ "a1 passes": "passed", "b1 passes": "passed" });
        expect(filesRun).toEqual(["a.test.js", "b.test.js"]);
    });

    test("dry run: what a beforeAll covers counts for every test under its describe block, not for others", () => {
        const { status, coverage } = runJest(COVERED, undefined);
        expect(Object.values(status)).toEqual(["passed", "passed", "passed"]);
        const perTest = Object.fromEntries(Object.entries(coverage.perTest).filter(([id]) => !id.startsWith("\u0000")));
        expect(perTest).toEqual({ "stack reads the run": { program: 1 }, "stack inner deeper": { program: 1, inner: 1 } });
        expect(coverage.static).toEqual({ load: 1 });
    });

    test("mutant run: beforeAll coverage is left alone (only the dry run measures coverage)", () => {
        const { coverage } = runJest(COVERED, "17");
        expect(coverage.perTest).toEqual({});
        expect(coverage.static).toEqual({ load: 1, program: 1, inner: 1 });
    });

    test("Stryker's test ids are the describe names and the test name, as its own mixin computes them", () => {
        const { fullName } = require(path.join(ROOT, "tests", "harness", "mutationBail", "environment.js"));
        const root = { name: "ROOT_DESCRIBE_BLOCK" };
        const outer = { name: "dev: network", parent: root };
        const inner = { name: "inner", parent: outer };
        expect(fullName({ name: "one bridge", parent: inner })).toBe("dev: network inner one bridge");
        expect(fullName({ name: "top", parent: root })).toBe("top");
    });

    test("files run failed-last-time first, then quickest first, untimed last", () => {
        const { order } = require(path.join(ROOT, "tests", "harness", "mutationBail", "sequencer.js"));
        const files = [
            { name: "slow", failed: false, duration: 3000 },
            { name: "untimed", failed: false, duration: undefined },
            { name: "quick", failed: false, duration: 50 },
            { name: "failed-slow", failed: true, duration: 5000 },
            { name: "medium", failed: false, duration: 400 },
        ];
        expect([...files].sort(order).map((f) => f.name)).toEqual(["failed-slow", "quick", "medium", "slow", "untimed"]);
    });
});
