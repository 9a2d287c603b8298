/**
 * npm run render -- <stack> <dir>
 * Writes every configuration file the program would upload for <stack> into <dir> (a Kubernetes stack: each chart's
 * values), using the same renderers as the program, so reviewers and CI can read and validate them.
 */
import * as fs from "fs";
import * as path from "path";
import { renderAll } from "../configs";
import { renderChartValues } from "../configs/kubernetes";
import { rawConfig } from "../settings/load";
import { parseSettings } from "../settings/parse";
import { readStackFile } from "../settings/stackFile";

/** Exit codes: 0 written, 1 the stack's settings are invalid, 2 usage. */
export function main(argv: string[], projectDir = path.join(__dirname, ".."), log = console.log, error = console.error): number {
    const [stack, dir] = argv;
    if (!stack || !dir) {
        error("usage: npm run render -- <stack> <dir>");
        return 2;
    }
    try {
        const settings = parseSettings(stack, rawConfig(readStackFile(stack, projectDir)));
        for (const [file, content] of Object.entries(settings.platform === "kubernetes" ? renderChartValues(settings) : renderAll(settings))) {
            const target = path.join(dir, file);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, content);
            log(`wrote ${target}`);
        }
        return 0;
    } catch (e) {
        error(e instanceof Error ? e.message : String(e));
        return 1;
    }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
