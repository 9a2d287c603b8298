/**
 * Local equivalents of the CI workflows:
 *   npm run preview -- <stack> [pulumi args]   preview with a diff and the policy pack
 *   npm run drift -- <stack>                   exit 0 = no drift, 1 = drift, 2 = error; one-line summary
 *   npm run up -- <stack> [pulumi args]        deploy
 * A local file backend (./.pulumi-state) is used unless PULUMI_BACKEND_URL is set, so no account is needed.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { rawConfig } from "../settings/load";
import { parseSettings } from "../settings/parse";
import { Settings } from "../settings/types";
import { readStackFile } from "../settings/stackFile";
import { clusterProblem, engineProblem, engineStorage, passphraseProblem, pingDocker, sshProblem, storageProblem } from "./preflight";

export const EXIT = { ok: 0, drift: 1, error: 2 } as const;
const PROJECT_DIR = path.join(__dirname, "..");

/** The project's stacks: its Pulumi.<stack>.yaml files. */
function stackNames(): string[] {
    return fs
        .readdirSync(PROJECT_DIR)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

export interface CliResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

type Runner = (args: string[], env: NodeJS.ProcessEnv, capture: boolean) => CliResult;

/** Runs the real `pulumi` from PATH; `capture` keeps its output instead of streaming it to the terminal. */
export const runPulumi: Runner = (args, env, capture) => {
    const r = spawnSync("pulumi", args, { cwd: PROJECT_DIR, env, encoding: "utf8", stdio: capture ? "pipe" : "inherit" });
    if (r.error) {
        const missing = (r.error as NodeJS.ErrnoException).code === "ENOENT";
        return { code: missing ? 127 : EXIT.error, stdout: "", stderr: r.error.message };
    }
    return { code: r.status ?? EXIT.error, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
};

export const INSTALL_HINT =
    "The Pulumi CLI is not installed (or not on PATH). Install it: https://www.pulumi.com/docs/iac/download-install/ " +
    "(e.g. `curl -fsSL https://get.pulumi.com | sh`), then run this again. Deploying also needs Docker and Node.js 22.";

/**
 * The environment for the CLI: a local file backend unless one is configured. Set but empty (a workflow passing an
 * empty repository variable) means Pulumi Cloud, the CLI's own default: the variable is removed, not replaced.
 */
export function cliEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    if (env.PULUMI_BACKEND_URL) return env;
    if (env.PULUMI_BACKEND_URL === "") {
        const { PULUMI_BACKEND_URL: _empty, ...cloud } = env;
        return cloud;
    }
    const stateDir = path.join(PROJECT_DIR, ".pulumi-state");
    fs.mkdirSync(stateDir, { recursive: true });
    return { ...env, PULUMI_BACKEND_URL: `file://${stateDir}` };
}

/** Counts of a preview's `changeSummary` other than "same", e.g. "2 to update, 1 to replace". */
export function describeChanges(summary: Record<string, number>): string {
    return Object.entries(summary)
        .filter(([op, n]) => op !== "same" && n > 0)
        .map(([op, n]) => `${n} to ${op}`)
        .join(", ");
}

/**
 * In CI, a stack whose engine is the machine's own (unix://, npipe://) would be deployed to, or checked against, the
 * throwaway runner. Refused before Pulumi runs, unless the job says the runner is the target (e2e.yml's dev stack).
 */
export function runnerEngineProblem(stack: string, env: NodeJS.ProcessEnv): string | undefined {
    if (env.CI !== "true" || env.OBSERVABILITY_RUNNER_ENGINE === "1") return undefined;
    let dockerHost: string;
    try {
        if (stackSettings(stack).platform !== "docker") return undefined;
        dockerHost = stackDockerHost(stack);
    } catch {
        return undefined; // an invalid stack file is reported by the program itself
    }
    if (!/^(unix|npipe):/.test(dockerHost)) return undefined;
    return (
        `error: stack ${stack}'s dockerHost is ${dockerHost}, the CI machine itself: its containers would vanish with the runner. ` +
        `Set the stack's dockerHost to its host (ssh://user@host), or set OBSERVABILITY_RUNNER_ENGINE=1 where the runner is the target`
    );
}

/** The stack's Docker engine, as its stack file sets it. */
function stackDockerHost(stack: string): string {
    return stackSettings(stack).dockerHost;
}

function stackSettings(stack: string): Settings {
    return parseSettings(stack, rawConfig(readStackFile(stack, PROJECT_DIR)));
}

export async function main(
    argv: string[],
    env: NodeJS.ProcessEnv,
    run: Runner = runPulumi,
    log = console.log,
    err = console.error,
    ping: (dockerHost: string) => Promise<boolean | undefined> = pingDocker,
    ssh: (stack: string, dockerHost: string) => Promise<string | undefined> = sshProblem,
    storage: (dockerHost: string) => Promise<{ root: string; driver: string } | undefined> = engineStorage,
    cluster: (stack: string, context: string | undefined) => string | undefined = clusterProblem,
): Promise<number> {
    const [command, stack, ...rest] = argv;
    if (!["preview", "drift", "up"].includes(command) || !stack) {
        err(`usage: npm run ${command ?? "<preview|drift|up>"} -- <stack> (stacks: ${stackNames().join(", ")})`);
        return EXIT.error;
    }
    // A typo (`prd`) would otherwise create and deploy a new stack from defaults, with Falco and ports that clash.
    if (!stackNames().includes(stack)) {
        err(`error: there is no Pulumi.${stack}.yaml; the stacks are ${stackNames().join(", ")} (a new environment starts as a copy of one: README, "Adding an environment")`);
        return EXIT.error;
    }
    const e = cliEnv(env);
    if (run(["version"], e, true).code === 127) {
        err(INSTALL_HINT);
        return EXIT.error;
    }
    const problems = [passphraseProblem(stack, e, PROJECT_DIR), runnerEngineProblem(stack, e)];
    let settings: Settings | undefined;
    if (command === "up") {
        try {
            settings = stackSettings(stack);
        } catch (error) {
            err(`error: ${(error as Error).message}`);
            return EXIT.error;
        }
    }
    if (settings?.platform === "kubernetes") problems.push(cluster(stack, settings.kubernetes?.context));
    else if (settings) {
        const dockerHost = settings.dockerHost;
        // Over ssh, the provider's own command (host key pinned, no prompt); elsewhere the engine's /_ping.
        problems.push(dockerHost.startsWith("ssh://") ? await ssh(stack, dockerHost) : engineProblem(stack, dockerHost, await ping(dockerHost)));
        // Over ssh the engine's /info is not read here; the bind mount then fails at `up` with the path it lacks.
        if (!dockerHost.startsWith("ssh://")) problems.push(storageProblem(stack, settings, await storage(dockerHost)));
    }
    const first = problems.find(Boolean);
    if (first) {
        err(first);
        return EXIT.error;
    }
    const select = run(["stack", "select", stack, "--create", "--non-interactive"], e, true);
    if (select.code !== 0) {
        err(`error: cannot select stack ${stack}: ${select.stderr.trim()}`);
        return EXIT.error;
    }

    if (command === "preview") return run(["preview", "--stack", stack, "--diff", "--policy-pack", "policy", ...rest], e, false).code === 0 ? EXIT.ok : EXIT.error;
    if (command === "up") return run(["up", "--stack", stack, "--policy-pack", "policy", ...rest], e, false).code === 0 ? EXIT.ok : EXIT.error;

    // Drift: refresh in memory, then ask what the program would change. Nothing written to the state.
    const preview = run(["preview", "--stack", stack, "--refresh", "--json", "--non-interactive"], e, true);
    if (preview.code !== 0) {
        err(`error: drift check of ${stack} failed: ${lastLine(preview.stderr) || `pulumi exited with ${preview.code}`}`);
        return EXIT.error;
    }
    let summary: Record<string, number>;
    try {
        summary = (JSON.parse(preview.stdout) as { changeSummary?: Record<string, number> }).changeSummary ?? {};
    } catch {
        err(`error: drift check of ${stack}: unreadable preview output`);
        return EXIT.error;
    }
    const changes = describeChanges(summary);
    if (changes) {
        log(`drift: ${stack}: ${changes} (run \`npm run preview -- ${stack}\` for details)`);
        return EXIT.drift;
    }
    log(`no drift: ${stack}: ${summary.same ?? 0} resources unchanged`);
    return EXIT.ok;
}

function lastLine(text: string): string {
    return text.trim().split("\n").pop() ?? "";
}

if (require.main === module) {
    void main(process.argv.slice(2), process.env).then((code) => (process.exitCode = code));
}
