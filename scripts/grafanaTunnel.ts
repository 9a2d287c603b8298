/**
 * npm run tunnel -- <stack>
 * For a stack on an ssh:// engine that runs its own Grafana: opens the ssh forward from this machine to the host's
 * published Grafana port (configs/dockerSsh.ts grafanaTunnelCommand), so that `pulumi up` can manage Grafana's content.
 * Exit 0 when the forward is up or none is needed (said in one line), else ssh's exit code.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { grafanaTunnelCommand } from "../configs/dockerSsh";
import { rawConfig } from "../settings/load";
import { parseSettings } from "../settings/parse";
import { readStackFile } from "../settings/stackFile";

export function tunnelPlan(stack: string, projectDir = path.join(__dirname, "..")): { args?: string[]; say: string } {
    const settings = parseSettings(stack, rawConfig(readStackFile(stack, projectDir)));
    if (!settings.dockerHost.startsWith("ssh://")) return { say: `no tunnel: ${stack}'s engine is ${settings.dockerHost}, not an ssh:// host` };
    if (settings.grafana.externalUrl) return { say: `no tunnel: ${stack} manages the Grafana at ${settings.grafana.externalUrl}` };
    const port = settings.publish.ports.grafana;
    if (!port) return { say: `no tunnel: ${stack} does not publish Grafana, so Pulumi cannot manage its content from here` };
    const address = settings.publish.address === "0.0.0.0" ? "127.0.0.1" : settings.publish.address;
    return { args: grafanaTunnelCommand(settings.dockerHost, address, port), say: `tunnel: ${address}:${port} -> ${settings.dockerHost} ${address}:${port}` };
}

if (require.main === module) {
    const [stack] = process.argv.slice(2);
    if (!stack) {
        console.error("usage: npm run tunnel -- <stack>");
        process.exit(2);
    }
    const plan = tunnelPlan(stack);
    console.log(plan.say);
    if (plan.args) process.exitCode = spawnSync("ssh", plan.args, { stdio: "inherit" }).status ?? 1;
}
