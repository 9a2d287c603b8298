import { renderAlloyConfig } from "../../configs/alloy/config";
import { promtailConfig } from "../../configs/promtail";
import { guaranteedSeconds, retrySchedule } from "../../configs/retries";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { stackConfig } from "../harness/stackFiles";
import { SettingsError } from "../../settings/errors";

const withTolerance = (stack: string, tolerance?: string) =>
    parseSettings(stack, rawConfig(stackConfig(stack, tolerance === undefined ? {} : { "observability:outageTolerance": tolerance })));

test("the collectors' old defaults (500ms doubling to 5m, 10 retries) hold a batch 511.5 s at the least", () => {
    // 0.5 + 1 + 2 + ... + 256: the ~8.5 minutes after which a batch was dropped.
    expect(guaranteedSeconds(10)).toBe(511.5);
    expect(guaranteedSeconds(11)).toBe(811.5);
});

test.each([
    // [tolerance, retries]: the fewest waits whose shortest total reaches it (worked by hand from 0.5·2^k capped at 300).
    ["1h", 21],
    ["2h", 33],
    ["1m", 7],
    ["5s", 4],
    ["1s", 2],
])("outageTolerance %s: %i retries", (tolerance, retries) => {
    const s = withTolerance("dev", tolerance);
    expect(retrySchedule(s)).toEqual({ minPeriod: "500ms", maxPeriod: "5m", maxRetries: retries });
    expect(guaranteedSeconds(retries)).toBeGreaterThanOrEqual(s.outageTolerance.seconds);
    expect(guaranteedSeconds(retries - 1)).toBeLessThan(s.outageTolerance.seconds);
});

test("every stack survives an hour by default; both collectors get the same schedule", () => {
    for (const stack of ["dev", "staging", "prod"]) {
        const s = withTolerance(stack);
        expect(s.outageTolerance.text).toBe("1h");
        const promtail = parseSettings(stack, { ...rawConfig(stackConfig(stack)), collector: "promtail" });
        expect(promtailConfig(promtail).clients[0].backoff_config).toEqual({ min_period: "500ms", max_period: "5m", max_retries: 21 });
        const alloy = renderAlloyConfig(parseSettings(stack, { ...rawConfig(stackConfig(stack)), collector: "alloy" }));
        expect(alloy).toMatch(/min_backoff_period\s*=\s*"500ms"/);
        expect(alloy).toMatch(/max_backoff_period\s*=\s*"5m"/);
        expect(alloy).toMatch(/max_backoff_retries\s*=\s*21\b/);
    }
});

test.each(["500ms", "25h", "forever"])("outageTolerance %s is refused, naming the key", (tolerance) => {
    expect(() => withTolerance("dev", tolerance)).toThrow(SettingsError);
    expect(() => withTolerance("dev", tolerance)).toThrow(/observability:outageTolerance/);
});
