/**
 * The program's containers on a real Docker engine: the same create / upload / start calls the provider
 * makes, with stand-in images built from the upstream images' facts. What mocks cannot see (the engine
 * refusing an upload, a user that cannot read its file or write its volume) fails here.
 */
import Docker from "dockerode";
import { ProgramRun, Registered, byType, isSeed, reveal } from "../harness/mocks";
import { label, runsAs, serviceKey } from "../harness/stackSpec";
import { buildStandIns, capabilitiesHostLacks, engine, execAs, removeStack, requireEngine } from "./docker";
import { registered } from "./program";
import { dockerStacks } from "../harness/stackFiles";
import { binary } from "../real/binaries";
import { createRequest, deploy, deployContainer } from "./replay";
import { compareReadBack, readBack } from "./readBack";
import { Service } from "../../settings/types";

const CONTAINER = "docker:index/container:Container";
/** Neither the image's user nor root: "any other user" for secret files. */
const STRANGER = "4242:4242";

let docker: Docker;
let images: Record<Service, string>;
/** Asked-for capabilities this host cannot grant; left out of the replay and checked below, never hidden. */
const hostLacks = capabilitiesHostLacks();

beforeAll(async () => {
    docker = engine();
    await requireEngine(docker);
    // Loki's stand-in carries the real (static) Loki at the image's path: the container really runs it.
    images = await buildStandIns(
        docker,
        { loki: { binary: binary("loki"), path: "/usr/bin/loki" } },
        // A stand-in Grafana CLI on the image's PATH: it records how the start script calls it, and what it reads.
        { grafana: [{ path: "/usr/share/grafana/bin/grafana", mode: 0o755, content: '#!/bin/sh\necho "$@" > "$GF_PATHS_DATA/cli-args"\ncat > "$GF_PATHS_DATA/cli-stdin"\n' }] },
    );
});

const prefixOf = (run: ProgramRun) => reveal(byType(run, "docker:index/network:Network")[0].inputs.name).replace(/-net$/, "");
const running = (run: ProgramRun) => byType(run, CONTAINER).filter((c) => reveal(c.inputs.start) !== false);

/** The files a running container finds in /config: its own uploads, or its seed's. */
function filesOf(run: ProgramRun, c: Registered): Array<{ file: string; content: string; permissions?: string }> {
    const component = label(c, "observability.component");
    const carriers = byType(run, CONTAINER).filter((o) => o === c || (isSeed(o) && label(o, "observability.component") === component));
    return carriers.flatMap((o) => reveal(o.inputs.uploads ?? []));
}

/** Paths a service must be able to write: its read-write volumes and tmpfs mounts. */
function writablePaths(c: Registered): string[] {
    const i = reveal(c.inputs);
    const volumes = (i.mounts ?? []).filter((m: any) => m.type === "volume" && !m.readOnly).map((m: any) => m.target);
    return [...volumes, ...Object.keys(i.tmpfs ?? {})];
}

describe.each(dockerStacks())("%s on a real engine", (stack) => {
    let run: ProgramRun;
    let ids: Map<string, string>;

    beforeAll(async () => {
        run = registered(stack);
        await removeStack(docker, prefixOf(run));
        ({ ids } = await deploy(docker, run, images, hostLacks));
    });
    afterAll(async () => {
        if (run) await removeStack(docker, prefixOf(run));
    });

    test("every container is created, receives its files, and runs, with the registered host config", async () => {
        expect(running(run).length).toBeGreaterThanOrEqual(5);
        for (const c of byType(run, CONTAINER)) {
            const info = await docker.getContainer(ids.get(c.name) as string).inspect();
            if (reveal(c.inputs.start) === false) {
                expect(info.State.Status).toBe("created");
                continue;
            }
            expect({ name: c.name, running: info.State.Running }).toEqual({ name: c.name, running: true });
            expect(info.HostConfig.ReadonlyRootfs).toBe(true);
            expect(info.HostConfig.SecurityOpt).toContain("no-new-privileges:true");
            expect(info.HostConfig.CapDrop).toEqual(["ALL"]);
            expect(info.HostConfig.Memory).toBe(reveal(c.inputs.memory) * 1024 * 1024);
            if (c.inputs.cgroupnsMode) expect((info.HostConfig as { CgroupnsMode?: string }).CgroupnsMode).toBe(c.inputs.cgroupnsMode);
            const asked: string[] = reveal(c.inputs.capabilities?.adds ?? []);
            expect([...(info.HostConfig.CapAdd ?? []), ...asked.filter((cap) => hostLacks.includes(cap))].sort()).toEqual([...asked].sort());
            for (const bindings of Object.values(info.HostConfig.PortBindings ?? {}) as Array<Array<{ HostIp: string }>>) {
                for (const b of bindings) expect(b.HostIp).toBe("127.0.0.1");
            }
        }
    });

    test("every container reads back as the program wrote it: a refresh right after `up` finds no drift", async () => {
        await expectNoReadBackDrift(run, ids);
    });

    test("each service, as its own user, reads every file it was given", async () => {
        const withFiles = running(run).filter((c) => filesOf(run, c).length > 0);
        expect(withFiles.length).toBeGreaterThanOrEqual(3);
        for (const c of withFiles) {
            for (const f of filesOf(run, c)) {
                const read = await execAs(docker, ids.get(c.name) as string, runsAs(c), ["cat", f.file]);
                expect({ container: c.name, file: f.file, exit: read.exitCode, stderr: read.stderr }).toEqual({ container: c.name, file: f.file, exit: 0, stderr: "" });
                expect(read.stdout).toBe(f.content);
            }
        }
    });

    test("a secret file is readable by its service's user and by no other user", async () => {
        const secrets = running(run).flatMap((c) => filesOf(run, c).filter((f) => f.permissions === "0400").map((f) => ({ c, f })));
        expect(secrets.length).toBe(byType(run, CONTAINER).some((c) => label(c, "observability.component") === "grafana") ? 1 : 0);
        for (const { c, f } of secrets) {
            const id = ids.get(c.name) as string;
            expect((await execAs(docker, id, runsAs(c), ["cat", f.file])).exitCode).toBe(0);
            for (const other of [STRANGER, "65534:65534", "0:0"]) {
                const read = await execAs(docker, id, other, ["cat", f.file]);
                expect({ user: other, exit: read.exitCode === 0 }).toEqual({ user: other, exit: false });
            }
        }
    });

    test("Grafana's start script: the first start leaves the password to Grafana, every later one resets it to the secret", async () => {
        const c = byType(run, CONTAINER).find((x) => !isSeed(x) && label(x, "observability.component") === "grafana");
        if (!c) return expect(stack).toBe("an external Grafana");
        const id = ids.get(c.name) as string;
        const password = filesOf(run, c).find((f) => f.file === "/config/admin_password")?.content;
        const user = runsAs(c);
        const read = (file: string) => execAs(docker, id, user, ["cat", `/var/lib/grafana/${file}`]);

        expect((await docker.getContainer(id).inspect()).State.Running).toBe(true);
        expect((await read("cli-args")).exitCode).not.toBe(0);

        // A database from an earlier deployment (a retained volume), then a restart.
        expect((await execAs(docker, id, user, ["sh", "-c", "echo sqlite > /var/lib/grafana/grafana.db"])).exitCode).toBe(0);
        await docker.getContainer(id).restart({ t: 1 });
        let args = await read("cli-args");
        for (let i = 0; i < 50 && args.exitCode !== 0; i++) {
            await new Promise((r) => setTimeout(r, 100));
            args = await read("cli-args");
        }
        expect(args.stdout.trim()).toBe(
            "cli --homepath /usr/share/grafana --config /etc/grafana/grafana.ini --configOverrides cfg:default.paths.data=/var/lib/grafana admin reset-admin-password --password-from-stdin",
        );
        expect((await read("cli-stdin")).stdout).toBe(password);
        // Then the image's own entrypoint runs: the container is up, not restarting.
        const state = (await docker.getContainer(id).inspect()).State;
        expect({ running: state.Running, restarting: state.Restarting }).toEqual({ running: true, restarting: false });
    });

    test("each service, as its own user, writes its data directories and nothing else", async () => {
        for (const c of running(run)) {
            const id = ids.get(c.name) as string;
            for (const dir of writablePaths(c)) {
                const probe = `${dir}/.engine-probe`;
                const wrote = await execAs(docker, id, runsAs(c), ["sh", "-c", `touch ${probe} && rm ${probe}`]);
                expect({ container: c.name, dir, exit: wrote.exitCode, stderr: wrote.stderr }).toEqual({ container: c.name, dir, exit: 0, stderr: "" });
            }
            const root = await execAs(docker, id, runsAs(c), ["touch", "/.engine-probe"]);
            expect({ container: c.name, rootWritable: root.exitCode === 0 }).toEqual({ container: c.name, rootWritable: false });
            if (filesOf(run, c).length > 0) {
                const config = await execAs(docker, id, "0", ["touch", "/config/.engine-probe"]);
                expect({ container: c.name, configWritable: config.exitCode === 0 }).toEqual({ container: c.name, configWritable: false });
            }
        }
    });

    test("the real Loki becomes healthy by its own healthcheck, with read-only root, its user and the seeded file", async () => {
        const lokiC = running(run).find((c) => label(c, "observability.component") === "loki") as Registered;
        const id = ids.get(lokiC.name) as string;
        const status = await healthy(id);
        const logs = status === "healthy" ? "" : (await docker.getContainer(id).logs({ stdout: true, stderr: true, tail: 40 })).toString();
        expect({ status, logs }).toEqual({ status: "healthy", logs: "" });
    });

    test("Loki keeps a pushed line across a container restart (and serves it on the published port, where there is one)", async () => {
        const lokiC = running(run).find((c) => label(c, "observability.component") === "loki") as Registered;
        const id = ids.get(lokiC.name) as string;
        const user = runsAs(lokiC);
        const line = `engine-restart-probe-${stack}-${Date.now()}`;
        const body = JSON.stringify({ streams: [{ stream: { job: "engine-test" }, values: [[`${BigInt(Date.now()) * 1_000_000n}`, line]] }] });
        const push = await execAs(docker, id, user, ["wget", "-q", "-O", "-", "--header", "Content-Type: application/json", "--post-data", body, "http://127.0.0.1:3100/loki/api/v1/push"]);
        expect({ exit: push.exitCode, stderr: push.stderr }).toEqual({ exit: 0, stderr: "" });
        expect(await lokiLines(id, user, `{job="engine-test"}`)).toContain(line);

        await docker.getContainer(id).restart({ t: 30 });
        expect(await healthy(id)).toBe("healthy");
        expect(await lokiLines(id, user, `{job="engine-test"}`)).toContain(line);

        for (const p of reveal(lokiC.inputs.ports ?? [])) {
            const params = new URLSearchParams({ query: `{job="engine-test"}`, start: `${BigInt(Date.now() - 600_000) * 1_000_000n}` });
            const res = await fetch(`http://${p.ip}:${p.external}/loki/api/v1/query_range?${params}`);
            expect(JSON.stringify(await res.json())).toContain(line);
        }
    });
});

/** Waits for Docker's own healthcheck verdict on a container. */
async function healthy(id: string, timeoutMs = 150_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let status = "none";
    while (Date.now() < deadline) {
        status = (await docker.getContainer(id).inspect()).State.Health?.Status ?? "none";
        if (status === "healthy" || status === "unhealthy") break;
        await new Promise((r) => setTimeout(r, 1000));
    }
    return status;
}

/** Lines of a Loki stream selector, asked from inside the Loki container (busybox wget, as the service's user). */
async function lokiLines(id: string, user: string, selector: string): Promise<string[]> {
    const params = new URLSearchParams({ query: selector, start: `${BigInt(Date.now() - 600_000) * 1_000_000n}`, limit: "100" });
    const r = await execAs(docker, id, user, ["wget", "-q", "-O", "-", `http://127.0.0.1:3100/loki/api/v1/query_range?${params}`]);
    if (r.exitCode !== 0) return [];
    return JSON.parse(r.stdout).data.result.flatMap((s: any) => s.values.map((v: [string, string]) => v[1]));
}

/**
 * Every field the provider reads back (tests/engine/readBack.ts) equals the registered input. Network mode is
 * the one read field this engine cannot show as the provider leaves it: the provider creates on the default
 * "bridge" network and then connects the stack's network, and this sandbox's engine runs without a bridge.
 */
async function expectNoReadBackDrift(run: ProgramRun, ids: Map<string, string>): Promise<void> {
    const containers = byType(run, CONTAINER);
    expect(containers.length).toBeGreaterThan(0);
    for (const c of containers) {
        const info = await docker.getContainer(ids.get(c.name) as string).inspect();
        const inputs = reveal(c.inputs);
        const read = readBack(info);
        if (inputs.networkMode === undefined) delete read.networkMode;
        expect({ container: c.name, differences: compareReadBack(inputs, read, hostLacks) }).toEqual({ container: c.name, differences: [] });
    }
}

describe("privileged Falco on a real engine", () => {
    // Any stack: the override turns Falco on, privileged.
    const stack = dockerStacks()[dockerStacks().length - 1];
    let run: ProgramRun;
    let ids: Map<string, string>;
    const isFalco = (c: Registered) => label(c, "observability.component") === "falco";

    beforeAll(async () => {
        run = registered(stack, { "observability:falco": { enabled: true, privileged: true } });
        await removeStack(docker, prefixOf(run));
        // Created, not started: this sandbox cannot grant a privileged container every capability. What the
        // provider reads back (host config, security options) is fixed at create time all the same.
        ({ ids } = await deploy(docker, run, images, hostLacks, () => false));
        for (const c of byType(run, CONTAINER).filter(isFalco)) {
            const image = images[serviceKey(label(c, "observability.component") as string)];
            ids.set(c.name, (await docker.createContainer(createRequest(c, image, hostLacks))).id);
        }
    });
    afterAll(async () => {
        if (run) await removeStack(docker, prefixOf(run));
    });

    test("is privileged, and reads back as the program wrote it (the engine's label=disable included)", async () => {
        const falco = byType(run, CONTAINER).filter((c) => isFalco(c) && !isSeed(c));
        expect(falco).toHaveLength(1);
        expect(reveal(falco[0].inputs.privileged)).toBe(true);
        const info = await docker.getContainer(ids.get(falco[0].name) as string).inspect();
        expect(info.HostConfig.Privileged).toBe(true);
        await expectNoReadBackDrift({ ...run, resources: run.resources.filter((r) => r.type !== CONTAINER || isFalco(r)) }, ids);
    });
});

describe("a configuration change on a real engine", () => {
    const stack = dockerStacks().includes("dev") ? "dev" : dockerStacks()[0];
    let before: ProgramRun;
    afterAll(async () => {
        if (before) await removeStack(docker, prefixOf(before));
    });

    test("changes only the changed service's hash; the replacement reads the new content", async () => {
        before = registered(stack);
        await removeStack(docker, prefixOf(before));
        const { ids } = await deploy(docker, before, images);
        const after = registered(stack, { "observability:loki": { retention: "96h", ingestionRateMb: 2, ingestionBurstSizeMb: 4 } });

        const service = (r: ProgramRun, component: string) =>
            byType(r, CONTAINER).find((c) => !isSeed(c) && label(c, "observability.component") === component) as Registered;
        const seedOf = (r: ProgramRun, component: string) => byType(r, CONTAINER).find((c) => isSeed(c) && label(c, "observability.component") === component);
        const hash = (c: Registered) => label(c, "observability.config-hash");
        expect(hash(service(after, "loki"))).not.toBe(hash(service(before, "loki")));
        const others = byType(before, CONTAINER).filter((c) => !isSeed(c) && hash(c) !== undefined && label(c, "observability.component") !== "loki");
        expect(others.length).toBeGreaterThanOrEqual(3);
        for (const c of others) {
            const component = label(c, "observability.component") as string;
            expect({ component, hash: hash(service(after, component)) }).toEqual({ component, hash: hash(c) });
        }

        // What `pulumi up` does for a replacement with deleteBeforeReplace: the dependent service goes first.
        const oldLoki = service(before, "loki");
        const oldSeed = seedOf(before, "loki");
        await docker.getContainer(ids.get(oldLoki.name) as string).remove({ force: true });
        if (oldSeed) await docker.getContainer(ids.get(oldSeed.name) as string).remove({ force: true });
        const newSeed = seedOf(after, "loki");
        if (newSeed) await deployContainer(docker, newSeed, images);
        const newLoki = service(after, "loki");
        const id = await deployContainer(docker, newLoki, images);

        const read = await execAs(docker, id, runsAs(newLoki), ["cat", "/config/loki.yaml"]);
        expect(read.exitCode).toBe(0);
        expect(read.stdout).toContain("retention_period: 96h");
        expect(read.stdout).toBe(filesOf(after, newLoki).find((f) => f.file === "/config/loki.yaml")?.content);
    });
});
