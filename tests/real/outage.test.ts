/**
 * A Loki outage, with the real Promtail and the real Loki on prod's own files (Promtail runs in prod): an
 * application writes a numbered line every 200 ms throughout, Loki is stopped for OUTAGE_SECONDS, then started
 * again on its data. With `outageTolerance` above the outage, every line arrives, once; with it below, Promtail
 * gives up on a batch (the loss the old 511 s budget allowed after 8.5 minutes) and counts it in
 * promtail_dropped_entries_total, the metric the loss alert reads. Time is shortened only through the setting.
 * SWAP, stated (as in tests/real/localConfigs.ts): Promtail reads the engine's socket directly, not the proxy.
 */
import Docker from "dockerode";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { Settings } from "../../settings/types";
import { retrySchedule } from "../../configs/retries";
import { baseImage, engine, requireEngine } from "../engine/docker";
import { stackConfig } from "../harness/stackFiles";
import { sleep } from "./binaries";
import { LocalPipeline, startLocalPipeline } from "./localConfigs";
import { entries, until } from "./loki";

const OUTAGE_SECONDS = 30;
// The test's own application label: another real-tier file running beside this one must not collect its lines.
const settingsWith = (tolerance: string): Settings =>
    parseSettings("prod", rawConfig(stackConfig("prod", { "observability:outageTolerance": tolerance, "observability:applicationLabel": `outage.test=${process.pid}` })));

let docker: Docker;
let image: string;
beforeAll(async () => {
    docker = engine();
    await requireEngine(docker);
    image = await baseImage(docker);
});

/** Runs the outage; returns the numbers the application wrote and those Loki holds, and Promtail's drop counter. */
async function outage(settings: Settings, label: string, settleMs: number): Promise<{ written: number[]; stored: number[]; dropped: number }> {
    expect(settings.collector).toBe("promtail");
    const pipeline: LocalPipeline = await startLocalPipeline(settings, label);
    const { key, value } = settings.applicationLabel!;
    const name = `${settings.namePrefix}-${label}`;
    await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
    const app = await docker.createContainer({
        name,
        Image: image,
        Cmd: ["/bin/sh", "-c", 'i=0; while true; do echo "outage line $i"; i=$((i+1)); sleep 0.2; done'],
        Labels: { [key]: value },
        HostConfig: { NetworkMode: "none" },
    });
    let loki = pipeline.loki;
    try {
        await app.start();
        const selector = `{container="${name}"}`;
        await until(() => entries(pipeline.lokiUrl, selector), (g) => g.length > 5, 60_000);
        await pipeline.loki.stop();
        await sleep(OUTAGE_SECONDS * 1000);
        loki = pipeline.loki.again();
        await loki.waitReady(`${pipeline.lokiUrl}/ready`, 90_000);
        await sleep(5_000);
        await app.stop({ t: 1 });
        const logs = (await app.logs({ stdout: true, stderr: true, follow: false })).toString();
        const written = [...logs.matchAll(/outage line (\d+)/g)].map((m) => Number(m[1]));
        // The retry in progress when Loki came back waits up to twice its lower bound: `settleMs` lets it land.
        const got = await until(() => entries(pipeline.lokiUrl, selector), (g) => g.length >= written.length, settleMs);
        const stored = got.map((e) => Number(/outage line (\d+)/.exec(e.line)?.[1]));
        const metrics = await (await fetch(`${pipeline.promtailUrl}/metrics`)).text();
        const dropped = [...metrics.matchAll(/^promtail_dropped_entries_total\{[^}]*\} (\S+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
        return { written, stored, dropped };
    } finally {
        await app.remove({ force: true }).catch(() => undefined);
        await loki.stop();
        await pipeline.promtail.stop();
    }
}

test(`outageTolerance 1m: a ${OUTAGE_SECONDS} s outage loses no line and duplicates none`, async () => {
    const settings = settingsWith("1m");
    expect(retrySchedule(settings).maxRetries).toBe(7);
    const { written, stored, dropped } = await outage(settings, "outage-tolerated", 120_000);
    console.log(`outage ${OUTAGE_SECONDS} s, tolerance 1m (${retrySchedule(settings).maxRetries} retries): ${written.length} lines written, ${stored.length} stored, ${dropped} dropped`);
    expect(written.length).toBeGreaterThan(OUTAGE_SECONDS * 4);
    expect(stored).toEqual(written);
    expect(dropped).toBe(0);
}, 300_000);

test(`outageTolerance 5s: the same outage drops a batch, and Promtail counts it`, async () => {
    const settings = settingsWith("5s");
    expect(retrySchedule(settings).maxRetries).toBe(4);
    const { written, stored, dropped } = await outage(settings, "outage-dropped", 15_000);
    const missing = written.filter((n) => !stored.includes(n));
    console.log(`outage ${OUTAGE_SECONDS} s, tolerance 5s (${retrySchedule(settings).maxRetries} retries): ${written.length} lines written, ${stored.length} stored, ${missing.length} missing, ${dropped} dropped`);
    expect(missing.length).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
}, 300_000);
