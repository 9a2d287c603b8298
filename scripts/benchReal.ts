/**
 * `npm run bench:real -- <stack> [seconds]`: the stack's own Loki and Promtail files under a burst at the
 * stack's ingestion limit, with the real binaries and engine (as `npm run test:real`). Prints lines/s end
 * to end (container stdout -> Promtail -> Loki, counted by Loki) and peak RSS (VmHWM) next to the stack's
 * memory limits. A benchmark, not a test: it prints figures and fails only when it cannot run.
 */
import * as fs from "fs";
import * as path from "path";
import { rawConfig } from "../settings/load";
import { parseSettings } from "../settings/parse";
import { readStackFile } from "../settings/stackFile";
import { applicationNames } from "../configs/labels";
import { baseImage, engine, requireEngine } from "../tests/engine/docker";
import { sleep } from "../tests/real/binaries";
import { LocalPipeline, startLocalPipeline } from "../tests/real/localConfigs";
import { queryInstant } from "../tests/real/loki";
import { startWorkload, trigger } from "../tests/real/workloads";

const LINE_BYTES = 200;

/** Peak resident set of a process, in MiB (Linux VmHWM). */
function peakRssMb(pid: number | undefined): number {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
    return Math.round(kb / 1024);
}

/** CPU seconds (user + system) a process has used so far (/proc/<pid>/stat, clock ticks of 1/100 s). */
function cpuSeconds(pid: number | undefined): number {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Lines shaped like the Python application's, each exactly LINE_BYTES long with its newline. */
function burstLines(count: number): string[][] {
    return Array.from({ length: count }, (_, i) => {
        const head = `2026-11-25 10:00:00.000 INFO [app.http] GET /api/orders/${i} status=200 `;
        return [head + "x".repeat(LINE_BYTES - 1 - head.length)];
    });
}

async function main(): Promise<void> {
    const [stack, secondsArg] = process.argv.slice(2);
    if (!stack) throw new Error("usage: npm run bench:real -- <stack> [seconds of load at the limit, default 20]");
    const settings = parseSettings(stack, rawConfig(readStackFile(stack, path.join(__dirname, ".."))));
    const seconds = Number(secondsArg ?? 20);
    const rateBytes = settings.loki.ingestionRateMb * 1024 * 1024;
    const count = Math.round((rateBytes * seconds) / LINE_BYTES);
    const app = applicationNames(settings, "python")[0] ?? `${settings.namePrefix}-bench`;

    const docker = engine();
    await requireEngine(docker);
    const container = await startWorkload(docker, await baseImage(docker), { name: app, quiet: [], trigger: burstLines(count) });
    let pipeline: LocalPipeline | undefined;
    try {
        pipeline = await startLocalPipeline(settings, `bench-${stack}`);
        const { loki, promtail, lokiUrl: base } = pipeline;
        await sleep(2000);
        const cpuBefore = { loki: cpuSeconds(loki.pid), promtail: cpuSeconds(promtail.pid) };
        const started = Date.now();
        await trigger(container);
        let received = 0;
        const deadline = started + Math.max(120, seconds * 6) * 1000;
        while (received < count && Date.now() < deadline) {
            await sleep(1000);
            const r = await queryInstant(base, `sum(count_over_time({container="${app}"}[1h]))`);
            received = Number(r.result[0]?.value?.[1] ?? 0);
        }
        const elapsed = (Date.now() - started) / 1000;
        console.log(`stack ${stack}: ingestion limit ${settings.loki.ingestionRateMb} MB/s (burst ${settings.loki.ingestionBurstSizeMb} MB), ${count} lines of ${LINE_BYTES} B`);
        console.log(`  received ${received}/${count} lines in ${elapsed.toFixed(1)} s: ${Math.round(received / elapsed)} lines/s, ${((received * LINE_BYTES) / elapsed / 1024 / 1024).toFixed(2)} MB/s`);
        const mb = (received * LINE_BYTES) / 1024 / 1024;
        // The binaries run without the containers' CPU quota here: CPU seconds per MB say what the quota allows.
        for (const [name, proc, limits] of [["Loki", loki, settings.resources.loki], ["Promtail", promtail, settings.resources.promtail]] as const) {
            const cpu = cpuSeconds(proc.pid) - cpuBefore[name === "Loki" ? "loki" : "promtail"];
            const sustainable = mb / (cpu / limits.cpus);
            console.log(
                `  ${name}: peak RSS ${peakRssMb(proc.pid)} MiB (limit ${limits.memoryMb} MiB); ${cpu.toFixed(1)} CPU-s for ${mb.toFixed(0)} MB, ` +
                    `so ~${sustainable.toFixed(2)} MB/s at its ${limits.cpus} CPU limit`,
            );
        }
        if (received < count) console.log(`  INCOMPLETE: ${count - received} lines not in Loki after ${elapsed.toFixed(0)} s`);
    } finally {
        await pipeline?.stop();
        await container.remove({ force: true });
    }
}

main().catch((e) => {
    console.error(`bench:real: ${(e as Error).message}`);
    process.exit(1);
});
