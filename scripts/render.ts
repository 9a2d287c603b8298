/**
 * npm run render -- <stack> <dir>
 * Writes every configuration file the program would upload for <stack> into <dir>, using the same
 * renderers as the program, so reviewers and CI can read and validate them.
 */
import * as fs from "fs";
import * as path from "path";
import { renderAll } from "../configs";
import { rawConfig } from "../settings/load";
import { parseSettings } from "../settings/parse";
import { readStackFile } from "../settings/stackFile";

function main(argv: string[]): number {
    const [stack, dir] = argv;
    if (!stack || !dir) {
        console.error("usage: npm run render -- <stack> <dir>");
        return 2;
    }
    const projectDir = path.join(__dirname, "..");
    const settings = parseSettings(stack, rawConfig(readStackFile(stack, projectDir)));
    for (const [file, content] of Object.entries(renderAll(settings))) {
        const target = path.join(dir, file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, content);
        console.log(`wrote ${target}`);
    }
    return 0;
}

try {
    process.exitCode = main(process.argv.slice(2));
} catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
}
