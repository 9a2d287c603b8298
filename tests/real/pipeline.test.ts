/**
 * Every stack's own Loki and Promtail files, run by the real Loki and Promtail against the real Docker
 * engine, with containers named like the stack's applications writing what such applications write.
 * Then every dashboard query and every log alert, run by that Loki.
 */
import * as fs from "fs";
import * as path from "path";
import Docker from "dockerode";
import { dashboardSpecs } from "../../configs/grafana/dashboards";
import { logAlerts } from "../../configs/grafana/logAlerts";
import { renderLokiConfig } from "../../configs/loki";
import { applicationNames, containerName, LABELS } from "../../configs/labels";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { Settings } from "../../settings/types";
import { baseImage, engine, requireEngine } from "../engine/docker";
import { dockerStacks } from "../harness/stackFiles";
import { stackConfig } from "../harness/mocks";
import { binary, runOnce, tempDir } from "./binaries";
import { falcoEntries, postgresEntries, pythonEntries } from "./appLogs";
import { LocalPipeline, startLocalPipeline } from "./localConfigs";
import { anyAbove, entries, hasData, queryInstant, queryRange, until } from "./loki";
import { Workload, startWorkload, trigger } from "./workloads";

const settingsOf = (stack: string): Settings => parseSettings(stack, rawConfig(stackConfig(stack)));

/** The workloads for a stack: one per configured application, Falco's own container, and one that must not be collected. */
function workloadsFor(settings: Settings): { collected: Workload[]; ignored: Workload } {
    const collected: Workload[] = [
        ...applicationNames(settings, "python").map((name) => ({
            name,
            quiet: pythonEntries("quiet", settings.alerts.tracebacksPer5m, settings.alerts.logErrorsPerMinute),
            trigger: pythonEntries("trigger", settings.alerts.tracebacksPer5m, settings.alerts.logErrorsPerMinute),
        })),
        ...applicationNames(settings, "postgres").map((name) => ({ name, quiet: postgresEntries("quiet"), trigger: postgresEntries("trigger") })),
    ];
    if (settings.falco.enabled) {
        collected.push({
            name: containerName(settings.namePrefix, "falco"),
            labels: { [LABELS.stack]: settings.namePrefix, [LABELS.component]: "falco" },
            quiet: falcoEntries("quiet"),
            trigger: falcoEntries("trigger"),
        });
    }
    if (settings.applicationLabel) {
        collected.push({ name: `${settings.namePrefix}-labelled-app`, labels: { [settings.applicationLabel.key]: settings.applicationLabel.value }, quiet: [["collected by label"]], trigger: [] });
    }
    return { collected, ignored: { name: `${settings.namePrefix}-unrelated`, quiet: [["must not be collected"]], trigger: [] } };
}

const joined = (w: Workload, phases: Array<"quiet" | "trigger">) => phases.flatMap((p) => w[p].map((e) => e.join("\n")));

describe.each(dockerStacks())("%s: the real Loki and Promtail", (stack) => {
    const settings = settingsOf(stack);
    const { collected, ignored } = workloadsFor(settings);
    let docker: Docker;
    let pipeline: LocalPipeline;
    let base: string;
    const containers: Docker.Container[] = [];

    beforeAll(async () => {
        docker = engine();
        await requireEngine(docker);
        const image = await baseImage(docker);
        for (const w of [...collected, ignored]) containers.push(await startWorkload(docker, image, w));

        pipeline = await startLocalPipeline(settings, `real-${stack}`);
        base = pipeline.lokiUrl;
    });
    afterAll(async () => {
        await pipeline?.stop();
        await Promise.all(containers.map((c) => c.remove({ force: true }).catch(() => undefined)));
    });

    const arrived = async (phases: Array<"quiet" | "trigger">) => {
        // Counted per workload: another real-tier file's containers may be collected into this Loki as well.
        const all = () => entries(base, `{environment="${settings.environment}"}`);
        const complete = (got: Array<{ labels: Record<string, string> }>) =>
            collected.every((w) => got.filter((e) => e.labels.container === w.name).length >= joined(w, phases).length);
        return until(all, complete, 60_000);
    };

    test("loki -verify-config accepts the stack's file", () => {
        const dir = tempDir(`verify-${stack}`);
        const file = path.join(dir, "loki.yaml");
        fs.writeFileSync(file, renderLokiConfig(settings));
        const { code, output } = runOnce(binary("loki"), ["-verify-config", `-config.file=${file}`]);
        expect({ code, output }).toEqual({ code: 0, output: expect.anything() });
    });

    test("every line arrives exactly once, as the entry a reader expects, with the labels dashboards select on", async () => {
        await arrived(["quiet"]);
        for (const w of collected) {
            const got = await entries(base, `{container="${w.name}"}`);
            expect({ container: w.name, lines: got.map((e) => e.line) }).toEqual({ container: w.name, lines: joined(w, ["quiet"]) });
            for (const e of got) {
                expect(e.labels).toEqual(expect.objectContaining({ container: w.name, job: "docker", environment: settings.environment }));
            }
        }
        expect(await entries(base, `{container="${ignored.name}"}`)).toEqual([]);
    });

    test("no log alert fires on quiet data", async () => {
        for (const alert of logAlerts(settings)) {
            expect({ alert: alert.title, fires: anyAbove(await queryInstant(base, alert.expr), alert.above) }).toEqual({ alert: alert.title, fires: false });
        }
    });

    test("every log alert fires on data made to trigger it; still exactly once", async () => {
        await Promise.all(containers.map(trigger));
        await arrived(["quiet", "trigger"]);
        // The last multiline entry is flushed after max_wait_time.
        for (const w of collected) {
            const got = await until(() => entries(base, `{container="${w.name}"}`), (g) => g.length >= joined(w, ["quiet", "trigger"]).length, 15_000);
            expect({ container: w.name, lines: got.map((e) => e.line) }).toEqual({ container: w.name, lines: joined(w, ["quiet", "trigger"]) });
        }
        for (const alert of logAlerts(settings)) {
            expect({ alert: alert.title, fires: anyAbove(await queryInstant(base, alert.expr), alert.above) }).toEqual({ alert: alert.title, fires: true });
        }
    });

    test("every dashboard LogQL query runs without error and returns data", async () => {
        const queries = dashboardSpecs(settings).flatMap((d) => d.panels.flatMap((p) => p.queries.filter((q) => q.language === "logql").map((q) => ({ panel: `${d.title} / ${p.title}`, q }))));
        expect(queries.length).toBeGreaterThanOrEqual(10);
        for (const { panel, q } of queries) {
            const r = q.instant ? await queryInstant(base, q.expr) : await queryRange(base, q.expr);
            expect({ panel, data: hasData(r) }).toEqual({ panel, data: true });
        }
    });
});
