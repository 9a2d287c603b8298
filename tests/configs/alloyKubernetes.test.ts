import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderAlloyKubernetesConfig } from "../../configs/alloy/kubernetes";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { Settings } from "../../settings/types";
import { component, parseAlloy } from "../harness/alloyParse";
import { Rule, relabel } from "../harness/collector";
import { lazy } from "../harness/lazy";
import { selected } from "../harness/selectors";
import { kubernetesStacks, stackConfig } from "../harness/stackFiles";
import { sampleStreams } from "../harness/streams";
import { tool } from "../harness/tools";

/**
 * The labels the Kubernetes collector gives pods are the labels the dashboards and alerts select on: its relabel rules
 * (the rendered file, read back) applied to the targets Kubernetes pod discovery gives (prometheus
 * discovery/kubernetes/pod.go: namespace, pod labels sanitised, container name, pod UID) must give exactly the
 * streams of tests/harness/streams.ts, against which every selector is tested (dashboards.test.ts, logAlerts.test.ts).
 */
const pod = (namespace: string, container: string, labels: Record<string, string>, uid = `uid-${container}`): Record<string, string> => {
    const meta: Record<string, string> = { __meta_kubernetes_namespace: namespace, __meta_kubernetes_pod_container_name: container, __meta_kubernetes_pod_uid: uid };
    for (const [k, v] of Object.entries(labels)) meta[`__meta_kubernetes_pod_label_${k.replace(/[^a-zA-Z0-9_]/g, "_")}`] = v;
    return meta;
};

/** The release whose pods hold each of the stack's containers (the alertmanager subchart's pods carry the parent release). */
const RELEASE_OF: Record<string, string> = { loki: "loki", alloy: "alloy", "config-reloader": "alloy", "prometheus-server": "prometheus", alertmanager: "prometheus", grafana: "grafana", falco: "falco" };

describe.each(kubernetesStacks())("the %s stack's Alloy DaemonSet file", (stack) => {
    const settings = lazy((): Settings => parseSettings(stack, rawConfig(stackConfig(stack))));
    const text = lazy(() => renderAlloyKubernetesConfig(settings()));
    const blocks = lazy(() => parseAlloy(text()));
    const rules = () => component(blocks(), "discovery.relabel").blocks.map((b) => b.attributes as Rule);

    test("passes alloy-check -strict (Alloy v1.18.1's parser and component schemas)", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "alloy-k8s-")), `${stack}.alloy`);
        fs.writeFileSync(file, text());
        const r = tool("alloy").run(["-strict", file]);
        expect({ status: r.status, out: `${r.stdout}${r.stderr}`.trim() }).toEqual({ status: 0, out: "" });
    });

    test("each instance discovers only its own node's pods", () => {
        expect(text()).toContain('field = "spec.nodeName=" + sys.env("HOSTNAME")');
    });

    test("the stack's pods get the streams' labels, their containers named <prefix>-<container> as on Docker", () => {
        const s = settings();
        const ns = s.kubernetes!.namespace;
        const got = Object.entries(RELEASE_OF).map(([container, chart]) => {
            const service = sampleStreams(s).own.find((o) => o.container === `${s.namePrefix}-${container}`)!.service;
            return relabel(rules(), pod(ns, container, { "app.kubernetes.io/instance": `${s.namePrefix}-${chart}`, "app.kubernetes.io/name": service }));
        });
        expect(got).toEqual(sampleStreams(s).own.map((o) => ({ ...o, namespace: ns })));
    });

    test("applications by container name in any namespace, labelled pods, and nothing else", () => {
        const s = settings();
        const labels = (r: Record<string, string> | undefined) => r && { ...r, namespace: undefined };
        for (const app of s.applications) {
            expect(labels(relabel(rules(), pod("shop", app.name, { app: "shop" })))).toEqual({ job: "kubernetes", environment: s.environment, container: app.name, service: "shop", namespace: undefined });
        }
        if (s.applicationLabel) {
            const { key, value } = s.applicationLabel;
            expect(relabel(rules(), pod("shop", "labelled", { [key]: value }))).toBeDefined();
        }
        expect(relabel(rules(), pod("shop", "unrelated", { app: "other" }))).toBeUndefined();
        // Another stack's release in its own namespace, or a release of this name elsewhere, is not this stack's.
        expect(relabel(rules(), pod("other", "loki", { "app.kubernetes.io/instance": `${s.namePrefix}-loki` }))).toBeUndefined();
        expect(relabel(rules(), pod(s.kubernetes!.namespace, "loki", { "app.kubernetes.io/instance": `${s.namePrefix}x-loki` }))).toBeUndefined();
    });

    test("each container's files: the kubelet's /var/log/pods/<namespace>_<pod>_<uid>/<container>/*.log", () => {
        const s = settings();
        const out = relabel(rules(), pod(s.kubernetes!.namespace, "loki", { "app.kubernetes.io/instance": `${s.namePrefix}-loki` }, "8f1c"), ["__path__"]);
        expect(out?.__path__).toBe("/var/log/pods/*8f1c/loki/*.log");
    });

    test("CRI lines are unwrapped first; tracebacks joined and Falco's priority taken on the right streams", () => {
        const s = settings();
        const process = component(blocks(), "loki.process");
        expect(process.blocks.map((b) => b.name)[0]).toBe("stage.cri");
        const streams = sampleStreams(s);
        const matchOf = (stage: string) => process.blocks.find((b) => b.name === "stage.match" && b.blocks.some((x) => x.name === stage));
        expect(selected(matchOf("stage.multiline")!.attributes.selector as string, streams.thisEnvironment).map((x) => x.container).sort()).toEqual(streams.python.map((x) => x.container).sort());
        if (s.falco.enabled) expect(selected(matchOf("stage.json")!.attributes.selector as string, streams.all)).toEqual(streams.falco);
    });
});
