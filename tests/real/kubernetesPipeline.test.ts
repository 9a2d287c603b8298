/**
 * The Kubernetes stack's collection, on the real Loki 3.7.6 with the stack's file: pod log files in the kubelet's CRI
 * format (`<RFC3339Nano> stdout F|P <text>`) under a /var/log/pods tree, read with the stack's labels and pipeline,
 * then every dashboard query and log alert of the cluster stack run by that Loki.
 *
 * SWAP, stated: Alloy cannot run here, so the real Promtail 3.6.15 reads the files, with the same stages Alloy's file
 * renders (stage.cri, then pipelineSteps: the Python multiline, Falco's priority label) and, per pod, the labels the
 * rendered Alloy file's relabel rules give it (applied by tests/harness/collector.ts to the pod's discovery labels).
 * Kubernetes discovery and Alloy itself are proven by e2e-kubernetes.yml on kind.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { renderAlloyKubernetesConfig } from "../../configs/alloy/kubernetes";
import { pipelineSteps } from "../../configs/collection";
import { dashboardSpecs } from "../../configs/grafana/dashboards";
import { logAlerts } from "../../configs/grafana/logAlerts";
import { stage } from "../../configs/promtail";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { component, parseAlloy } from "../harness/alloyParse";
import { Rule, relabel } from "../harness/collector";
import { stackConfig } from "../harness/stackFiles";
import { falcoEntries, postgresEntries, pythonEntries } from "./appLogs";
import { Running, binary, freePort, tempDir } from "./binaries";
import { localLoki } from "./localConfigs";
import { anyAbove, entries, hasData, queryInstant, queryRange, until } from "./loki";

const settings = parseSettings("cluster", rawConfig(stackConfig("cluster")));
const rules = component(parseAlloy(renderAlloyKubernetesConfig(settings)), "discovery.relabel").blocks.map((b) => b.attributes as Rule);

interface Pod {
    readonly namespace: string;
    readonly pod: string;
    readonly container: string;
    readonly labels: Record<string, string>;
    readonly quiet: string[][];
    readonly trigger: string[][];
}

const python = settings.applications.filter((a) => a.kind === "python").map((a) => a.name);
const postgres = settings.applications.filter((a) => a.kind === "postgres").map((a) => a.name);
const PODS: Pod[] = [
    ...postgres.map((name) => ({ namespace: "shop", pod: `${name}-0`, container: name, labels: { "app.kubernetes.io/name": "postgresql" }, quiet: postgresEntries("quiet"), trigger: postgresEntries("trigger") })),
    ...python.map((name) => ({
        namespace: "shop",
        pod: `${name}-7d9f`,
        container: name,
        labels: { app: "shop" },
        quiet: pythonEntries("quiet", settings.alerts.tracebacksPer5m, settings.alerts.logErrorsPerMinute),
        trigger: pythonEntries("trigger", settings.alerts.tracebacksPer5m, settings.alerts.logErrorsPerMinute),
    })),
    {
        namespace: settings.kubernetes!.namespace,
        pod: `${settings.namePrefix}-falco-x2k4p`,
        container: "falco",
        labels: { "app.kubernetes.io/instance": `${settings.namePrefix}-falco`, "app.kubernetes.io/name": "falco" },
        quiet: falcoEntries("quiet"),
        trigger: falcoEntries("trigger"),
    },
];
const IGNORED: Pod = { namespace: "shop", pod: "unrelated-1", container: "unrelated", labels: { app: "other" }, quiet: [["must not be collected"]], trigger: [] };

const meta = (p: Pod, uid: string): Record<string, string> => {
    const m: Record<string, string> = { __meta_kubernetes_namespace: p.namespace, __meta_kubernetes_pod_container_name: p.container, __meta_kubernetes_pod_uid: uid };
    for (const [k, v] of Object.entries(p.labels)) m[`__meta_kubernetes_pod_label_${k.replace(/[^a-zA-Z0-9_]/g, "_")}`] = v;
    return m;
};

/** A runtime's nanosecond timestamps: strictly increasing, so Loki keeps the written order. */
let nanos = 0;
const stamp = () => new Date().toISOString().replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}${String(nanos++ % 1_000_000).padStart(6, "0")}Z`);

/** CRI lines as the kubelet's runtime writes them; a line longer than `split` goes out as partial (P) pieces, then F. */
function criLines(entry: string[], split = 40): string[] {
    return entry.flatMap((line) => {
        if (line.length <= split) return [`${stamp()} stdout F ${line}`];
        const pieces = line.match(new RegExp(`.{1,${split}}`, "g")) as string[];
        return pieces.map((piece, i) => `${stamp()} stdout ${i === pieces.length - 1 ? "F" : "P"} ${piece}`);
    });
}

describe("cluster: the real Loki on pod log files with the stack's Kubernetes labels and pipeline", () => {
    const dir = tempDir("k8s-pipeline");
    const files = new Map<Pod, string>();
    let loki: Running;
    let promtail: Running;
    let base: string;

    const write = (p: Pod, phase: "quiet" | "trigger") => fs.appendFileSync(files.get(p)!, p[phase].flatMap((e) => criLines(e)).map((l) => `${l}\n`).join(""));
    const joined = (p: Pod, phases: Array<"quiet" | "trigger">) => phases.flatMap((ph) => p[ph].map((e) => e.join("\n")));

    beforeAll(async () => {
        const targets = [...PODS, IGNORED].flatMap((p, i) => {
            const uid = `0000000${i}-uid`;
            const file = path.join(dir, "var/log/pods", `${p.namespace}_${p.pod}_${uid}`, p.container, "0.log");
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, "");
            files.set(p, file);
            const labels = relabel(rules, meta(p, uid), ["__path__"]);
            // The kubelet's layout, moved under the test's folder (the one path this test moves).
            return labels ? [{ targets: ["localhost"], labels: { ...labels, __path__: path.join(dir, labels.__path__) } }] : [];
        });
        expect(targets).toHaveLength(PODS.length);
        const [lokiHttp, lokiGrpc, promtailHttp] = [await freePort(), await freePort(), await freePort()];
        fs.writeFileSync(path.join(dir, "loki.yaml"), localLoki(settings, path.join(dir, "loki"), lokiHttp, lokiGrpc));
        fs.writeFileSync(
            path.join(dir, "promtail.yaml"),
            yaml.dump({
                server: { http_listen_port: promtailHttp, http_listen_address: "127.0.0.1", grpc_listen_port: 0 },
                positions: { filename: path.join(dir, "positions.yaml") },
                clients: [{ url: `http://127.0.0.1:${lokiHttp}/loki/api/v1/push` }],
                scrape_configs: [{ job_name: "pods", static_configs: targets, pipeline_stages: [{ cri: {} }, ...pipelineSteps(settings).map(stage)] }],
            }),
        );
        base = `http://127.0.0.1:${lokiHttp}`;
        loki = new Running("loki", binary("loki"), [`-config.file=${path.join(dir, "loki.yaml")}`]);
        await loki.waitReady(`${base}/ready`, 90_000);
        promtail = new Running("promtail", binary("promtail"), [`-config.file=${path.join(dir, "promtail.yaml")}`]);
        await promtail.waitReady(`http://127.0.0.1:${promtailHttp}/ready`);
        for (const p of [...PODS, IGNORED]) write(p, "quiet");
    });
    afterAll(async () => {
        await promtail?.stop();
        await loki?.stop();
    });

    const arrived = (phases: Array<"quiet" | "trigger">) =>
        until(
            () => entries(base, `{environment="${settings.environment}"}`),
            (got) => PODS.every((p) => got.filter((e) => e.labels.container === relabel(rules, meta(p, "u"))!.container).length >= joined(p, phases).length),
            60_000,
        );

    test("every entry arrives once, whole (tracebacks joined, split lines rejoined), with the labels dashboards select on", async () => {
        await arrived(["quiet"]);
        for (const p of PODS) {
            const container = relabel(rules, meta(p, "u"))!.container;
            const got = await entries(base, `{container="${container}"}`);
            expect({ container, lines: got.map((e) => e.line) }).toEqual({ container, lines: joined(p, ["quiet"]) });
            for (const e of got) expect(e.labels).toEqual(expect.objectContaining({ job: "kubernetes", environment: settings.environment, namespace: p.namespace, container }));
        }
        const falco = await entries(base, `{container="${settings.namePrefix}-falco"}`);
        expect(falco.map((e) => e.labels.priority)).toEqual(["Notice"]);
        expect(await entries(base, `{container="unrelated"}`)).toEqual([]);
    });

    test("no log alert fires on quiet data; each fires on data made for it", async () => {
        for (const alert of logAlerts(settings)) {
            expect({ alert: alert.title, fires: anyAbove(await queryInstant(base, alert.expr), alert.above) }).toEqual({ alert: alert.title, fires: false });
        }
        for (const p of PODS) write(p, "trigger");
        await arrived(["quiet", "trigger"]);
        for (const alert of logAlerts(settings)) {
            const fires = await until(() => queryInstant(base, alert.expr), (r) => anyAbove(r, alert.above), 20_000);
            expect({ alert: alert.title, fires: anyAbove(fires, alert.above) }).toEqual({ alert: alert.title, fires: true });
        }
    });

    test("every dashboard LogQL query of the cluster stack runs and returns data", async () => {
        const queries = dashboardSpecs(settings).flatMap((d) => d.panels.flatMap((p) => p.queries.filter((q) => q.language === "logql").map((q) => ({ panel: `${d.title} / ${p.title}`, q }))));
        expect(queries.length).toBeGreaterThanOrEqual(10);
        for (const { panel, q } of queries) {
            const r = q.instant ? await queryInstant(base, q.expr) : await queryRange(base, q.expr);
            expect({ panel, data: hasData(r) }).toEqual({ panel, data: true });
        }
    });
});
