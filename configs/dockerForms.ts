/**
 * Container inputs written exactly as the Docker provider reads them back from the engine, so that
 * `pulumi preview --refresh` finds nothing to change. Read in kreuzwerker/terraform-provider-docker v4.5.0 (the
 * commit pulumi-docker's `upstream` submodule pins), internal/provider/resource_docker_container_funcs.go,
 * resourceDockerContainerRead. Pure functions, no Pulumi.
 */

const NANO = 1e9;

/**
 * `cpus` as the read sets it: nanoInt64ToDecimalString(HostConfig.NanoCPUs) (internal/provider/helpers.go:133):
 * nine decimals; when the text then holds exactly nine "0" characters, big.Rat.FloatString(1) (rounded, halves
 * away from zero), else trailing zeros trimmed. So 1 reads back as "1.0", 10 as "10.", 0.05 as "0.1".
 * `cpus` forces replacement (ForceNew), so any other spelling replaces the container on every refresh-and-up.
 */
export function dockerCpus(cpus: number): string {
    const nanos = Math.round(cpus * NANO);
    const whole = Math.floor(nanos / NANO);
    const nine = `${whole}.${String(nanos - whole * NANO).padStart(9, "0")}`;
    if ((nine.match(/0/g) ?? []).length === 9) {
        const tenths = Math.round(nanos / 1e8);
        return `${Math.floor(tenths / 10)}.${tenths % 10}`;
    }
    return nine.replace(/0+$/, "");
}

/** Docker's ParseCPUs (docker/cli opts) on what dockerCpus writes: a whole part, a dot, at most nine decimals. */
function parseCpus(text: string): number {
    const [whole, fraction] = text.split(".");
    return Number(whole) * NANO + Number(fraction.padEnd(9, "0"));
}

/** Whether a cpus value survives create-then-read unchanged; 0.05 does not (it reads back as 0.1). */
export function cpusRoundTrip(cpus: number): boolean {
    return parseCpus(dockerCpus(cpus)) === Math.round(cpus * NANO);
}

/**
 * A healthcheck duration as the read sets it: Go's time.Duration.String() (interval, timeout, start_period:
 * `Healthcheck.Interval.String()`): "15s", "1m0s", "1h30m0s", "500ms".
 */
export function goDuration(seconds: number): string {
    if (seconds === 0) return "0s";
    if (seconds < 1) return `${+(seconds * 1000).toFixed(6)}ms`;
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = +(seconds % 60).toFixed(9);
    return `${h > 0 ? `${h}h` : ""}${h > 0 || m > 0 ? `${m}m` : ""}${s}s`;
}

/**
 * Security options as the engine stores them: for a privileged container, or one in the host's PID or IPC
 * namespace, it appends "label=disable" (seen with `docker inspect` on Docker 20.10; moby
 * daemon/create.go, generateSecurityOpt). `security_opts` forces replacement, so the program sends it itself.
 */
export function dockerSecurityOpts(opts: readonly string[], privileged: boolean, pidMode?: string): string[] {
    const disablesLabels = privileged || pidMode === "host";
    return disablesLabels && !opts.includes("label=disable") ? [...opts, "label=disable"] : [...opts];
}
