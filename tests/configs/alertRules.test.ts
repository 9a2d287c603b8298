import { DATA_MOUNT_DIR } from "../../configs/alloy/config";
import { alertRules } from "../../configs/alertRules";
import { HOST_METRICS_JOB, scrapeTargets } from "../../configs/scrapeTargets";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { lazy } from "../harness/lazy";
import { matches, selectors } from "../harness/selectors";
import { stackConfig, stacks } from "../harness/stackFiles";

// Thresholds chosen here, so each description is checked against a value the test set (7% is where a careless
// `0.07 * 100` prints 7.000000000000001).
const ALERTS = { downFor: "3m", lokiErrorRatio: 0.07, dataDiskUsedRatio: 0.85, lokiIngestionBytesPerSecond: 12345 };

describe.each(stacks())("%s: the Prometheus alert rules read as an on-call person needs them", (stack) => {
    const settings = lazy(() => parseSettings(stack, { ...rawConfig(stackConfig(stack)), alerts: ALERTS }));
    const rules = lazy(() => alertRules(settings()).groups.flatMap((g) => g.rules));
    const rule = (name: string) => rules().find((r) => r.alert === name)!;

    test("every alert has a one-line summary and a description that is a sentence", () => {
        expect(rules().length).toBeGreaterThanOrEqual(5);
        for (const r of rules()) {
            expect({ alert: r.alert, summary: r.annotations.summary }).toEqual({ alert: r.alert, summary: expect.stringMatching(/^[A-Z][^\n]{8,}[^.]$/) });
            expect({ alert: r.alert, description: r.annotations.description }).toEqual({ alert: r.alert, description: expect.stringMatching(/^[A-Z].{20,}\.$/) });
        }
    });

    test("a service's down alert names the service, the job and how long it has been down", () => {
        const down = rules().filter((r) => /^up\{job="[^"]+"\} == 0$/.test(r.expr));
        expect(down.length).toBeGreaterThanOrEqual(3);
        const summaries = down.map((r) => r.annotations.summary);
        expect(new Set(summaries).size).toBe(down.length);
        for (const r of down) {
            const job = /job="([^"]+)"/.exec(r.expr)![1];
            expect(scrapeTargets(settings()).map((t) => t.job)).toContain(job);
            expect(r.annotations.summary).toMatch(/^[A-Z].* is down$/);
            expect(r.annotations.description).toContain(` ${job} `);
            expect(r.annotations.description).toContain(`for ${ALERTS.downFor}.`);
        }
    });

    test("thresholds are stated as configured", () => {
        expect(rule("LokiRequestErrors").annotations.description).toContain("More than 7% ");
        expect(rule("LokiHighIngestionRate").annotations.description).toContain("more than 12345 bytes per second");
        expect(rule("DataDiskFilling").annotations.description).toContain("More than 85% ");
    });

    test("Kubernetes: DataDiskFilling reads the kubelet's statistics of the stack's claims only", () => {
        if (settings().platform !== "kubernetes") return;
        const ns = settings().kubernetes!.namespace;
        const claim = (namespace: string, job = "kubelet") => ({ job, namespace, persistentvolumeclaim: "storage-obs-loki-0" });
        for (const m of selectors(rule("DataDiskFilling").expr)) {
            const metric = m.find((x) => x.name === "__name__")!.value;
            expect(metric).toMatch(/^kubelet_volume_stats_(available|capacity)_bytes$/);
            const reads = (labels: Record<string, string>) => matches(m, { ...labels, __name__: metric });
            expect([reads(claim(ns)), reads(claim("other")), reads(claim(ns, "node"))]).toEqual([true, false, false]);
        }
        expect(rule("DataDiskFilling").annotations.description).toContain("{{ $labels.persistentvolumeclaim }}");
    });

    test("Docker: DataDiskFilling reads the disks under the data volumes only, and exists where the host exporter runs", () => {
        if (settings().platform !== "docker") return;
        const scraped = scrapeTargets(settings()).some((t) => t.job === HOST_METRICS_JOB);
        expect(rules().some((r) => r.alert === "DataDiskFilling")).toBe(scraped);
        if (!scraped) return;
        const disk = (mountpoint: string, job = HOST_METRICS_JOB) => ({ job, mountpoint, __name__: "node_filesystem_avail_bytes" });
        for (const m of selectors(rule("DataDiskFilling").expr)) {
            const metric = m.find((x) => x.name === "__name__")!.value;
            const reads = (labels: Record<string, string>) => matches(m, { ...labels, __name__: metric });
            expect([reads(disk(`${DATA_MOUNT_DIR}/loki`)), reads(disk(`${DATA_MOUNT_DIR}/prometheus`))]).toEqual([true, true]);
            expect([reads(disk("/")), reads(disk("/etc/hosts")), reads(disk(`${DATA_MOUNT_DIR}/loki`, "other"))]).toEqual([false, false, false]);
        }
    });
});
