import { formatDuration, formatHours, parseDuration, parseMemoryMb, parsePrometheusSize } from "../../settings/units";

// Expected values worked out by hand from the units' definitions (1Gi = 1024Mi, 1Mi = 1024Ki = 1048576 bytes;
// Prometheus' duration and size spellings), not taken from the functions under test.

describe("durations as written in stack configuration", () => {
    test.each([
        ["250ms", 0.25],
        ["30s", 30],
        ["2m", 120],
        ["72h", 259200],
        ["7d", 604800],
        ["2w", 1209600],
        [" 15d ", 1296000],
    ])("%s is %d seconds, kept as written", (text, seconds) => {
        expect(parseDuration(text)).toEqual({ text: text.trim(), seconds });
    });
    test.each(["0s", "0d", "-1h", "7", "7days", "h", "1.5h", "7d7d", "x7d", "7dx", "7 d", ""])("%j is refused", (text) => {
        expect(parseDuration(text)).toBeUndefined();
    });
    test("non-strings are refused", () => {
        for (const v of [7, null, undefined, ["7d"], { d: 7 }]) expect(parseDuration(v)).toBeUndefined();
    });
});

describe("durations written back for Loki and Prometheus: the largest whole unit", () => {
    test.each([
        [1209600, "2w"],
        [604800, "1w"],
        [86400, "1d"],
        [259200, "3d"],
        [90000, "25h"],
        [3600, "1h"],
        [7200, "2h"],
        [5400, "90m"],
        [60, "1m"],
        [90, "90s"],
        [1, "1s"],
        [0.25, "250ms"],
        [1.5, "1500ms"],
    ])("%d s -> %s", (seconds, text) => expect(formatDuration(seconds)).toBe(text));
    test("retention in hours only", () => {
        expect(formatHours(259200)).toBe("72h");
        expect(formatHours(2592000)).toBe("720h");
    });
});

describe("memory sizes in whole mebibytes (Docker's memory limit)", () => {
    test.each([
        ["512Mi", 512],
        ["512MB", 512],
        ["512m", 512],
        ["512mib", 512],
        ["1Gi", 1024],
        ["1G", 1024],
        ["2gb", 2048],
        ["1.5Gi", 1536],
        ["1.5g", 1536],
        ["1024Ki", 1],
        ["2048k", 2],
        ["2048KB", 2],
        ["4096kib", 4],
        ["2097152b", 2],
        ["512 Mi", 512],
        [" 256Mi ", 256],
        [768, 768],
    ])("%j is %d Mi", (value, mb) => expect(parseMemoryMb(value)).toBe(mb));
    test.each(["lots", "Mi", "1Ti", "1Tb", "-512Mi", "x512Mi", "512Mix", "1.Gi", "1..5Gi", "0.5.1Gi", "512Mi 1Gi", "512", "1048576"])("%j is refused (a string without a unit too: bytes to Docker, MiB to a reader)", (value) => {
        expect(parseMemoryMb(value)).toBeUndefined();
    });
    test("numbers must be positive whole mebibytes", () => {
        for (const v of [0, -512, 1.5, NaN]) expect(parseMemoryMb(v)).toBeUndefined();
        expect(parseMemoryMb(1)).toBe(1);
        expect(parseMemoryMb(null)).toBeUndefined();
    });
});

describe("Prometheus retention sizes", () => {
    test.each(["512MB", "5GB", "1TB", "100KB", "1B", "2PB", "1EB"])("%s is kept as written", (v) => expect(parsePrometheusSize(v)).toBe(v));
    test("surrounding blanks are dropped", () => expect(parsePrometheusSize(" 5GB ")).toBe("5GB"));
    test.each(["0GB", "5gb", "5G", "5 GB", "x5GB", "5GBx", "1.5GB", "", "GB"])("%j is refused", (v) => expect(parsePrometheusSize(v)).toBeUndefined());
    test("non-strings are refused", () => expect(parsePrometheusSize(5)).toBeUndefined());
});
