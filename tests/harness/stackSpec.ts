import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { IMAGE_FACTS } from "../../settings/imageFacts";
import { parseDuration } from "../../settings/units";
import { configHash, secretDigest } from "../../components/configSeed";
import { Service, Settings } from "../../settings/types";
import { collectorView, discovered, relabel } from "./collector";
import { matches, selectors } from "./selectors";
import { GENERATED_PASSWORD, ProgramRun, Registered, byType, container, isSeed, reveal, runProgram, seed, stackConfig, uploaded } from "./mocks";

const CONTAINER = "docker:index/container:Container";

/** Runs the program for one real stack file once, shared by that stack's test file. */
export function programFor(
    stack: string,
    overrides: Record<string, unknown> = {},
    secrets: Record<string, string> = {},
): { run: () => ProgramRun; settings: Settings } {
    const config = stackConfig(stack, { ...overrides, ...secrets });
    const settings = parseSettings(stack, rawConfig(config));
    let result: ProgramRun | undefined;
    beforeAll(async () => {
        result = await runProgram(stack, config, undefined, Object.keys(secrets));
    });
    return {
        settings,
        run: () => {
            if (!result) throw new Error("program did not run");
            return result;
        },
    };
}

/** The checks every stack must pass: the foundation's promises, asserted on registered inputs. */
export function foundationSpec(stack: string, program: { run: () => ProgramRun; settings: Settings }): void {
    const { settings } = program;
    const containers = () => byType(program.run(), CONTAINER).filter((c) => !isSeed(c));
    const seeds = () => byType(program.run(), CONTAINER).filter(isSeed);

    describe(`${stack}: resource names and types (URNs: renaming one replaces it)`, () => {
        test("one root component named after the stack's prefix; every other resource named under its parent", () => {
            const all = program.run().resources;
            const roots = all.filter((r) => r.options?.parent === undefined);
            expect(roots.map((r) => [r.type, r.name])).toEqual([["observability:stack:ObservabilityStack", settings.namePrefix]]);
            for (const r of all.filter((r) => r.options?.parent !== undefined)) {
                const parent = r.options!.parent!;
                expect({ name: r.name, underParent: r.name === parent || r.name.startsWith(`${parent}-`) }).toEqual({ name: r.name, underParent: true });
            }
            const urns = all.map((r) => `${r.type}::${r.name}`);
            expect(new Set(urns).size).toBe(urns.length);
        });
        test("every component's type token is observability:stack:<its class> (STYLE.md)", () => {
            const components = program.run().resources.filter((r) => !r.type.includes("/") && !r.type.startsWith("pulumi:providers:"));
            expect(components.length).toBeGreaterThanOrEqual(8);
            for (const c of components) expect([c.name, c.type]).toEqual([c.name, `observability:stack:${c.options?.className}`]);
        });
    });

    test(`${stack}: Promtail, and only Promtail, is warned about on every run (README: end of life on 2026-03-02)`, () => {
        const eol = program.run().warnings.filter((w) => /Promtail/.test(w));
        if (settings.collector === "promtail") {
            expect(eol).toHaveLength(1);
            expect(eol[0]).toMatch(/end of life on 2026-03-02/);
            expect(eol[0]).toMatch(/Alloy/);
            expect(eol[0]).toMatch(/https:\/\/grafana\.com\/docs\/alloy\/\S*migrate\/from-promtail/);
        } else expect(eol).toEqual([]);
    });

    test(`${stack}: every writable volume is mounted where the container's user can write (its image's facts)`, () => {
        const checked: string[] = [];
        for (const c of containers()) {
            const service = serviceKey(label(c, "observability.component")!);
            const facts = IMAGE_FACTS[service];
            const uid = String(runsAs(c)).split(":")[0];
            for (const m of (c.inputs.mounts ?? []).filter((m: any) => m.type === "volume" && !m.readOnly)) {
                checked.push(`${service}:${m.target}`);
                // Root writes anywhere; anyone else only where the image created a directory for it.
                if (uid === "0") continue;
                const dir = facts.ownedDirs.find((d) => d.path === m.target);
                expect({ service, target: m.target, ownerUid: dir?.owner.split(":")[0] }).toEqual({ service, target: m.target, ownerUid: uid });
            }
        }
        expect(checked.length).toBeGreaterThanOrEqual(3);
    });

    test(`${stack}: stack outputs (README: URLs on the host, the network, the collector's container)`, () => {
        const { outputs } = program.run();
        // Published services only, each on the configured address (dev: Loki too; README "What you get").
        const expected: Record<string, string> = {};
        for (const [service, port] of Object.entries(settings.publish.ports)) expected[service] = `http://${settings.publish.address}:${port}`;
        // An external Grafana is where its users already open it; the stack publishes no port for it.
        if (settings.grafana.externalUrl) expected.grafana = settings.grafana.externalUrl;
        expect(Object.keys(expected).length).toBeGreaterThanOrEqual(1);
        expect(outputs.publishedUrls).toEqual(expected);
        expect(outputs.networkName).toBe(`${settings.namePrefix}-net`);
        expect(outputs.lokiUrl).toBe("http://loki:3100");
        expect(outputs.prometheusUrl).toBe("http://prometheus:9090");
        expect(outputs.collectorName).toBe(`${settings.namePrefix}-${settings.collector}`);
    });

    test(`${stack}: every Docker resource is managed through the one provider for the configured Docker host`, () => {
        const providers = byType(program.run(), "pulumi:providers:docker");
        expect(providers).toHaveLength(1);
        expect(providers[0].inputs.host).toBe(settings.dockerHost);
        const dockerResources = program.run().resources.filter((r) => r.type.startsWith("docker:"));
        expect(dockerResources.length).toBeGreaterThan(10);
        for (const r of dockerResources) expect({ resource: r.name, provider: r.options?.provider }).toEqual({ resource: r.name, provider: providers[0].name });
    });

    test(`${stack}: every component registers its outputs; the stack's are what index.ts exports`, () => {
        const components = program.run().resources.filter((r) => r.type.startsWith("observability:stack:"));
        expect(components.length).toBeGreaterThanOrEqual(8);
        for (const c of components) expect({ component: c.name, registered: (c.options?.outputKeys ?? []).length > 0 }).toEqual({ component: c.name, registered: true });
        const root = components.find((c) => c.type === "observability:stack:ObservabilityStack")!;
        expect([...root.options!.outputKeys!].sort()).toEqual(Object.keys(program.run().outputs).sort());
    });

    test(`${stack}: each service starts after what it needs is ready`, () => {
        const p = settings.namePrefix;
        const dependsOn = (type: string, name: string) => program.run().resources.find((r) => r.type === type && r.name === name)?.options?.dependsOn ?? [];
        const component = (cls: string, name: string) => dependsOn(`observability:stack:${cls}`, name);
        const collectorClass = settings.collector === "alloy" ? "Alloy" : "Promtail";
        // The collector ships from its first line on: Loki and the Docker API proxy are up before it.
        expect(component(collectorClass, `${p}-${settings.collector}`).sort()).toEqual([`${p}-loki`, `${p}-socket-proxy`].sort());
        // Falco's first events and the demo's first logs are shipped: the collector runs before them.
        if (settings.falco.enabled) expect(component("Falco", `${p}-falco`)).toEqual([`${p}-${settings.collector}`]);
        if (settings.demo.enabled) {
            expect(component("DemoWorkload", `${p}-demo`)).toEqual([`${p}-${settings.collector}`]);
            expect(dependsOn("observability:stack:HardenedContainer", `${p}-demo-exporter`)).toEqual([`${p}-demo-postgres`]);
        }
        if (!settings.grafana.externalUrl) {
            // Grafana's datasources answer from its first start; its API is called only once the container is healthy.
            expect(component("Grafana", `${p}-grafana`).sort()).toEqual([`${p}-loki`, `${p}-prometheus`].sort());
            expect(dependsOn("pulumi:providers:grafana", `${p}-content-provider`)).toEqual([`${p}-grafana`]);
        }
        // Dashboards and alert rules reference the datasources by UID: they are created after them.
        const afterDatasources = [`${p}-content-loki`, `${p}-content-prometheus`].sort();
        for (const r of program.run().resources.filter((x) => x.type === "grafana:oss/dashboard:Dashboard" || x.type === "grafana:alerting/ruleGroup:RuleGroup")) {
            expect({ resource: r.name, after: [...(r.options?.dependsOn ?? [])].sort() }).toEqual({ resource: r.name, after: afterDatasources });
        }
    });

    test(`${stack}: "ready" is healthy: exactly the containers others wait for are created only once healthy`, () => {
        // What the dependencies above need ready, and Prometheus, which any Grafana (own or external) reads from the
        // start; the collector, Falco and the exporter are waited on by nobody, so waiting would only lengthen `pulumi up`.
        const needed = ["loki", "socket-proxy", "prometheus"];
        if (!settings.grafana.externalUrl) needed.push("grafana");
        if (settings.demo.enabled) needed.push("demo-postgres");
        const waited = containers().filter((c) => c.inputs.wait === true).map((c) => label(c, "observability.component"));
        expect(waited.sort()).toEqual(needed.sort());
        for (const c of containers()) expect(typeof c.inputs.wait).toBe("boolean");
    });

    describe(`${stack}: network`, () => {
        const nets = () => byType(program.run(), "docker:index/network:Network");
        test("three private bridge networks: the stack's, an internal one for the Docker API, and Loki's", () => {
            expect(nets().map((n) => n.inputs.name).sort()).toEqual([`${settings.namePrefix}-docker-api`, `${settings.namePrefix}-loki`, `${settings.namePrefix}-net`]);
            for (const n of nets()) {
                expect(n.inputs.driver).toBe("bridge");
                // Only the stack's own containers join them: `docker run --network` cannot attach a stranger.
                expect(n.inputs.attachable).toBe(false);
                expect(label(n, "observability.stack")).toBe(settings.namePrefix);
                expect(label(n, "observability.managed-by")).toBe("pulumi");
            }
            // No route out of the Docker API network, and the stack's network keeps its route (Grafana mails, Slack).
            // Loki's is not internal: dev publishes Loki's port, which an internal network cannot.
            expect(Object.fromEntries(nets().map((n) => [n.inputs.name.slice(settings.namePrefix.length + 1), n.inputs.internal ?? false]))).toEqual({ net: false, "docker-api": true, loki: false });
        });
        test("each container's networks: the proxy only the Docker API's, Loki only its own; the collector both; Grafana and Prometheus Loki's too", () => {
            const [stackNet, apiNet, lokiNet] = [`${settings.namePrefix}-net`, `${settings.namePrefix}-docker-api`, `${settings.namePrefix}-loki`];
            const NETWORKS: Record<string, string[]> = {
                "socket-proxy": [apiNet],
                loki: [lokiNet],
                [settings.collector]: [stackNet, apiNet, lokiNet],
                // Beside Promtail, Alloy only serves metrics: the Docker API for cAdvisor, no Loki.
                ...(settings.collector === "promtail" ? { alloy: [stackNet, apiNet] } : {}),
                grafana: [stackNet, lokiNet],
                prometheus: [stackNet, lokiNet],
            };
            for (const c of containers()) {
                const service = label(c, "observability.component") as string;
                const joins = NETWORKS[service] ?? [stackNet];
                expect({ service, networks: c.inputs.networksAdvanced }).toEqual({ service, networks: joins.map((name) => ({ name, aliases: [service] })) });
            }
        });
        test("the Docker provider targets the configured host", () => {
            const provider = byType(program.run(), "pulumi:providers:docker");
            expect(provider).toHaveLength(1);
            expect(provider[0].inputs.host).toBe(settings.dockerHost);
        });
    });

    describe(`${stack}: every container is hardened`, () => {
        test("runs the pinned image by ID, not by tag", () => {
            const images = byType(program.run(), "docker:index/remoteImage:RemoteImage");
            for (const c of containers()) expect(c.inputs.image).toMatch(/^sha256:[0-9a-f]{64}$/);
            for (const i of images) {
                expect(i.inputs.name).not.toMatch(/:latest$/);
                expect(i.inputs.name).toMatch(/:v?\d+\.\d+|@sha256:/);
            }
            expect(images.length).toBe(containers().length);
            // Another stack on the same host may run the same image: destroying this one leaves it in place.
            for (const i of images) expect(i.inputs.keepLocally).toBe(true);
        });
        test("restart policy, log rotation, labels", () => {
            for (const c of containers()) {
                for (const e of reveal(c.inputs.envs ?? [])) expect(e).toMatch(/^[A-Z][A-Z0-9_]*=\S/);
                expect(c.inputs.restart).toBe("unless-stopped");
                expect(c.inputs.logDriver).toBe("json-file");
                expect(c.inputs.logOpts).toEqual({ "max-size": settings.logRotation.maxSize, "max-file": String(settings.logRotation.maxFiles) });
                expect(label(c, "observability.managed-by")).toBe("pulumi");
                expect(label(c, "observability.environment")).toBe(settings.environment);
                expect(label(c, "observability.stack")).toBe(settings.namePrefix);
                expect(label(c, "observability.allow-all-interfaces")).toBe(settings.publish.allowAllInterfaces ? "true" : undefined);
                // No program from /tmp, and no setuid there either.
                expect(c.inputs.tmpfs["/tmp"].split(",")).toEqual(expect.arrayContaining(["noexec", "nosuid"]));
                expect(c.inputs.privileged).toBe(label(c, "observability.component") === "falco" && settings.falco.privileged);
            }
        });
        test("every container, seeds included, is replaced delete-first (fixed names and ports)", () => {
            const all = byType(program.run(), CONTAINER);
            expect(all.length).toBeGreaterThanOrEqual(8);
            for (const c of all) expect({ container: c.name, deleteBeforeReplace: c.options?.deleteBeforeReplace }).toEqual({ container: c.name, deleteBeforeReplace: true });
        });
        test("a configured service waits for its seed; data volumes are kept on destroy exactly when the settings say", () => {
            for (const c of containers().filter((x) => (x.inputs.mounts ?? []).some((m: any) => m.target === "/config"))) {
                expect(c.options?.dependsOn).toContain(`${c.name}-config`);
            }
            const volumes = byType(program.run(), "docker:index/volume:Volume");
            // Named for its owner and its purpose, so `docker volume ls` tells what a volume holds.
            for (const v of volumes) expect(v.inputs.name).toMatch(new RegExp(`^${settings.namePrefix}-${label(v, "observability.component")}-[a-z]+$`));
            const data = volumes.filter((v) => !v.inputs.name.endsWith("-config"));
            expect(data.length).toBeGreaterThanOrEqual(3);
            for (const v of data) {
                expect({ volume: v.inputs.name, retained: v.options?.retainOnDelete ?? false, protected: v.options?.protect ?? false }).toEqual({
                    volume: v.inputs.name,
                    retained: settings.retainVolumes,
                    protected: settings.protectVolumes,
                });
            }
            // Only labels no setting can change on a live stack (a changed label replaces an in-use volume or network).
            // Labels an earlier version set (environment, retained) are left in place rather than replacing the resource.
            for (const r of [...volumes, ...byType(program.run(), "docker:index/network:Network")]) {
                expect({ name: r.inputs.name, labels: r.inputs.labels.map((l: { label: string }) => l.label).sort(), ignored: r.options?.ignoreChanges }).toEqual({
                    name: r.inputs.name,
                    labels: ["observability.component", "observability.managed-by", "observability.stack"],
                    ignored: ["labels"],
                });
            }
            // Configuration volumes are rebuilt from the program: never kept.
            for (const v of volumes.filter((x) => x.inputs.name.endsWith("-config"))) expect(v.options?.retainOnDelete ?? false).toBe(false);
        });
        test("healthcheck, limits from settings, no-new-privileges, capabilities dropped", () => {
            for (const c of containers()) {
                expect(c.inputs.healthcheck.tests[0]).toBe("CMD");
                expect(c.inputs.healthcheck.tests.length).toBeGreaterThan(1);
                const service = label(c, "observability.component") as string;
                const key = service.replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase()) as keyof Settings["resources"];
                expect({ service, memory: c.inputs.memory, cpus: Number(c.inputs.cpus) }).toEqual({ service, memory: settings.resources[key].memoryMb, cpus: settings.resources[key].cpus });
                expect(c.inputs.securityOpts).toContain("no-new-privileges:true");
                expect(c.inputs.capabilities.drops).toEqual(["ALL"]);
                // Only an unprivileged Falco adds any back (its eBPF probe); everyone else runs with none.
                if (service !== "falco") expect({ service, adds: c.inputs.capabilities.adds }).toEqual({ service, adds: [] });
                // Only Falco, which sees the host's processes, leaves the SELinux label confinement.
                if (service !== "falco") expect({ service, opts: c.inputs.securityOpts }).toEqual({ service, opts: ["no-new-privileges:true"] });
                expect(c.inputs.tmpfs["/tmp"]).toBeDefined();
            }
        });
        test("each healthcheck runs the image's own tool against the service's own health endpoint, and fails on an HTTP error", () => {
            // Health endpoints as each upstream documents them; Loki checks itself (`loki -health`), PostgreSQL with pg_isready.
            const ENDPOINT: Record<string, string> = {
                grafana: "/api/health", prometheus: "/-/healthy", alertmanager: "/-/healthy", "socket-proxy": "/_ping", falco: "/healthz",
                alloy: "/-/ready", promtail: "/ready", "demo-exporter": "/metrics",
            };
            for (const c of containers()) {
                const component = label(c, "observability.component") as string;
                const [cmd, tool, ...args] = c.inputs.healthcheck.tests as string[];
                expect([component, cmd, tool]).toEqual([component, "CMD", IMAGE_FACTS[serviceKey(component)].healthcheckTool]);
                const text = args.join(" ");
                const probe = /http:\/\/127\.0\.0\.1:\d+(\/\S*)/.exec(text)?.[1] ?? /GET (\S+) HTTP/.exec(text)?.[1];
                if (component in ENDPOINT) expect([component, probe]).toEqual([component, ENDPOINT[component]]);
                else expect([component, probe]).toEqual([component, undefined]);
                // curl reports success on a 500 unless told -f; wget -q fails on one by itself.
                if (tool === "curl") expect(args.slice(0, 3)).toEqual(["-fsS", "-o", "/dev/null"]);
                if (tool === "wget") expect(args.slice(0, 3)).toEqual(["-q", "-O", "/dev/null"]);
                if (tool === "bash") expect([args[0], text]).toEqual(["-c", expect.stringMatching(/^-c exec 3<>\/dev\/tcp\/127\.0\.0\.1\/\d+ && printf 'GET \S+ HTTP\/1\.0\\r\\n\\r\\n' >&3 && grep -q '200 OK' <&3$/)]);
            }
            const loki = containers().find((c) => label(c, "observability.component") === "loki")!;
            expect(loki.inputs.healthcheck.tests.slice(2)).toEqual(["-health", "-config.file=/config/loki.yaml"]);
        });
        test("read-only root; configuration arrives on a read-only volume filled by a never-started seed", () => {
            const configured = containers().filter((c) => (c.inputs.mounts ?? []).some((m: any) => m.target === "/config"));
            expect(configured.map((c) => label(c, "observability.component")).sort()).toEqual(seeds().map((s) => label(s, "observability.component")).sort());
            expect(configured.length).toBeGreaterThanOrEqual(3);
            for (const c of containers()) {
                expect(c.inputs.readOnly).toBe(true);
                expect(c.inputs.uploads ?? []).toEqual([]);
            }
            for (const c of configured) {
                const service = label(c, "observability.component") as string;
                const s = seed(program.run(), service);
                const volume = `${settings.namePrefix}-${service}-config`;
                expect(c.inputs.mounts).toContainEqual({ type: "volume", source: volume, target: "/config", readOnly: true });
                expect(s.inputs.mounts).toEqual([{ type: "volume", source: volume, target: "/config" }]);
                // The provider extracts uploads at "/": only a writable root accepts them.
                expect(s.inputs.readOnly ?? false).toBe(false);
                expect(s.inputs.start).toBe(false);
                expect(s.inputs.mustRun).toBe(false);
                expect(s.inputs.image).toBe(c.inputs.image);
                const uploads = reveal(s.inputs.uploads);
                expect(uploads.length).toBeGreaterThan(0);
                for (const u of uploads) expect(u.file).toMatch(/^\/config\/[^/]+$/);
                expect(label(c, "observability.config-hash")).toMatch(/^[0-9a-f]{32}$/);
                expect(label(c, "observability.config-hash")).toBe(expectedConfigHash(s));
                // Never started, so nothing runs in it: no network, no capabilities, no restart, a tiny memory cap.
                expect([s.inputs.restart, s.inputs.networkMode, s.inputs.capabilities, s.inputs.securityOpts]).toEqual(["no", "none", { drops: ["ALL"] }, ["no-new-privileges:true"]]);
                expect(s.inputs.memory).toBeLessThanOrEqual(64);
                expect(s.inputs.name).toBe(`${volume}-seed`);
                expect(s.options?.deleteBeforeReplace).toBe(true);
                // Nothing the program uploads is writable, even by its owner (the volume is read-only anyway).
                for (const u of uploads) expect({ file: u.file, mode: u.permissions }).toEqual({ file: u.file, mode: expect.stringMatching(/^0[045]{3}$/) });
            }
        });
        test("published ports are bound to the configured address only", () => {
            for (const c of containers()) {
                for (const p of c.inputs.ports ?? []) expect([p.ip, p.protocol]).toEqual([settings.publish.address, "tcp"]);
            }
            const published = containers().flatMap((c) => (c.inputs.ports ?? []).map((p: any) => p.external));
            const running = Object.entries(settings.publish.ports).filter(([service]) => !(service === "grafana" && settings.grafana.externalUrl));
            expect(published.sort()).toEqual(running.map(([, port]) => port).sort());
        });
    });

    describe(`${stack}: Loki`, () => {
        const loki = () => container(program.run(), "loki");
        test("limits from settings, image from settings", () => {
            expect(loki().inputs.memory).toBe(settings.resources.loki.memoryMb);
            expect(Number(loki().inputs.cpus)).toBe(settings.resources.loki.cpus);
            expect(image(program.run(), "loki")).toBe(settings.images.loki);
        });
        test("data on a named volume at /loki, read-only root, image user", () => {
            const mount = loki().inputs.mounts.find((m: any) => m.target === "/loki");
            expect(mount.type).toBe("volume");
            expect(mount.source).toBe(`${settings.namePrefix}-loki-data`);
            expect(loki().inputs.readOnly).toBe(true);
            expect(loki().inputs.user).toBeUndefined();
        });
        test("waits until healthy, checked by the binary itself", () => {
            expect(loki().inputs.wait).toBe(true);
            expect(loki().inputs.healthcheck.tests).toContain("-health");
        });
        test("published only if asked", () => {
            const ports = loki().inputs.ports ?? [];
            if (settings.publish.ports.loki) expect(ports).toEqual([expect.objectContaining({ internal: 3100, external: settings.publish.ports.loki })]);
            else expect(ports).toEqual([]);
        });
        test("uploaded configuration applies this stack's retention and limits", () => {
            const cfg = uploaded(seed(program.run(), "loki"), "loki.yaml");
            expect(cfg.limits_config.retention_period).toBe(`${settings.loki.retention.seconds / 3600}h`);
            expect(cfg.limits_config.ingestion_rate_mb).toBe(settings.loki.ingestionRateMb);
            expect(cfg.limits_config.ingestion_burst_size_mb).toBe(settings.loki.ingestionBurstSizeMb);
            expect(cfg.compactor.retention_enabled).toBe(true);
            expect(cfg.compactor.delete_request_store).toBe("filesystem");
            expect(cfg.ingester.wal.dir.startsWith("/loki/")).toBe(true);
            expect(loki().inputs.command).toEqual(["-config.file=/config/loki.yaml"]);
        });
        test("everything Loki writes is on its data volume, and the WAL is on (lines survive a restart)", () => {
            const cfg = uploaded(seed(program.run(), "loki"), "loki.yaml");
            const data = loki().inputs.mounts.find((m: any) => m.source === `${settings.namePrefix}-loki-data`).target;
            const dirs = [
                cfg.common.path_prefix,
                cfg.common.storage.filesystem.chunks_directory,
                cfg.common.storage.filesystem.rules_directory,
                cfg.ingester.wal.dir,
                cfg.compactor.working_directory,
            ];
            for (const dir of dirs) expect({ dir, onVolume: dir === data || dir.startsWith(`${data}/`) }).toEqual({ dir, onVolume: true });
            expect(new Set(dirs.slice(1)).size).toBe(4);
            expect(cfg.ingester.wal.enabled).toBe(true);
            // Filesystem chunks and TSDB index: one process, no object store, no ring peers (README: single binary).
            expect(cfg.common.ring.kvstore.store).toBe("inmemory");
            expect(cfg.common.replication_factor).toBe(1);
            expect(cfg.schema_config.configs.map((c: any) => [c.store, c.object_store, c.schema])).toEqual([["tsdb", "filesystem", "v13"]]);
            // Retention deletes only once the compactor's delete delay from the settings has passed.
            expect(parseDuration(cfg.compactor.retention_delete_delay)?.seconds).toBe(settings.loki.deleteDelay.seconds);
            expect(cfg.compactor.retention_delete_worker_count).toBeGreaterThan(0);
            expect(cfg.analytics.reporting_enabled).toBe(false);
            expect(cfg.auth_enabled).toBe(false);
            expect(cfg.server.http_listen_port).toBe(3100);
        });
    });

    describe(`${stack}: log collector (${settings.collector})`, () => {
        const collector = () => container(program.run(), settings.collector);
        const view = () => collectorView(program.run(), settings);
        test("the collector the stack file names, and only that one; limits and image from settings", () => {
            const running = (service: string) => byType(program.run(), CONTAINER).filter((c) => !isSeed(c) && label(c, "observability.component") === service);
            if (settings.collector === "alloy") expect(running("promtail")).toEqual([]);
            else {
                // Beside Promtail, Alloy runs its exporters only: no log component in its file, so no line is sent twice.
                expect(running("alloy")).toHaveLength(1);
                const file = reveal(seed(program.run(), "alloy").inputs.uploads).find((u: any) => u.file.endsWith("/config.alloy")).content as string;
                expect(file).toContain("prometheus.exporter.cadvisor");
                expect(file).not.toMatch(/loki\.(source|write|process)|discovery\.docker/);
            }
            expect(collector().inputs.memory).toBe(settings.resources[settings.collector].memoryMb);
            expect(image(program.run(), settings.collector)).toBe(settings.images[settings.collector]);
        });
        test("no Docker socket (the read-only proxy instead), no host mount but the read-only cgroup tree and layer IDs for container metrics", () => {
            const binds = collector().inputs.mounts.filter((m: any) => m.type === "bind");
            // The engine's layer IDs below its root, for the stack file's driver (the defaults: /var/lib/docker, overlay2).
            const layers = `${settings.dockerRoot}/image/${settings.dockerStorageDriver}/layerdb/mounts`;
            expect(binds).toEqual(
                settings.collector === "alloy"
                    ? [
                          { type: "bind", source: "/sys/fs/cgroup", target: "/sys/fs/cgroup", readOnly: true },
                          { type: "bind", source: layers, target: layers, readOnly: true },
                      ]
                    : [],
            );
            const proxy = container(program.run(), "socket-proxy");
            expect(proxy.inputs.mounts).toEqual([
                { type: "volume", source: `${settings.namePrefix}-socket-proxy-config`, target: "/config", readOnly: true },
                { type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: true },
            ]);
            // The program's own allow-list, not the image's environment switches; root only to open the root-owned socket.
            expect(proxy.inputs.envs ?? []).toEqual([]);
            expect(proxy.inputs.command).toEqual(["haproxy", "-f", "/config/haproxy.cfg"]);
            expect(proxy.inputs.user).toBe("0");
            expect(proxy.inputs.capabilities).toEqual({ drops: ["ALL"], adds: [] });
            expect(proxy.inputs.ports ?? []).toEqual([]);
            expect(view().dockerHost).toBe("tcp://socket-proxy:2375");
            expect(Object.keys(proxy.inputs.tmpfs)).toEqual(["/tmp"]);
        });
        test("positions on a named volume that survives replacement", () => {
            const volumes = collector().inputs.mounts.filter((m: any) => m.type === "volume" && !m.readOnly && m.target !== "/config");
            expect(volumes).toHaveLength(1);
            expect(volumes[0].source).toMatch(new RegExp(`^${settings.namePrefix}-${settings.collector}-`));
            const volume = byType(program.run(), "docker:index/volume:Volume").find((v) => v.inputs.name === volumes[0].source)!;
            expect(volume.options?.retainOnDelete).toBe(settings.retainVolumes);
            expect(volumes[0].target).toMatch(/^\/[^/]+/);
            if (settings.collector === "promtail") expect(uploaded(seed(program.run(), "promtail"), "promtail.yaml").positions.filename.startsWith(`${volumes[0].target}/`)).toBe(true);
            else expect(collector().inputs.command).toContain(`--storage.path=${volumes[0].target}`);
        });
        test("pushes to the stack's Loki", () => expect(view().lokiUrl).toBe("http://loki:3100/loki/api/v1/push"));
        test("runs the uploaded file; Alloy listens where Prometheus scrapes it, reports nothing home, reads the data volumes read-only", () => {
            const command: string[] = collector().inputs.command;
            if (settings.collector === "promtail") return expect(command).toEqual(["-config.file=/config/promtail.yaml"]);
            expect(command.slice(0, 2)).toEqual(["run", "/config/config.alloy"]);
            const job = uploaded(seed(program.run(), "prometheus"), "prometheus.yml").scrape_configs.find((j: any) => j.job_name === "alloy");
            const port = job.static_configs[0].targets[0].split(":")[1];
            expect(command).toEqual(expect.arrayContaining([`--server.http.listen-addr=0.0.0.0:${port}`, "--disable-reporting"]));
            expect(collector().inputs.cgroupnsMode).toBe("host");
            const dataMounts = collector().inputs.mounts.filter((m: any) => /-(loki|prometheus)-data$/.test(m.source));
            expect(dataMounts.map((m: any) => [m.source, m.readOnly])).toEqual([
                [`${settings.namePrefix}-loki-data`, true],
                [`${settings.namePrefix}-prometheus-data`, true],
            ]);
            // DataDiskFilling watches the disks under exactly those mounts.
            const rule = uploaded(seed(program.run(), "prometheus"), "alerts.yml").groups[0].rules.find((r: any) => r.alert === "DataDiskFilling");
            const watched = (mountpoint: string) => selectors(rule.expr).every((m) => matches(m, { __name__: m[0].value, job: "node", mountpoint }));
            for (const m of dataMounts) expect({ mount: m.target, watched: watched(m.target) }).toEqual({ mount: m.target, watched: true });
            expect(watched("/")).toBe(false);
        });
        test("collects the stack's containers, every configured application and labelled containers, nothing else, with the dashboards' labels", () => {
            const rules = view().rules;
            const env = settings.environment;
            const own = relabel(rules, discovered(`${settings.namePrefix}-loki`, { "observability.stack": settings.namePrefix, "observability.component": "loki" }));
            expect(own).toEqual({ container: `${settings.namePrefix}-loki`, service: "loki", job: "docker", environment: env });
            for (const app of settings.applications) {
                expect(relabel(rules, discovered(app.name))).toEqual({ container: app.name, job: "docker", environment: env });
                expect(relabel(rules, discovered(app.name, { "com.docker.compose.service": "shop" }))).toEqual({ container: app.name, service: "shop", job: "docker", environment: env });
            }
            if (settings.applicationLabel) {
                const { key, value } = settings.applicationLabel;
                expect(relabel(rules, discovered("labelled", { [key]: value }))).toEqual({ container: "labelled", job: "docker", environment: env });
                expect(relabel(rules, discovered("labelled", { [key]: `${value}x` }))).toBeUndefined();
            }
            expect(relabel(rules, discovered("unrelated"))).toBeUndefined();
            expect(relabel(rules, discovered("other-stack-loki", { "observability.stack": `${settings.namePrefix}x` }))).toBeUndefined();
            // A name that only contains an application's name is not that application.
            for (const app of settings.applications) expect(relabel(rules, discovered(`${app.name}-old`))).toBeUndefined();
        });
        test("joins Python tracebacks into one entry, for the Python applications only", () => {
            const python = settings.applications.filter((a) => a.kind === "python").map((a) => a.name);
            const multiline = view().steps.filter((s) => s.stages.some((st) => st.type === "multiline"));
            if (python.length === 0) return expect(multiline).toEqual([]);
            expect(multiline).toHaveLength(1);
            expect(multiline[0].selector).toBe(`{container=~"${python.join("|")}"}`);
            const stage = multiline[0].stages[0] as any;
            expect(new RegExp(stage.firstline).test("Traceback (most recent call last):")).toBe(false);
            expect(new RegExp(stage.firstline).test("2026-11-25 10:00:00,123 ERROR app: failed")).toBe(true);
            expect(stage.max_wait_time).toBe("3s");
        });
    });
}

/**
 * The label a service's seed should give it: the hash covers exactly the seed's uploads, a secret one (mode 0400,
 * readable by its owner only) through its salted digest only.
 */
export function expectedConfigHash(seedContainer: Registered): string {
    const files = reveal(seedContainer.inputs.uploads).map((u: any) => {
        const name = u.file.slice("/config/".length);
        const secret = u.permissions === "0400";
        // Files given no mode are uploaded with the default (0444) and hashed without one.
        const permissions = u.permissions === "0444" ? undefined : u.permissions;
        // Keyed by the seed's random key (the mocked random provider's value), not by anything public.
        return { name, owner: u.owner, permissions, content: secret ? secretDigest(u.content, GENERATED_PASSWORD) : u.content };
    });
    return configHash(files);
}

export function label(c: Registered, key: string): string | undefined {
    return (c.inputs.labels ?? []).find((l: any) => l.label === key)?.value;
}

/** The image reference pulled for a service's container. */
export function image(run: ProgramRun, service: string): string {
    const c = container(run, service);
    const remote = byType(run, "docker:index/remoteImage:RemoteImage").find((i) => i.name === `${c.name}-image`);
    if (!remote) throw new Error(`no image for ${c.name}`);
    return remote.inputs.name;
}

/** The settings key of a service from its component label ("demo-postgres" -> "demoPostgres"). */
export function serviceKey(component: string): Service {
    const key = component.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!(key in IMAGE_FACTS)) throw new Error(`no image facts for component ${component}`);
    return key as Service;
}

/** The user a container runs as: the registered one, else its image's USER (as the engine resolves it). */
export function runsAs(c: Registered): string {
    return reveal(c.inputs.user) ?? IMAGE_FACTS[serviceKey(label(c, "observability.component") as string)].user;
}
