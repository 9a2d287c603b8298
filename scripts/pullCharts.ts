/**
 * Pulls a stack's charts, as published, at the versions its settings pin (`charts.<name>`), each unpacked into
 * DIR/<name>-<version>: the layout test:k8s reads from OBSERVABILITY_CHARTS_DIR (tests/harness/chartSource.ts).
 * For a machine without ../shared/charts (e2e-kubernetes.yml, a laptop). Usage:
 *   npx ts-node --transpile-only scripts/pullCharts.ts <stack> <dir>      (helm: $HELM_BIN, else PATH)
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { rawConfig } from "../settings/load";
import { parseSettings } from "../settings/parse";
import { readStackFile } from "../settings/stackFile";
import { CHART_REPOSITORIES } from "../settings/defaults";
import { CHARTS } from "../settings/types";

export function pullCharts(stack: string, dir: string, helm = process.env.HELM_BIN ?? "helm", projectDir = path.join(__dirname, "..")): string[] {
    const settings = parseSettings(stack, rawConfig(readStackFile(stack, projectDir)));
    const pulled: string[] = [];
    for (const chart of CHARTS) {
        const version = settings.charts[chart];
        const target = path.join(dir, `${chart}-${version}`);
        if (fs.existsSync(path.join(target, "Chart.yaml"))) continue;
        const staging = fs.mkdtempSync(path.join(dir, `.${chart}-`));
        const r = spawnSync(helm, ["pull", chart, "--repo", CHART_REPOSITORIES[chart], "--version", version, "--untar", "--untardir", staging], { encoding: "utf8", env: process.env });
        if (r.error || r.status !== 0) throw new Error(`helm pull ${chart} ${version} from ${CHART_REPOSITORIES[chart]} failed: ${r.error?.message ?? r.stderr.trim()}`);
        fs.renameSync(path.join(staging, chart), target);
        fs.rmSync(staging, { recursive: true, force: true });
        pulled.push(`${chart}-${version}`);
    }
    return pulled;
}

if (require.main === module) {
    const [stack, dir] = process.argv.slice(2);
    if (!stack || !dir) {
        console.error("usage: scripts/pullCharts.ts <stack> <dir>");
        process.exit(2);
    }
    fs.mkdirSync(dir, { recursive: true });
    for (const c of pullCharts(stack, dir)) console.log(`pulled ${c}`);
}
