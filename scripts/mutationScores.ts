/**
 * npm run test:mutation ends here: reads Stryker's JSON report (or several, from runs over separate folders:
 * `ts-node scripts/mutationScores.ts a.json b.json`) and prints the mutation score of each
 * mutated folder; exits 1 when one is under the bar (80%). Scores as Stryker counts them: killed and
 * timed-out mutants over all valid ones (ignored and compile-error mutants excluded; no-coverage counts as survived).
 */
import * as fs from "fs";
import * as path from "path";

export const FOLDERS = ["settings", "configs", "components", "policy", "scripts"] as const;
export const BAR = 80;

interface Mutant {
    readonly status: string;
}
interface Report {
    readonly files: Record<string, { readonly mutants: Mutant[] }>;
}

const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

export function folderScores(report: Report, root: string): Record<string, { detected: number; valid: number; score: number }> {
    const out: Record<string, { detected: number; valid: number; score: number }> = {};
    for (const folder of FOLDERS) {
        let detected = 0;
        let valid = 0;
        for (const [file, { mutants }] of Object.entries(report.files)) {
            const relative = path.relative(root, path.resolve(root, file)).split(path.sep);
            if (relative[0] !== folder) continue;
            for (const m of mutants) {
                if (DETECTED.has(m.status)) detected++;
                if (DETECTED.has(m.status) || UNDETECTED.has(m.status)) valid++;
            }
        }
        out[folder] = { detected, valid, score: valid === 0 ? 0 : (100 * detected) / valid };
    }
    return out;
}

/** One line per folder, and whether any is under the bar (or has no mutant to measure). */
export function summary(scores: ReturnType<typeof folderScores>): { lines: string[]; failed: boolean } {
    let failed = false;
    const lines = Object.entries(scores).map(([folder, s]) => {
        const ok = s.score >= BAR; // a folder with no valid mutant scores 0: it fails
        failed ||= !ok;
        return `${folder.padEnd(12)} ${s.score.toFixed(1).padStart(5)}%  (${s.detected}/${s.valid} mutants detected)${ok ? "" : `  below ${BAR}%`}`;
    });
    return { lines, failed };
}

/** Reports of runs over different folders, as one: a file in several keeps its result from the last. */
export function mergeReports(reports: Report[]): Report {
    return { files: Object.assign({}, ...reports.map((r) => r.files)) };
}

/** The command: scores of the given reports (default: the last run's), one line per folder; exit code 1 under the bar. */
export function main(argv: string[], root = path.join(__dirname, ".."), log = console.log): number {
    const files = argv.length > 0 ? argv : [path.join(root, "reports", "mutation", "mutation.json")];
    const report = mergeReports(files.map((f) => JSON.parse(fs.readFileSync(f, "utf8")) as Report));
    const { lines, failed } = summary(folderScores(report, root));
    for (const line of lines) log(line);
    return failed ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
