/**
 * Writes Pulumi.yaml's `config:` block from settings/declarations.ts:
 *   npm run declare-config          rewrite Pulumi.yaml
 *   npm run declare-config -- --check   exit 1 when Pulumi.yaml is out of date
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { DECLARED } from "../settings/declarations";

export const PROJECT_FILE = path.join(__dirname, "..", "Pulumi.yaml");

/** The project file with its `config:` block replaced by the declarations; every other key kept in order. */
export function declaredProject(projectYaml: string): string {
    const doc = yaml.load(projectYaml) as Record<string, unknown>;
    // Stryker disable next-line BooleanLiteral: equivalent while no two declarations share an object (no anchors either way)
    return yaml.dump({ ...doc, config: DECLARED }, { lineWidth: 120, noRefs: true });
}

/** Rewrites `file`, or with --check exits 1 when it is out of date. */
export function main(argv: string[], file = PROJECT_FILE, error = console.error): number {
    const current = fs.readFileSync(file, "utf8");
    const wanted = declaredProject(current);
    if (!argv.includes("--check")) {
        fs.writeFileSync(file, wanted);
        return 0;
    }
    if (current === wanted) return 0;
    error("Pulumi.yaml's config declarations are out of date: run `npm run declare-config`");
    return 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
