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
    return yaml.dump({ ...doc, config: DECLARED }, { lineWidth: 120, noRefs: true });
}

if (require.main === module) {
    const current = fs.readFileSync(PROJECT_FILE, "utf8");
    const wanted = declaredProject(current);
    if (process.argv.includes("--check")) {
        if (current !== wanted) {
            console.error("Pulumi.yaml's config declarations are out of date: run `npm run declare-config`");
            process.exitCode = 1;
        }
    } else {
        fs.writeFileSync(PROJECT_FILE, wanted);
    }
}
