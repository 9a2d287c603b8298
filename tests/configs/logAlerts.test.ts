import { logAlerts } from "../../configs/grafana/logAlerts";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { FALCO_SEVERITY } from "../harness/falcoSchemas";
import { lazy } from "../harness/lazy";
import { ERROR_LINES, QUIET_LINES } from "../harness/logLines";
import { keepsLine, selected } from "../harness/selectors";
import { stackConfig, stacks } from "../harness/stackFiles";
import { containerNames, sampleStreams } from "../harness/streams";

/** Falco's priorities as its JSON output spells them ("Warning"), most severe first. */
const FALCO_PRIORITIES = FALCO_SEVERITY.map((p) => p.charAt(0) + p.slice(1).toLowerCase());

const CASES: Array<[string, string, Record<string, unknown>]> = [
    ...stacks().map((s): [string, string, Record<string, unknown>] => [s, s, { falco: { enabled: true } }]),
    ["dev without applications or demo", "dev", { applications: [], demo: { enabled: false } }],
];

describe.each(CASES)("%s: Grafana's log alerts", (_name, stack, overrides) => {
    const settings = lazy(() => parseSettings(stack, { ...rawConfig(stackConfig(stack)), ...overrides }));
    const alerts = lazy(() => logAlerts(settings()));
    const alert = (title: RegExp) => alerts().find((a) => title.test(a.title))!;

    test("each reads exactly the streams it is about", () => {
        const streams = sampleStreams(settings());
        const reads = (title: RegExp) => containerNames(selected(alert(title).expr, streams.all));
        expect(reads(/^Error rate/)).toEqual(containerNames(streams.thisEnvironment));
        expect(reads(/PostgreSQL/)).toEqual(containerNames(streams.postgres));
        expect(reads(/Python/)).toEqual(containerNames(streams.python));
        // Falco's streams carry the priority label the collector takes from its JSON events.
        const critical = streams.all.map((st) => ({ ...st, priority: "Critical" }));
        if (settings().falco.enabled) expect(containerNames(selected(alert(/^Falco/).expr, critical))).toEqual(containerNames(streams.falco));
        expect(alerts()).toHaveLength(settings().falco.enabled ? 4 : 3);
    });

    test("the error-rate alert counts error, exception and failure lines in any case, and no others", () => {
        for (const line of ERROR_LINES) expect({ line, counted: keepsLine(alert(/^Error rate/).expr, line) }).toEqual({ line, counted: true });
        for (const line of QUIET_LINES) expect({ line, counted: keepsLine(alert(/^Error rate/).expr, line) }).toEqual({ line, counted: false });
    });

    test("the Falco alert fires on Warning and above, not on Notice and below", () => {
        if (!settings().falco.enabled) return expect(alerts().some((a) => /Falco/.test(a.title))).toBe(false);
        const falco = sampleStreams(settings()).falco[0];
        const fires = FALCO_PRIORITIES.filter((priority) => selected(alert(/^Falco/).expr, [{ ...falco, priority }]).length > 0);
        expect(fires).toEqual(FALCO_PRIORITIES.slice(0, FALCO_PRIORITIES.indexOf("Warning") + 1));
    });

    test("UIDs are the stack's own, one per alert (two stacks can share a Grafana)", () => {
        const uids = alerts().map((a) => a.uid);
        expect(new Set(uids).size).toBe(uids.length);
        for (const uid of uids) expect(uid).toMatch(new RegExp(`^${settings().namePrefix}-[a-z0-9]+(-[a-z0-9]+)*$`));
    });
});
