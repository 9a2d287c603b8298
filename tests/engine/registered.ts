/**
 * Prints, as JSON, every resource the real program registers for a stack under Pulumi's mocks.
 * Usage: ts-node --transpile-only tests/engine/registered.ts <stack> [overrides-json]
 * A process per run: the Pulumi runtime holds global state, and the engine tests need several runs.
 */
import { runProgram, stackConfig } from "../harness/mocks";

async function main(): Promise<void> {
    const [stack, overrides] = process.argv.slice(2);
    if (!stack) throw new Error("usage: registered.ts <stack> [overrides-json]");
    const run = await runProgram(stack, stackConfig(stack, overrides ? JSON.parse(overrides) : {}));
    process.stdout.write(JSON.stringify({ resources: run.resources }));
}

main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
});
