import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pullCharts } from "../../scripts/pullCharts";

/** A stand-in `helm pull` that records its arguments and unpacks a Chart.yaml where the real one would put the chart. */
function fakeHelm(dir: string): { bin: string; calls: () => string[][] } {
    const log = path.join(dir, "calls.log");
    const bin = path.join(dir, "helm");
    fs.writeFileSync(
        bin,
        '#!/bin/sh\nprintf "%s\\n" "$*" >> "' + log + '"\nchart=$2; while [ $# -gt 0 ]; do [ "$1" = --untardir ] && out=$2; shift; done\nmkdir -p "$out/$chart" && echo "name: $chart" > "$out/$chart/Chart.yaml"\n',
        { mode: 0o755 },
    );
    return { bin, calls: () => fs.readFileSync(log, "utf8").trim().split("\n").map((l) => l.split(" ")) };
}

test("each chart pulled from its repository at the stack's pinned version, unpacked as <name>-<version>; a second run pulls nothing", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "pull-charts-"));
    const charts = path.join(work, "charts");
    fs.mkdirSync(charts);
    const helm = fakeHelm(work);
    expect(pullCharts("cluster", charts, helm.bin)).toEqual(["loki-18.11.0", "grafana-12.11.1", "alloy-1.11.1", "prometheus-29.27.0", "falco-9.1.0"]);
    expect(helm.calls().map((c) => c.slice(0, 6))).toEqual([
        ["pull", "loki", "--repo", "https://grafana-community.github.io/helm-charts", "--version", "18.11.0"],
        ["pull", "grafana", "--repo", "https://grafana-community.github.io/helm-charts", "--version", "12.11.1"],
        ["pull", "alloy", "--repo", "https://grafana.github.io/helm-charts", "--version", "1.11.1"],
        ["pull", "prometheus", "--repo", "https://prometheus-community.github.io/helm-charts", "--version", "29.27.0"],
        ["pull", "falco", "--repo", "https://falcosecurity.github.io/charts", "--version", "9.1.0"],
    ]);
    expect(fs.readdirSync(charts).filter((d) => !d.startsWith(".")).sort()).toEqual(["alloy-1.11.1", "falco-9.1.0", "grafana-12.11.1", "loki-18.11.0", "prometheus-29.27.0"]);
    expect(fs.readFileSync(path.join(charts, "loki-18.11.0", "Chart.yaml"), "utf8")).toBe("name: loki\n");
    expect(pullCharts("cluster", charts, helm.bin)).toEqual([]);
});

test("a failed pull names the chart, version and repository", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "pull-charts-"));
    const bin = path.join(work, "helm");
    fs.writeFileSync(bin, "#!/bin/sh\necho 'Error: chart \"loki\" version \"18.11.0\" not found' >&2\nexit 1\n", { mode: 0o755 });
    expect(() => pullCharts("cluster", work, bin)).toThrow('helm pull loki 18.11.0 from https://grafana-community.github.io/helm-charts failed: Error: chart "loki" version "18.11.0" not found');
});
