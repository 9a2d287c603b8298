import { DATA_MOUNT_DIR } from "../../configs/alloy/config";
import { dashboardSpecs } from "../../configs/grafana/dashboards";
import { buildDashboard } from "../../configs/grafana/panels";
import { CONTAINER_METRICS_JOB, HOST_METRICS_JOB, scrapeJobNames } from "../../configs/scrapeTargets";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { lazy } from "../harness/lazy";
import { keepsLine, matches, selected, selectors } from "../harness/selectors";
import { containerNames, sampleStreams } from "../harness/streams";
import { ERROR_LINES, QUIET_LINES } from "../harness/logLines";
import { stackConfig, stacks } from "../harness/stackFiles";

const CASES: Array<[string, string, Record<string, unknown>]> = [
    ...stacks().map((s): [string, string, Record<string, unknown>] => [s, s, {}]),
    // Nothing of a kind configured: the application and PostgreSQL dashboards fall back to every other container.
    ["dev without applications or demo", "dev", { applications: [], demo: { enabled: false } }],
    ["prod with Falco", "prod", { falco: { enabled: true } }],
];

describe.each(CASES)("%s: dashboards", (_name, stack, overrides) => {
    const settings = lazy(() => parseSettings(stack, { ...rawConfig(stackConfig(stack)), ...overrides }));
    const specs = lazy(() => dashboardSpecs(settings()));
    const queries = () => specs().flatMap((d) => d.panels.flatMap((p) => p.queries.map((q) => ({ dashboard: d.uid, panel: p, ...q }))));

    test("each LogQL query reads exactly the streams its dashboard is about", () => {
        const streams = sampleStreams(settings());
        const expected = (dashboard: string, title: string) => {
            if (dashboard.endsWith("-application-logs")) return streams.python;
            if (dashboard.endsWith("-postgresql-logs")) return streams.postgres;
            if (title.startsWith("Falco")) return streams.falco;
            return streams.thisEnvironment;
        };
        const logql = queries().filter((q) => q.language === "logql");
        expect(logql.length).toBeGreaterThanOrEqual(10);
        for (const q of logql) {
            expect({ panel: q.panel.title, reads: containerNames(selected(q.expr, streams.all)) }).toEqual({ panel: q.panel.title, reads: containerNames(expected(q.dashboard, q.panel.title)) });
        }
    });

    test("error panels keep error, exception and failure lines in any case, and no others", () => {
        const errors = queries().filter((q) => /error/i.test(q.panel.title));
        expect(errors.length).toBeGreaterThanOrEqual(2);
        for (const q of errors) {
            for (const line of ERROR_LINES) expect({ panel: q.panel.title, line, kept: keepsLine(q.expr, line) }).toEqual({ panel: q.panel.title, line, kept: true });
            for (const line of QUIET_LINES) expect({ panel: q.panel.title, line, kept: keepsLine(q.expr, line) }).toEqual({ panel: q.panel.title, line, kept: false });
        }
    });

    test("each PromQL job is one Prometheus scrapes, and every exporter it scrapes has a panel", () => {
        const jobs = scrapeJobNames(settings());
        const used = queries()
            .filter((q) => q.language === "promql")
            .flatMap((q) => selectors(q.expr).flatMap((m) => m.filter((x) => x.name === "job").map((x) => x.value)));
        for (const job of used) expect(jobs).toContain(job);
        for (const exporter of [CONTAINER_METRICS_JOB, HOST_METRICS_JOB]) expect(used.includes(exporter)).toBe(jobs.includes(exporter));
    });

    test("resource panels read the stack's containers and the data volumes' disks, nothing else", () => {
        const p = settings().namePrefix;
        const resource = queries().filter((q) => q.language === "promql" && selectors(q.expr).some((m) => m.some((x) => x.name === "job" && [CONTAINER_METRICS_JOB, HOST_METRICS_JOB].includes(x.value))));
        for (const q of resource) {
            for (const m of selectors(q.expr)) {
                const metric = m.find((x) => x.name === "__name__")!.value;
                const series = (labels: Record<string, string>) => matches(m, { __name__: metric, ...labels });
                if (m.some((x) => x.value === CONTAINER_METRICS_JOB)) {
                    expect([series({ job: CONTAINER_METRICS_JOB, name: `${p}-loki` }), series({ job: CONTAINER_METRICS_JOB, name: `${p}-grafana` })]).toEqual([true, true]);
                    expect([series({ job: CONTAINER_METRICS_JOB, name: "shop" }), series({ job: CONTAINER_METRICS_JOB, name: `${p}x-loki` }), series({ job: HOST_METRICS_JOB, name: `${p}-loki` })]).toEqual([false, false, false]);
                } else {
                    expect(series({ job: HOST_METRICS_JOB, mountpoint: `${DATA_MOUNT_DIR}/loki` })).toBe(true);
                    expect([series({ job: HOST_METRICS_JOB, mountpoint: "/" }), series({ job: CONTAINER_METRICS_JOB, mountpoint: `${DATA_MOUNT_DIR}/loki` })]).toEqual([false, false]);
                }
            }
        }
    });

    test("a legend names exactly the labels its query groups by", () => {
        for (const q of queries().filter((x) => x.panel.kind !== "logs")) {
            const by = /^(?:\w+\([^,]*,\s*)?\w+ by \(([^)]*)\)/.exec(q.expr)?.[1];
            if (!by) continue;
            const grouped = by.split(",").map((l) => l.trim()).filter((l) => l !== "le");
            const named = [...(q.legend ?? "").matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]);
            expect({ query: q.expr, legend: named.sort() }).toEqual({ query: q.expr, legend: grouped.sort() });
        }
    });

    test("stat and bar panels evaluate once (instant), graphs over time (range), log panels list lines", () => {
        const uids = { loki: "l", prometheus: "p" };
        for (const spec of specs()) {
            const built = buildDashboard(spec, uids);
            spec.panels.forEach((p, i) => {
                const json = built.panels![i] as any;
                expect({ panel: p.title, type: json.type }).toEqual({ panel: p.title, type: p.kind });
                const single = p.kind === "stat" || p.kind === "bargauge";
                for (const t of json.targets) {
                    const instant = t.datasource.type === "loki" ? t.queryType === "instant" : t.instant === true && t.range !== true;
                    expect({ panel: p.title, instant }).toEqual({ panel: p.title, instant: single });
                }
            });
            const heights = (logs: boolean) => built.panels!.filter((x: any) => (x.type === "logs") === logs).map((x: any) => x.gridPos.h);
            // Log lines need the room: every log panel is taller than every graph.
            for (const h of heights(true)) expect(h).toBeGreaterThan(Math.max(...heights(false)));
        }
    });

    test("units follow what is measured: bytes, bytes per second, seconds, a share; counts have none", () => {
        for (const spec of specs()) {
            for (const p of spec.panels.filter((x) => x.kind !== "logs")) {
                const expr = p.queries[0].expr;
                const unit = /^1 - /.test(expr)
                    ? "percentunit"
                    : /rate\(\w*bytes\w*_total/.test(expr)
                      ? "Bps"
                      : /_seconds_bucket|unwrap \w*time/.test(expr)
                        ? "s"
                        : /_bytes\{/.test(expr)
                          ? "bytes"
                          : undefined;
                expect({ panel: p.title, unit: p.unit }).toEqual({ panel: p.title, unit });
            }
        }
    });

    test("every dashboard is tagged as the stack's and with its environment (Grafana's tag search)", () => {
        for (const d of specs()) expect(d.tags).toEqual(["observability-stack", settings().environment]);
    });
});
