import Docker from "dockerode";
import { Service } from "../../settings/types";
import { ProgramRun, Registered, byType, reveal } from "../harness/mocks";
import { label, serviceKey } from "../harness/stackSpec";
import { packTar } from "./docker";

const CONTAINER = "docker:index/container:Container";

/** Go's time.ParseDuration, as the provider applies it to healthcheck durations ("1m0s", "15s", "500ms"). */
const durationNs = (d: string | undefined) => {
    if (d === undefined) return undefined;
    const units: Record<string, number> = { ns: 1, us: 1e3, "µs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
    if (d === "0") return 0;
    const parts = [...d.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join("") !== d) throw new Error(`not a Go duration: ${d}`);
    return parts.reduce((sum, p) => sum + Math.round(Number(p[1]) * units[p[2]]), 0);
};

/** Docker's ParseCPUs (docker/cli opts/opts.go): the decimal read exactly, in nano-CPUs; "10." is 10. */
const nanoCpus = (text: string | undefined) => {
    if (text === undefined) return undefined;
    const m = /^(\d*)(?:\.(\d{0,9}))?$/.exec(text);
    if (!m) throw new Error(`cpus ${text} is too precise or not a number`);
    return Number(m[1] || "0") * 1e9 + Number((m[2] ?? "").padEnd(9, "0"));
};

/**
 * The container create request the provider builds from these inputs (kreuzwerker/terraform-provider-docker,
 * internal/provider/resource_docker_container_funcs.go, resourceDockerContainerCreate), with a stand-in image.
 */
export function createRequest(c: Registered, image: string, hostLacks: readonly string[] = []): Docker.ContainerCreateOptions {
    const i = reveal(c.inputs);
    const networks: Array<{ name: string; aliases?: string[] }> = i.networksAdvanced ?? [];
    const ports: Array<{ internal: number; external: number; ip: string; protocol: string }> = i.ports ?? [];
    return {
        name: i.name,
        Image: image,
        Entrypoint: i.entrypoints,
        Cmd: i.command,
        Env: i.envs,
        User: i.user,
        Labels: Object.fromEntries((i.labels ?? []).map((l: { label: string; value: string }) => [l.label, l.value])),
        ExposedPorts: Object.fromEntries(ports.map((p) => [`${p.internal}/${p.protocol}`, {}])),
        Healthcheck: i.healthcheck
            ? {
                  Test: i.healthcheck.tests,
                  Interval: durationNs(i.healthcheck.interval),
                  Timeout: durationNs(i.healthcheck.timeout),
                  StartPeriod: durationNs(i.healthcheck.startPeriod),
                  Retries: i.healthcheck.retries,
              }
            : undefined,
        HostConfig: {
            Mounts: (i.mounts ?? []).map((m: any) => ({ Type: m.type, Source: m.source, Target: m.target, ReadOnly: m.readOnly ?? false })),
            Tmpfs: i.tmpfs,
            ReadonlyRootfs: i.readOnly ?? false,
            CapAdd: i.capabilities?.adds?.filter((cap: string) => !hostLacks.includes(cap)),
            CapDrop: i.capabilities?.drops,
            SecurityOpt: i.securityOpts,
            Privileged: i.privileged ?? false,
            PidMode: i.pidMode,
            // Not in @types/dockerode's HostConfig; the Engine API has it since 1.41.
            ...({ CgroupnsMode: i.cgroupnsMode } as object),
            PortBindings: Object.fromEntries(ports.map((p) => [`${p.internal}/${p.protocol}`, [{ HostIp: p.ip, HostPort: String(p.external) }]])),
            Memory: i.memory ? i.memory * 1024 * 1024 : undefined,
            MemorySwap: i.memorySwap ? i.memorySwap * 1024 * 1024 : undefined,
            NanoCpus: nanoCpus(i.cpus),
            RestartPolicy: { Name: i.restart ?? "no" },
            LogConfig: i.logDriver ? { Type: i.logDriver, Config: i.logOpts ?? {} } : undefined,
            NetworkMode: i.networkMode ?? networks[0]?.name,
        },
        NetworkingConfig: networks.length > 0 ? { EndpointsConfig: { [networks[0].name]: { Aliases: networks[0].aliases ?? [] } } } : undefined,
    };
}

/** The uploads as the provider sends them: tar entries named by their full path, owner and mode, extracted at "/". */
export async function uploadArchive(c: Registered): Promise<Buffer | undefined> {
    const uploads: Array<{ file: string; content: string; permissions?: string; owner?: string; group?: string }> = reveal(c.inputs.uploads ?? []);
    if (uploads.length === 0) return undefined;
    return packTar(
        uploads.map((u) => {
            const uid = u.owner ? Number(u.owner) : 0;
            return { header: { name: u.file, mode: parseInt(u.permissions ?? "0644", 8), uid, gid: u.group ? Number(u.group) : uid }, content: u.content };
        }),
    );
}

export interface Deployed {
    /** Container ID by registered name. */
    readonly ids: Map<string, string>;
}

/**
 * One container: create, join its networks, upload, start, in the provider's order. The provider creates the
 * container on network_mode "bridge", disconnects it from "bridge" and connects every networks_advanced entry
 * with its aliases, all before the upload and start (kreuzwerker v4.5.0 resource_docker_container_funcs.go
 * L456-502, L586). An engine started with --bridge=none has no "bridge" network, so the replay creates the
 * container on the first network directly and connects the others: the same networks and aliases at start.
 */
export async function deployContainer(docker: Docker, c: Registered, images: Record<Service, string>, hostLacks: readonly string[] = []): Promise<string> {
    const image = images[serviceKey(label(c, "observability.component") as string)];
    const created = await docker.createContainer(createRequest(c, image, hostLacks));
    const networks: Array<{ name: string; aliases?: string[] }> = reveal(c.inputs.networksAdvanced ?? []);
    for (const n of networks.slice(1)) await docker.getNetwork(n.name).connect({ Container: created.id, EndpointConfig: { Aliases: n.aliases ?? [] } });
    const archive = await uploadArchive(c);
    if (archive) await created.putArchive(archive, { path: "/" });
    if (reveal(c.inputs.start) !== false) await created.start();
    return created.id;
}

/** Every network, volume and container the program registered, on the real engine, in registration order. */
export async function deploy(
    docker: Docker,
    run: ProgramRun,
    images: Record<Service, string>,
    hostLacks: readonly string[] = [],
    only: (c: Registered) => boolean = () => true,
): Promise<Deployed> {
    for (const n of byType(run, "docker:index/network:Network")) {
        const i = reveal(n.inputs);
        // The provider sends Internal only when true (resource_docker_network_funcs.go v4.5.0 L42-44).
        await docker.createNetwork({ Name: i.name, Driver: i.driver, Attachable: i.attachable, Internal: i.internal === true, Labels: labels(i.labels) });
    }
    for (const v of byType(run, "docker:index/volume:Volume")) {
        const i = reveal(v.inputs);
        await docker.createVolume({ Name: i.name, Labels: labels(i.labels) });
    }
    const ids = new Map<string, string>();
    for (const c of byType(run, CONTAINER).filter(only)) ids.set(c.name, await deployContainer(docker, c, images, hostLacks));
    return { ids };
}

function labels(list: Array<{ label: string; value: string }> | undefined): Record<string, string> {
    return Object.fromEntries((list ?? []).map((l) => [l.label, l.value]));
}
