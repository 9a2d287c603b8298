import { alertRules } from "../../configs/alertRules";
import { dashboardSpecs } from "../../configs/grafana/dashboards";
import { logAlerts } from "../../configs/grafana/logAlerts";
import { pipelineSteps } from "../../configs/collection";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { parseErrors, selectorLabels } from "../harness/grammars";
import { stackConfig, stacks } from "../harness/stackFiles";
import { lazy } from "../harness/lazy";

/** The labels the collector puts on every stream (plus Falco's priority); queries may use no others in selectors. */
const COLLECTOR_LABELS = new Set(["container", "service", "job", "environment", "priority"]);

describe("the grammars catch broken queries", () => {
    test.each([
        ["logql", '{container="a"} |~ "x'],
        ["logql", 'sum by (container) (rate({container="a"}))'],
        ["logql", "{container=a}"],
        ["promql", 'up{job="loki" == 0'],
        ["promql", "sum(rate(x[5m])"],
    ] as const)("%s: %s", (language, expr) => {
        expect(parseErrors(language, expr).length).toBeGreaterThan(0);
    });
});

describe.each(stacks())("%s: every shipped query parses", (stack) => {
    const all = lazy(() => {
        const settings = parseSettings(stack, rawConfig(stackConfig(stack)));
        const dashboardQueries = dashboardSpecs(settings).flatMap((d) => d.panels.flatMap((p) => p.queries.map((q) => ({ where: `${d.title} / ${p.title}`, ...q }))));
        const logAlertQueries = logAlerts(settings).map((a) => ({ where: `Grafana alert ${a.title}`, language: "logql" as const, expr: a.expr }));
        const promAlertQueries = alertRules(settings).groups.flatMap((g) => g.rules.map((r) => ({ where: `Prometheus alert ${r.alert}`, language: "promql" as const, expr: r.expr })));
        // The collector's match selectors (Promtail's and Alloy's stage.match render the same pipeline steps).
        const promtailSelectors = pipelineSteps(settings).map((s) => ({ where: "collector match stage", language: "logql" as const, expr: s.selector }));
        return [...dashboardQueries, ...logAlertQueries, ...promAlertQueries, ...promtailSelectors];
    });

    test("there are queries of both languages to check", () => {
        expect(all().filter((q) => q.language === "logql").length).toBeGreaterThan(10);
        expect(all().filter((q) => q.language === "promql").length).toBeGreaterThan(5);
    });
    test("each parses with its language's grammar", () => {
        for (const q of all()) expect({ where: q.where, expr: q.expr, errors: parseErrors(q.language, q.expr) }).toEqual({ where: q.where, expr: q.expr, errors: [] });
    });
    test("LogQL selectors use only labels the collector sets", () => {
        for (const q of all().filter((x) => x.language === "logql")) {
            for (const l of selectorLabels(q.expr)) expect(COLLECTOR_LABELS).toContain(l);
        }
    });
});
