/**
 * npm run bench: prints how long rendering every configuration file and evaluating the program
 * (under Pulumi's mocks) take per stack, and the heap in use. Figures, not assertions.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { renderAll } from "../configs";
import { rawConfig } from "../settings/load";
import { parseSettings } from "../settings/parse";
import { readStackFile } from "../settings/stackFile";

const STACKS = ["dev", "staging", "prod"];
const ROOT = path.join(__dirname, "..");

function renderBench(stack: string, rounds: number): number {
    const settings = parseSettings(stack, rawConfig(readStackFile(stack, ROOT)));
    const start = process.hrtime.bigint();
    let bytes = 0;
    for (let i = 0; i < rounds; i++) bytes = Object.values(renderAll(settings)).reduce((n, s) => n + s.length, 0);
    const ms = Number(process.hrtime.bigint() - start) / 1e6 / rounds;
    console.log(`render ${stack}: ${ms.toFixed(3)} ms per full render, ${bytes} bytes of configuration`);
    return ms;
}

async function programBench(stack: string): Promise<void> {
    let count = 0;
    await pulumi.runtime.setMocks(
        {
            newResource: (a) => {
                count++;
                return { id: `${a.name}-id`, state: { ...a.inputs, imageId: `sha256:${"0".repeat(64)}`, result: "bench" } };
            },
            call: () => ({}),
        },
        "observability",
        stack,
        false,
    );
    pulumi.runtime.setAllConfig(readStackFile(stack, ROOT));
    const start = process.hrtime.bigint();
    const program = require("../index") as () => Record<string, pulumi.Output<unknown>>;
    const outputs = program();
    await Promise.all(Object.values(outputs).map((o) => new Promise((r) => o.apply(r))));
    // Registrations not on an output's path (dashboards, alert rules) finish a few ticks later.
    for (let seen = -1; seen !== count; ) {
        seen = count;
        await new Promise((r) => setTimeout(r, 20));
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const heap = process.memoryUsage().heapUsed / 1024 / 1024;
    console.log(`program ${stack}: ${count} resources registered in ${ms.toFixed(0)} ms (mocked engine), heap ${heap.toFixed(0)} MiB`);
}

async function main(): Promise<void> {
    for (const stack of STACKS) renderBench(stack, 200);
    const stack = process.argv[2] ?? "prod";
    await programBench(stack);
}

main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
});
