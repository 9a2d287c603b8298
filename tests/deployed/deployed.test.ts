/**
 * Each stack as deployed: every network, volume and container the program registers, created on the real engine
 * with the provider's calls (tests/engine/replay.ts): the program's own command, entrypoint, environment, user,
 * mounts, networks and aliases, files through the config seeds. Loki, Promtail, the Docker API proxy (HAProxy)
 * and Prometheus are the real programs (tests/deployed/standIns.ts says how each image differs). Alloy cannot
 * run here, so a stack that runs Alloy is deployed with `collector: promtail`, its only change.
 *
 * Then, as a user's applications would, containers named and labelled as the README says write their logs, and
 * the tier checks the whole path: discovery and tailing through the proxy, every line in Loki exactly once with
 * its labels, every scrape target up by its network name, and what an application container cannot reach.
 * Nothing here changes an address, socket, port, permission or file the program registers: the tests read Loki
 * and Prometheus at their containers' addresses on the stack's network, and probe from inside containers.
 */
import Docker from "dockerode";
import * as yaml from "js-yaml";
import { applicationNames, containerName } from "../../configs/labels";
import { scrapeTargets } from "../../configs/scrapeTargets";
import { SERVICE_PORTS } from "../../settings/defaults";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { Settings } from "../../settings/types";
import { STAND_IN_REPO, capabilitiesHostLacks, engine, execAs, removeStack, requireEngine } from "../engine/docker";
import { registered } from "../engine/program";
import { deployContainer } from "../engine/replay";
import { ProgramRun, Registered, byType, isSeed, reveal } from "../harness/mocks";
import { label } from "../harness/stackSpec";
import { stackConfig, dockerStacks } from "../harness/stackFiles";
import { postgresEntries, pythonEntries } from "../real/appLogs";
import { entries, until } from "../real/loki";
import { DEMO_POSTGRES_LINES, FALCO_LINES, buildDeployedImages } from "./standIns";
import { App, httpStatus, networkAddress, probe, startApp, waitHealthy } from "./stackProbes";

const CONTAINER = "docker:index/container:Container";
/** Services whose stand-in runs the real program, so their healthchecks are real and the provider's wait is kept. */
const REAL = ["loki", "promtail", "socket-proxy", "prometheus", "alertmanager"];

let docker: Docker;
let images: Awaited<ReturnType<typeof buildDeployedImages>>;
const hostLacks = capabilitiesHostLacks();
/** Figures for the closing note: per stack, lines written/arrived and discovery delay. */
const figures: string[] = [];

beforeAll(async () => {
    docker = engine();
    await requireEngine(docker);
    images = await buildDeployedImages(docker);
});
afterAll(() => {
    if (figures.length > 0) process.stdout.write(`\nas deployed:\n${figures.map((f) => `  ${f}`).join("\n")}\n`);
});

/** The stack's settings as deployed here: its own file, with Promtail where it runs Alloy. */
function deployedSettings(stack: string): { settings: Settings; overrides: Record<string, unknown> } {
    const file = parseSettings(stack, rawConfig(stackConfig(stack)));
    const overrides = file.collector === "alloy" ? { "observability:collector": "promtail" } : {};
    return { settings: parseSettings(stack, rawConfig(stackConfig(stack, overrides))), overrides };
}

/** The applications a user runs beside the stack, as the README names and labels them. */
function applications(settings: Settings): { collected: App[]; ignored: App; exporters: App[] } {
    const lines = (e: string[][]) => e.map((x) => x.join("\n"));
    const collected: App[] = [
        ...applicationNames(settings, "python").map((name) => ({ name, entries: lines(pythonEntries("quiet", settings.alerts.tracebacksPer5m, settings.alerts.logErrorsPerMinute)) })),
        ...applicationNames(settings, "postgres").map((name) => ({ name, entries: lines(postgresEntries("quiet")) })),
    ];
    if (settings.applicationLabel) {
        const { key, value } = settings.applicationLabel;
        collected.push({ name: `${settings.namePrefix}-labelled-app`, labels: { [key]: value }, entries: ["collected by its label", '{"level": "info", "msg": "json too"}'] });
    }
    // Metrics endpoints the stack file names: served by the application itself, or by an exporter beside it.
    const exporters: App[] = [];
    for (const app of settings.applications.filter((a) => a.metrics)) {
        const [host, port] = (app.metrics as string).split(":");
        const own = collected.find((c) => c.name === host);
        if (own) own.metricsPort = Number(port);
        else exporters.push({ name: host, entries: [], metricsPort: Number(port) });
    }
    return { collected, ignored: { name: `${settings.namePrefix}-unrelated`, entries: ["must not be collected"] }, exporters };
}

describe.each(dockerStacks())("%s as deployed", (stack) => {
    const { settings, overrides } = deployedSettings(stack);
    const prefix = settings.namePrefix;
    const stackNet = `${prefix}-net`;
    const apps = applications(settings);
    const stackLines: Array<{ container: string; lines: string[]; labels?: Record<string, string> }> = [];
    let run: ProgramRun;
    const ids = new Map<string, string>();
    /** Per collected application: seconds from its start to its first line in Loki, polled from the moment it starts. */
    const discovered = new Map<string, Promise<number>>();
    let loki: string;
    let collectorId: string;
    let appId: string;

    const byComponent = (component: string) => byType(run, CONTAINER).find((c) => !isSeed(c) && label(c, "observability.component") === component) as Registered;
    const idOf = (component: string) => ids.get(byComponent(component).name) as string;

    beforeAll(async () => {
        run = registered(stack, overrides);
        await removeStack(docker, prefix);
        for (const a of [...apps.collected, apps.ignored, ...apps.exporters]) await docker.getContainer(a.name).remove({ force: true }).catch(() => undefined);
        for (const n of byType(run, "docker:index/network:Network")) {
            const i = reveal(n.inputs);
            await docker.createNetwork({ Name: i.name, Driver: i.driver, Attachable: i.attachable, Internal: i.internal === true, Labels: { "observability.stack": prefix } });
        }
        for (const v of byType(run, "docker:index/volume:Volume")) await docker.createVolume({ Name: reveal(v.inputs).name, Labels: { "observability.stack": prefix } });
        // In registration order; where the provider waits for health (wait: true), so does the replay.
        for (const c of byType(run, CONTAINER)) {
            ids.set(c.name, await deployContainer(docker, c, images, hostLacks));
            if (reveal(c.inputs.wait) === true && REAL.includes(label(c, "observability.component") as string)) {
                await waitHealthy(docker, ids.get(c.name) as string, reveal(c.inputs.waitTimeout) * 1000);
            }
        }
        loki = `http://${await networkAddress(docker, idOf("loki"), `${prefix}-loki`)}:${SERVICE_PORTS.loki}`;
        collectorId = idOf(settings.collector);
        for (const a of [...apps.collected, apps.ignored, ...apps.exporters]) {
            const started = Date.now();
            const id = await startApp(docker, `${STAND_IN_REPO}:base`, a, stackNet);
            if (a === apps.collected[0]) appId = id;
            if (apps.collected.includes(a)) {
                const first = until(() => entries(loki, `{container="${a.name}"}`).catch(() => []), (g) => g.length > 0, 120_000);
                discovered.set(a.name, first.then((g) => (g.length > 0 ? (Date.now() - started) / 1000 : Number.NaN)));
            }
        }
        stackLines.push({ container: containerName(prefix, "demo-postgres"), lines: settings.demo.enabled ? DEMO_POSTGRES_LINES : [] });
        if (settings.falco.enabled) stackLines.push({ container: containerName(prefix, "falco"), lines: FALCO_LINES });
    }, 600_000);
    afterAll(async () => {
        await Promise.all([...apps.collected, apps.ignored, ...apps.exporters].map((a) => docker.getContainer(a.name).remove({ force: true }).catch(() => undefined)));
        await removeStack(docker, prefix);
    });

    test("the real proxy, Loki, Promtail and Prometheus are healthy by their own healthchecks, on the program's files", async () => {
        // The collector is not waited for at deploy (nothing depends on it): it gets its start period and retries here.
        for (const component of REAL) await waitHealthy(docker, idOf(component), 120_000);
        const check = await execAs(docker, idOf("socket-proxy"), "0", ["haproxy", "-c", "-f", "/config/haproxy.cfg"]);
        expect({ exit: check.exitCode, warnings: /WARNING|ALERT/.test(check.stdout + check.stderr) }).toEqual({ exit: 0, warnings: false });
    });

    test("every application line arrives in Loki exactly once, with its labels, discovered through the proxy", async () => {
        const delays = await Promise.all(apps.collected.map((a) => discovered.get(a.name) as Promise<number>));
        let written = 0;
        let arrived = 0;
        for (const a of apps.collected) {
            const got = await until(() => entries(loki, `{container="${a.name}"}`), (g) => g.length >= a.entries.length, 90_000);
            expect({ container: a.name, lines: got.map((e) => e.line) }).toEqual({ container: a.name, lines: a.entries });
            for (const e of got) expect(e.labels).toEqual(expect.objectContaining({ container: a.name, job: "docker", environment: settings.environment }));
            written += a.entries.length;
            arrived += got.length;
        }
        figures.push(`${stack}: ${written} application entries written, ${arrived} arrived; discovery to first line ${Math.min(...delays).toFixed(1)}-${Math.max(...delays).toFixed(1)} s`);
    });

    test("the stack's own services are collected too: each stream carries its service label, Falco's its priority", async () => {
        for (const { container, lines } of stackLines.filter((s) => s.lines.length > 0)) {
            const got = await until(() => entries(loki, `{container="${container}"}`), (g) => g.length >= lines.length, 60_000);
            expect({ container, lines: got.map((e) => e.line) }).toEqual({ container, lines });
        }
        if (settings.falco.enabled) {
            const falco = await entries(loki, `{container="${containerName(prefix, "falco")}"}`);
            expect(falco.map((e) => e.labels.priority)).toEqual(FALCO_LINES.map((l) => JSON.parse(l).priority));
        }
        for (const service of ["loki", "prometheus"]) {
            const got = await until(() => entries(loki, `{container="${containerName(prefix, service)}"}`), (g) => g.length > 0, 60_000);
            expect({ service, labels: got[0]?.labels.service }).toEqual({ service, labels: service });
        }
    });

    test("a container that is neither the stack's nor a named or labelled application is not collected", async () => {
        expect(await entries(loki, `{container="${apps.ignored.name}"}`)).toEqual([]);
    });

    test("Prometheus reaches every scrape target by its network name, and each is up", async () => {
        const api = `http://${await networkAddress(docker, idOf("prometheus"), stackNet)}:${SERVICE_PORTS.prometheus}/api/v1/targets`;
        const expected = scrapeTargets(settings).map((t) => `${t.job} ${t.target}`).sort();
        const targets = await until(
            async () => ((await (await fetch(api)).json()).data.activeTargets as Array<{ labels: { job: string; instance: string }; health: string; lastError: string }>),
            (ts) => ts.length === expected.length && ts.every((t) => t.health === "up"),
            3 * settings.prometheus.scrapeInterval.seconds * 1000 + 30_000,
        );
        expect(targets.map((t) => `${t.labels.job} ${t.labels.instance} ${t.health} ${t.lastError}`).sort()).toEqual(expected.map((t) => `${t} up `));
    });

    test("Prometheus sends its alerts to Alertmanager by its network name; Alertmanager runs the program's file", async () => {
        const prometheusApi = `http://${await networkAddress(docker, idOf("prometheus"), stackNet)}:${SERVICE_PORTS.prometheus}/api/v1/alertmanagers`;
        const active = await until(
            async () => ((await (await fetch(prometheusApi)).json()).data.activeAlertmanagers as Array<{ url: string }>),
            (a) => a.length > 0,
            60_000,
        );
        expect(active.map((a) => a.url)).toEqual([`http://alertmanager:${SERVICE_PORTS.alertmanager}/api/v2/alerts`]);
        const status = await (await fetch(`http://${await networkAddress(docker, idOf("alertmanager"), stackNet)}:${SERVICE_PORTS.alertmanager}/api/v2/status`)).json();
        const running = yaml.load(status.config.original) as any;
        expect(running.route.receiver).toBe(settings.grafana.contactPoint.kind === "none" ? "none" : `${prefix}-${settings.grafana.contactPoint.kind}`);
        expect(running.route.repeat_interval).toBe(settings.alerts.repeatInterval.text);
    });

    test("through the proxy, from the collector's place: discovery answers, and nothing off the allow-list does", async () => {
        const ask = (method: string, path: string) => probe(docker, collectorId, "socket-proxy", SERVICE_PORTS.socketProxy, method, path);
        const anyId = ids.get(byComponent("loki").name) as string;
        // The Grafana seed holds the admin password: the file the old proxy served to anyone on the network.
        const seed = byType(run, CONTAINER).find((c) => isSeed(c) && label(c, "observability.component") === (settings.grafana.externalUrl ? "loki" : "grafana")) as Registered;
        const seedId = ids.get(seed.name) as string;
        const allowed: Array<[string, string]> = [
            ["HEAD", "/_ping"],
            ["GET", "/_ping"],
            ["GET", "/v1.41/containers/json"],
            ["GET", "/v1.41/networks"],
            ["GET", `/v1.41/containers/${anyId}/json`],
            ["GET", `/v1.41/containers/${anyId}/logs?stdout=1&tail=1`],
        ];
        // The proxy logs refusals only (e2e.yml reads its log the same way): the collector's own requests so far, none.
        const refusals = async () => ((await docker.getContainer(idOf("socket-proxy")).logs({ stdout: true, stderr: true })).toString().match(/ 403 /g) ?? []).length;
        expect(await refusals()).toBe(0);
        for (const [method, path] of allowed) expect({ method, path, status: httpStatus(await ask(method, path)) }).toEqual({ method, path, status: 200 });
        const refused: Array<[string, string]> = [
            ["GET", `/v1.41/containers/${seedId}/archive?path=/config`],
            ["HEAD", `/v1.41/containers/${seedId}/archive?path=/config`],
            ["GET", `/v1.41/containers/${seedId}/export`],
            ["GET", `/v1.41/containers/${anyId}/changes`],
            ["GET", `/v1.41/containers/${anyId}/top`],
            ["GET", "/v1.41/containers/json/../../images/json"],
            ["GET", `/v1.41/containers/${containerName(prefix, "loki")}/json`],
            ["GET", `/v1.41/containers/${anyId}%2F..%2F..%2Fimages/json`],
            ["POST", `/v1.41/containers/${anyId}/exec`],
            ["POST", "/v1.41/containers/create"],
            ["POST", `/v1.41/containers/${anyId}/attach?stream=1`],
            ["DELETE", `/v1.41/containers/${anyId}`],
            ["PUT", `/v1.41/containers/${seedId}/archive?path=/config`],
            ["GET", "/v1.41/images/json"],
            ["GET", "/v1.41/volumes"],
            ["GET", "/v1.41/events"],
            ["GET", "/v1.41/secrets"],
            ["GET", "/v1.41/networks/bridge"],
            ["HEAD", "/v1.41/containers/json"],
        ];
        // Alloy's cAdvisor (in every stack, beside Promtail too) registers with these two.
        for (const path of ["/v1.41/info", "/v1.41/version"]) expect({ path, status: httpStatus(await ask("GET", path)) }).toEqual({ path, status: 200 });
        for (const [method, path] of refused) expect({ method, path, status: httpStatus(await ask(method, path)) }).toEqual({ method, path, status: 403 });
        expect(await refusals()).toBe(refused.length);
        const containers = JSON.parse((await ask("GET", "/v1.41/containers/json")).split("\r\n\r\n").slice(1).join("\r\n\r\n"));
        expect(containers.map((c: { Names: string[] }) => c.Names[0])).toEqual(expect.arrayContaining([`/${apps.collected[0].name}`, `/${containerName(prefix, "loki")}`]));
    });

    test("from an application's place on the stack's network: no proxy and no Loki, by name or address; Loki's readers cannot delete", async () => {
        const proxyAddress = await networkAddress(docker, idOf("socket-proxy"), `${prefix}-docker-api`);
        const byName = await probe(docker, appId, "socket-proxy", SERVICE_PORTS.socketProxy, "GET", "/_ping");
        const byAddress = await probe(docker, appId, proxyAddress, SERVICE_PORTS.socketProxy, "GET", "/_ping");
        expect({ byName: httpStatus(byName), byAddress: httpStatus(byAddress) }).toEqual({ byName: undefined, byAddress: undefined });
        // The collector, on both networks, does reach it at that address: the refusal above is the network's.
        expect(httpStatus(await probe(docker, collectorId, proxyAddress, SERVICE_PORTS.socketProxy, "GET", "/_ping"))).toBe(200);
        // Loki has no authentication: an application must not push forged lines, nor query what other containers log.
        const lokiAddress = await networkAddress(docker, idOf("loki"), `${prefix}-loki`);
        const push = "/loki/api/v1/push";
        expect({ byName: httpStatus(await probe(docker, appId, "loki", SERVICE_PORTS.loki, "POST", push)), byAddress: httpStatus(await probe(docker, appId, lokiAddress, SERVICE_PORTS.loki, "POST", push)) }).toEqual({
            byName: undefined,
            byAddress: undefined,
        });
        // Who reads Loki reaches it, and its delete API refuses even them.
        const readers = settings.grafana.externalUrl ? ["prometheus"] : ["prometheus", "grafana"];
        const falco = encodeURIComponent(`{container="${containerName(prefix, "falco")}"}`);
        for (const reader of readers) {
            expect({ reader, ready: httpStatus(await probe(docker, idOf(reader), "loki", SERVICE_PORTS.loki, "GET", "/ready")) }).toEqual({ reader, ready: 200 });
            const del = await probe(docker, idOf(reader), "loki", SERVICE_PORTS.loki, "POST", `/loki/api/v1/delete?query=${falco}&start=1`);
            expect({ reader, status: httpStatus(del), body: /deletion is not available/.test(del) }).toEqual({ reader, status: 403, body: true });
        }
    });
});
