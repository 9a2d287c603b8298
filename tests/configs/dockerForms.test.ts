import { cpusRoundTrip, dockerCpus, dockerSecurityOpts, goDuration } from "../../configs/dockerForms";

// Expected forms: the read-back values observed with `docker inspect` and the provider's formatting
// (kreuzwerker/terraform-provider-docker v4.5.0 internal/provider/helpers.go nanoInt64ToDecimalString; Go's
// time.Duration.String), as listed in the drift issue.
describe("cpus as the Docker provider reads them back", () => {
    test.each([
        [1, "1.0"],
        [2, "2.0"],
        [10, "10."],
        [0.5, "0.5"],
        [0.25, "0.25"],
        [0.1, "0.1"],
        [1.5, "1.5"],
        [0.125, "0.125"],
        // No zero among the nine decimals: kept as is.
        [1.123456789, "1.123456789"],
    ])("%p is written as %p", (cpus, form) => expect(dockerCpus(cpus)).toBe(form));

    test.each([[0.05, "0.1"], [0.01, "0.0"], [10.05, "10.1"]])("%p cannot round-trip (reads back as %p)", (cpus, form) => {
        expect(dockerCpus(cpus)).toBe(form);
        expect(cpusRoundTrip(cpus)).toBe(false);
    });

    test("every value Docker keeps as written round-trips", () => {
        for (const cpus of [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 4, 10, 64]) expect([cpus, cpusRoundTrip(cpus)]).toEqual([cpus, true]);
    });
});

describe("healthcheck durations in Go's spelling", () => {
    test.each([
        [0, "0s"],
        [5, "5s"],
        [15, "15s"],
        [60, "1m0s"],
        [90, "1m30s"],
        [3600, "1h0m0s"],
        [5400, "1h30m0s"],
        [0.5, "500ms"],
        [1, "1s"],
        [1.5, "1.5s"],
    ])("%p s is %p", (seconds, text) => expect(goDuration(seconds)).toBe(text));
});

describe("security options as the engine stores them", () => {
    test("privileged or host-PID containers carry label=disable, once; others are left alone", () => {
        expect(dockerSecurityOpts(["no-new-privileges:true"], true)).toEqual(["no-new-privileges:true", "label=disable"]);
        expect(dockerSecurityOpts(["no-new-privileges:true"], false, "host")).toEqual(["no-new-privileges:true", "label=disable"]);
        expect(dockerSecurityOpts(["no-new-privileges:true", "label=disable"], true)).toEqual(["no-new-privileges:true", "label=disable"]);
        expect(dockerSecurityOpts(["no-new-privileges:true"], false)).toEqual(["no-new-privileges:true"]);
    });
});
