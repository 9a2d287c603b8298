/**
 * What the Docker provider stores after reading a container back, ported from kreuzwerker/terraform-provider-docker
 * v4.5.0 (the commit pulumi-docker's `upstream` submodule pins), internal/provider/resource_docker_container_funcs.go,
 * resourceDockerContainerRead (lines 750-980), for the fields this program sets. Written independently of
 * configs/dockerForms.ts, from the Go source, so that the round-trip test does not check the program against itself.
 */
import Docker from "dockerode";

const MIB = 1024 * 1024;

/** helpers.go:133 nanoInt64ToDecimalString, on integers (big.Rat.FloatString works on the exact fraction). */
export function nanoToDecimalString(nanos: number): string {
    if (nanos === 0) return "0";
    const int = BigInt(nanos);
    const str = `${int / 1_000_000_000n}.${(int % 1_000_000_000n).toString().padStart(9, "0")}`;
    if (str.split("").filter((ch) => ch === "0").length === 9) {
        // rat.FloatString(1): one decimal, rounded to nearest, halves away from zero.
        const tenths = (int + 50_000_000n) / 100_000_000n;
        return `${tenths / 10n}.${tenths % 10n}`;
    }
    return str.replace(/0+$/, "");
}

/** Go's time.Duration.String() for a non-negative duration in nanoseconds. */
export function goDurationString(nanos: number): string {
    if (nanos === 0) return "0s";
    if (nanos < 1e9) {
        for (const [unit, size] of [["ms", 1e6], ["µs", 1e3], ["ns", 1]] as const) {
            if (nanos >= size) return `${trimFraction(nanos / size)}${unit}`;
        }
    }
    const hours = Math.floor(nanos / 3600e9);
    const minutes = Math.floor((nanos % 3600e9) / 60e9);
    const seconds = trimFraction((nanos % 60e9) / 1e9);
    if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
    if (minutes > 0) return `${minutes}m${seconds}s`;
    return `${seconds}s`;
}

function trimFraction(n: number): string {
    return n.toFixed(9).replace(/\.?0+$/, "");
}

/** Go's integer division of a byte count into MiB, as `d.Set("memory", Memory/1024/1024)`. */
const mib = (bytes: number) => Math.trunc(bytes / MIB);

/** The provider's state for a container, field by field (Pulumi's camelCase names). */
export function readBack(info: Docker.ContainerInspectInfo): Record<string, unknown> {
    const h = info.HostConfig as Docker.HostConfig & { Mounts?: any[]; Tmpfs?: Record<string, string>; Init?: boolean };
    const c = info.Config;
    const ports: Array<Record<string, unknown>> = [];
    const portMap = (info.NetworkSettings?.Ports ?? {}) as Record<string, Array<{ HostIp: string; HostPort: string }> | null>;
    for (const key of Object.keys(portMap).sort()) {
        for (const b of portMap[key] ?? []) {
            const [internal, protocol] = key.split("/");
            ports.push({ internal: Number(internal), external: Number(b.HostPort), ip: b.HostIp, protocol });
        }
    }
    const hc = c.Healthcheck as { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; StartInterval?: number; Retries?: number } | undefined;
    return {
        name: info.Name.replace(/^\/+/, ""),
        command: c.Cmd ?? undefined,
        user: c.User,
        restart: h.RestartPolicy?.Name,
        readOnly: h.ReadonlyRootfs,
        privileged: h.Privileged,
        memory: mib(h.Memory ?? 0),
        memorySwap: (h.MemorySwap ?? 0) > 0 ? mib(h.MemorySwap as number) : h.MemorySwap,
        cpus: (h.NanoCpus ?? 0) > 0 ? nanoToDecimalString(h.NanoCpus as number) : undefined,
        logDriver: h.LogConfig?.Type,
        logOpts: h.LogConfig?.Config,
        securityOpts: h.SecurityOpt ?? [],
        capabilities: (h.CapAdd?.length ?? 0) > 0 || (h.CapDrop?.length ?? 0) > 0 ? { adds: h.CapAdd ?? [], drops: h.CapDrop ?? [] } : undefined,
        tmpfs: h.Tmpfs,
        mounts: (h.Mounts ?? []).map((m) => ({ target: m.Target, source: m.Source, type: m.Type, readOnly: m.ReadOnly ?? false })),
        // Ports are read only while the container runs (or must run): resource_docker_container_funcs.go:801.
        ports: info.State.Running ? ports : undefined,
        pidMode: h.PidMode,
        networkMode: h.NetworkMode,
        healthcheck: hc
            ? {
                  tests: hc.Test,
                  interval: goDurationString(hc.Interval ?? 0),
                  timeout: goDurationString(hc.Timeout ?? 0),
                  startPeriod: goDurationString(hc.StartPeriod ?? 0),
                  startInterval: goDurationString(hc.StartInterval ?? 0),
                  retries: hc.Retries ?? 0,
              }
            : undefined,
    };
}

/** JSON with object keys sorted: the provider's maps and nested blocks have no order. */
function canon(x: unknown): string {
    if (Array.isArray(x)) return `[${x.map(canon).join(",")}]`;
    if (x && typeof x === "object") {
        return `{${Object.keys(x).sort().map((k) => `${JSON.stringify(k)}:${canon((x as Record<string, unknown>)[k])}`).join(",")}}`;
    }
    return JSON.stringify(x) ?? "undefined";
}

/** Schema defaults the provider fills into what the program sent (resource_docker_container.go). */
const DEFAULTS: Record<string, unknown> = { restart: "no", readOnly: false, privileged: false };
const HEALTHCHECK_DEFAULTS = { interval: "0s", timeout: "0s", startPeriod: "0s", startInterval: "0s", retries: 0 };

/**
 * The fields the read sets, as the program's inputs give them (with the schema's defaults), next to what the
 * read produced; sets (security options, capabilities, mounts, ports) compared in sorted order.
 */
export function compareReadBack(inputs: Record<string, any>, read: Record<string, unknown>, hostLacks: readonly string[] = []): Array<[string, unknown, unknown]> {
    const sorted = (xs: unknown[] | undefined) => (xs ? [...xs].map(canon).sort() : xs);
    const wanted: Record<string, unknown> = { ...DEFAULTS };
    for (const key of ["name", "command", "user", "restart", "readOnly", "privileged", "memory", "memorySwap", "cpus", "logDriver", "logOpts", "tmpfs", "pidMode", "networkMode"]) {
        if (inputs[key] !== undefined) wanted[key] = inputs[key];
    }
    const out: Array<[string, unknown, unknown]> = [];
    for (const [key, value] of Object.entries(wanted)) {
        if (canon(read[key]) !== canon(value)) out.push([key, value, read[key]]);
    }
    const pairs: Array<[string, unknown, unknown]> = [
        ["securityOpts", sorted(inputs.securityOpts ?? []), sorted(read.securityOpts as unknown[])],
        ["mounts", sorted((inputs.mounts ?? []).map((m: any) => ({ target: m.target, source: m.source, type: m.type, readOnly: m.readOnly ?? false }))), sorted(read.mounts as unknown[])],
    ];
    if (inputs.capabilities) {
        const caps = read.capabilities as { adds: string[]; drops: string[] } | undefined;
        // Capabilities this sandbox cannot grant were left out of the create request (capabilitiesHostLacks).
        const adds = (inputs.capabilities.adds ?? []).filter((cap: string) => !hostLacks.includes(cap));
        pairs.push(["capabilities", { adds: sorted(adds), drops: sorted(inputs.capabilities.drops ?? []) }, caps && { adds: sorted(caps.adds), drops: sorted(caps.drops) }]);
    }
    if (read.ports !== undefined) pairs.push(["ports", sorted(inputs.ports ?? []), sorted(read.ports as unknown[])]);
    if (inputs.healthcheck) pairs.push(["healthcheck", { ...HEALTHCHECK_DEFAULTS, ...inputs.healthcheck }, read.healthcheck]);
    for (const [key, want, got] of pairs) if (canon(want) !== canon(got)) out.push([key, want, got]);
    return out;
}
