import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { folderScores, main, mergeReports, summary } from "../../scripts/mutationScores";

/**
 * The last step of `npm run test:mutation`: each mutated folder's score, as Stryker defines it
 * (stryker-mutator.io/docs/mutation-testing-elements/mutant-states-and-metrics: detected = killed + timeout;
 * valid = detected + survived + no coverage; compile and runtime errors and ignored mutants do not count),
 * and exit 1 when one folder is under 80% (the bar issue 14 sets).
 */
const ROOT = path.join(__dirname, "..", "..");
const SCRIPT = path.join(ROOT, "scripts", "mutationScores.ts");

const mutants = (counts: Record<string, number>) => Object.entries(counts).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status })));

function reportOf(files: Record<string, Record<string, number>>) {
    const entries = Object.entries(files).map(([file, counts]) => [file, { mutants: mutants(counts) }]);
    return { files: Object.fromEntries(entries) };
}

/** In-process, as the script computes it; `status` is the exit code the script sets. */
function score(files: Record<string, Record<string, number>>) {
    const { lines, failed } = summary(folderScores(reportOf(files), ROOT));
    const line = (folder: string) => lines.find((l) => l.startsWith(folder + " "));
    return { status: failed ? 1 : 0, stdout: lines.join("\n"), line };
}

/** As `npm run test:mutation` runs it, on report files. */
function scoreProcess(...reports: Array<Record<string, Record<string, number>>>) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mutation-scores-"));
    const files = reports.map((r, i) => {
        const file = path.join(dir, `mutation-${i}.json`);
        fs.writeFileSync(file, JSON.stringify(reportOf(r)));
        return file;
    });
    return spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", SCRIPT, ...files], { cwd: ROOT, encoding: "utf8" });
}

/** Every folder at exactly the bar: 4 of 5 detected. */
const ALL_AT_BAR: Record<string, Record<string, number>> = {
    "settings/parse.ts": { Killed: 4, Survived: 1 },
    "configs/loki.ts": { Killed: 3, Timeout: 1, NoCoverage: 1 },
    "components/loki.ts": { Killed: 4, Survived: 1 },
    "policy/rules.ts": { Killed: 4, Survived: 1 },
    "scripts/smoke.ts": { Killed: 4, Survived: 1 },
};

describe("npm run test:mutation: per-folder scores", () => {
    test("every folder at 80%: each printed, exit 0", () => {
        const r = score(ALL_AT_BAR);
        expect(r.status).toBe(0);
        for (const folder of ["settings", "configs", "components", "policy", "scripts"]) expect(r.line(folder)).toMatch(/ 80\.0%\s+\(4\/5 mutants detected\)$/);
    });

    test("one folder under 80% fails the run and is named", () => {
        const r = score({ ...ALL_AT_BAR, "configs/loki.ts": { Killed: 3, Survived: 1, NoCoverage: 1 } });
        expect(r.status).toBe(1);
        expect(r.line("configs")).toMatch(/60\.0%\s+\(3\/5 mutants detected\)\s+below 80%$/);
        expect(r.line("settings")).not.toMatch(/below/);
    });

    test("compile errors, runtime errors and ignored mutants are left out; timeouts count as detected", () => {
        const r = score({ ...ALL_AT_BAR, "scripts/smoke.ts": { Killed: 3, Timeout: 1, Survived: 1, CompileError: 7, RuntimeError: 2, Ignored: 5 } });
        expect(r.status).toBe(0);
        expect(r.line("scripts")).toMatch(/80\.0%\s+\(4\/5 mutants detected\)$/);
    });

    test("files are counted in their own folder, by relative or absolute path; other folders are not scored", () => {
        const r = score({
            ...ALL_AT_BAR,
            [path.join(ROOT, "settings", "units.ts")]: { Survived: 5 },
            "tests/harness/mocks.ts": { Survived: 50 },
            "configs-old/x.ts": { Survived: 50 },
        });
        expect(r.line("settings")).toMatch(/40\.0%\s+\(4\/10 mutants detected\)/);
        expect(r.line("configs")).toMatch(/80\.0%\s+\(4\/5 mutants detected\)$/);
        expect(r.stdout).not.toMatch(/tests|configs-old/);
    });

    test("a folder with no mutant measured fails (a run that mutated nothing proves nothing)", () => {
        const { "policy/rules.ts": _, ...rest } = ALL_AT_BAR;
        const r = score(rest);
        expect(r.status).toBe(1);
        expect(r.line("policy")).toMatch(/\s0\.0%\s+\(0\/0 mutants detected\)\s+below 80%$/);
    });

    test("as a process on report files: one line per folder, exit 1 under the bar, 0 at it; later reports win", () => {
        const { "policy/rules.ts": policy, ...others } = ALL_AT_BAR;
        const ok = scoreProcess(others, { "policy/rules.ts": { Killed: 1, Survived: 1 } }, { "policy/rules.ts": policy });
        expect(ok.status).toBe(0);
        expect(ok.stdout.trim().split("\n")).toHaveLength(5);
        const under = scoreProcess(ALL_AT_BAR, { "policy/rules.ts": { Killed: 1, Survived: 1 } });
        expect(under.status).toBe(1);
        expect(under.stdout).toMatch(/^policy\s+50\.0%.*below 80%$/m);
    });

    test("merged reports: files from every report, the last result of a file kept", () => {
        const merged = mergeReports([reportOf({ "a.ts": { Killed: 1 }, "b.ts": { Killed: 1 } }), reportOf({ "b.ts": { Survived: 2 } })]);
        expect(merged.files).toEqual({ "a.ts": { mutants: [{ status: "Killed" }] }, "b.ts": { mutants: [{ status: "Survived" }, { status: "Survived" }] } });
    });

    test("by default the last run's report (reports/mutation/mutation.json under the project)", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "mutation-root-"));
        fs.mkdirSync(path.join(root, "reports", "mutation"), { recursive: true });
        fs.writeFileSync(path.join(root, "reports", "mutation", "mutation.json"), JSON.stringify(reportOf({ ...ALL_AT_BAR, "settings/parse.ts": { Survived: 1 } })));
        const lines: string[] = [];
        expect(main([], root, (l) => lines.push(l))).toBe(1);
        expect(lines).toHaveLength(5);
        expect(lines[0]).toMatch(/^settings\s+0\.0%\s+\(0\/1 mutants detected\)\s+below 80%$/);
    });
});
