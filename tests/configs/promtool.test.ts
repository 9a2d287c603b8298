import * as yaml from "js-yaml";
import { alertRules } from "../../configs/alertRules";
import { renderAll } from "../../configs";
import { toYaml } from "../../configs/yaml";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { promtool, writeTree } from "../harness/promtool";
import { dockerStacks, stackConfig, stacks } from "../harness/stackFiles";
import { lazy } from "../harness/lazy";
import { ruleTests } from "./ruleTests";

describe.each(stacks())("%s: the real promtool", (stack) => {
    const settings = lazy(() => parseSettings(stack, rawConfig(stackConfig(stack))));
    const files = lazy(() => renderAll(settings()));

    test("accepts the alert rules", () => {
        const dir = writeTree(files());
        const r = promtool(["check", "rules", "prometheus/alerts.yml"], dir);
        expect(r.ok).toBe(true);
        const count = (yaml.load(files()["prometheus/alerts.yml"]) as any).groups[0].rules.length;
        expect(r.output).toContain(`SUCCESS: ${count} rules found`);
    });

    test("passes the rule unit tests: each alert fires on a failing series and stays silent on a healthy one", () => {
        const tests = ruleTests(settings(), alertRules(settings()), "alerts.yml");
        const dir = writeTree({ "alerts.yml": files()["prometheus/alerts.yml"], "alerts.test.yml": toYaml(tests) });
        const r = promtool(["test", "rules", "alerts.test.yml"], dir);
        if (!r.ok) throw new Error(r.output);
        expect(r.output).toContain("SUCCESS");
    });
});

// A cluster's prometheus.yml is the chart's, checked by test:k8s; its rules are checked above.
describe.each(dockerStacks())("%s: the real promtool on prometheus.yml", (stack) => {
    const files = lazy(() => renderAll(parseSettings(stack, rawConfig(stackConfig(stack)))));

    test("accepts prometheus.yml (and finds its rule file)", () => {
        const dir = writeTree(files());
        const r = promtool(["check", "config", "prometheus/prometheus.yml"], dir);
        expect(r.output).toContain("SUCCESS");
        expect(r.ok).toBe(true);
    });
});

describe("promtool is not a rubber stamp", () => {
    const devSettings = lazy(() => parseSettings("dev", rawConfig(stackConfig("dev"))));

    test("a rule test that expects the wrong labels fails", () => {
        const rules = alertRules(devSettings());
        const tests = ruleTests(devSettings(), rules, "alerts.yml");
        tests.tests[0].alert_rule_test[1].exp_alerts[0].exp_labels.severity = "info";
        const dir = writeTree({ "alerts.yml": toYaml(rules), "alerts.test.yml": toYaml(tests) });
        expect(promtool(["test", "rules", "alerts.test.yml"], dir).ok).toBe(false);
    });

    test("a broken expression is rejected", () => {
        const rules = alertRules(devSettings());
        rules.groups[0].rules[0].expr = "up{job=\"loki\" == 0";
        const dir = writeTree({ "alerts.yml": toYaml(rules) });
        expect(promtool(["check", "rules", "alerts.yml"], dir).ok).toBe(false);
    });
});
