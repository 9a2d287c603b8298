/**
 * Where test:k8s finds a chart at its pinned version: $OBSERVABILITY_CHARTS_DIR/<name>-<version> (e.g. `helm pull
 * <repo>/<name> --version <version> --untar` into it, as e2e-kubernetes.yml does), else ../shared/charts.
 *
 * ../shared/charts/loki-18.11.0 and falco-9.1.0 lack their dependencies' folders (charts/: minio, rollout-operator;
 * falcosidekick, k8s-metacollector, falco-talon), and Helm refuses a chart whose declared dependency is missing even
 * when its condition is off. Those are loaded from a copy without the missing entries, and only when the values turn
 * each one's condition off, so the render is what Helm gives with them (a disabled dependency renders nothing). Named
 * here as the one change to a chart; the kind workflow renders the charts as published, dependencies included.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { sharedChartDir } from "./kube";

export function chartDir(name: string, version: string): string {
    const own = process.env.OBSERVABILITY_CHARTS_DIR;
    if (own) {
        const dir = path.join(own, `${name}-${version}`);
        if (!fs.existsSync(path.join(dir, "Chart.yaml"))) throw new Error(`OBSERVABILITY_CHARTS_DIR has no ${name}-${version} (expected ${dir}/Chart.yaml)`);
        return dir;
    }
    return sharedChartDir(name, version);
}

/** A value at a dotted path (Helm's condition syntax). */
function at(values: unknown, dotted: string): unknown {
    return dotted.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), values);
}

/** The chart, or a copy without its missing dependencies when the values disable each of them (see the file comment). */
export function loadableChart(dir: string, values: Record<string, unknown>): { dir: string; removed: string[] } {
    const chart = yaml.load(fs.readFileSync(path.join(dir, "Chart.yaml"), "utf8")) as { dependencies?: Array<{ name: string; alias?: string; condition?: string }> };
    const missing = (chart.dependencies ?? []).filter((d) => !fs.existsSync(path.join(dir, "charts", d.name)));
    if (missing.length === 0) return { dir, removed: [] };
    for (const d of missing) {
        const conditions = (d.condition ?? "").split(",").filter(Boolean);
        if (conditions.length === 0 || conditions.some((c) => at(values, c) !== false)) {
            throw new Error(`${dir}: dependency ${d.name} is missing and the values do not turn it off (${d.condition ?? "no condition"} must be false)`);
        }
    }
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), `chart-${path.basename(dir)}-`));
    fs.cpSync(dir, copy, { recursive: true });
    fs.chmodSync(path.join(copy, "Chart.yaml"), 0o644);
    const names = new Set(missing.map((d) => d.name));
    const kept = { ...chart, dependencies: (chart.dependencies ?? []).filter((d) => !names.has(d.name)) };
    fs.writeFileSync(path.join(copy, "Chart.yaml"), yaml.dump(kept));
    fs.rmSync(path.join(copy, "Chart.lock"), { force: true });
    return { dir: copy, removed: [...names] };
}
