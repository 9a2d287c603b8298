import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as http from "http";
import { AddressInfo } from "net";
import { CliResult, INSTALL_HINT, cliEnv, describeChanges, main, runPulumi } from "../../scripts/pulumiCli";
import { stacks } from "../harness/stackFiles";

/** The exit codes the README documents for `npm run drift`: 0 no drift, 1 drift, 2 error. */
const EXIT = { ok: 0, drift: 1, error: 2 } as const;
import { passphraseProblem, pingDocker, storageProblem } from "../../scripts/preflight";

const FAKE_BIN = path.join(__dirname, "..", "fixtures", "bin");
const ROOT = path.join(__dirname, "..", "..");

/** A stand-in engine whose `/info` says what the stack files assume (the defaults). */
const AS_STACK_FILES_SAY = async () => ({ root: "/var/lib/docker", driver: "overlay2" });

/** Runs the CLI wrapper in-process against the stand-in `pulumi`, capturing what it prints and what it ran. */
async function cli(argv: string[], scenario: string, extraEnv: Record<string, string> = {}, engineAnswers: boolean | undefined = true, clusterAnswers = true) {
    const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-")), "calls.log");
    const out: string[] = [];
    const err: string[] = [];
    const env = { PATH: `${FAKE_BIN}:/usr/bin:/bin`, FAKE_PULUMI_SCENARIO: scenario, FAKE_PULUMI_LOG: logFile, PULUMI_CONFIG_PASSPHRASE: "test", ...extraEnv };
    const pinged: string[] = [];
    const ping = async (host: string) => (pinged.push(host), engineAnswers);
    // ssh:// engines: the provider's ssh command (tests/engine/ssh.test.ts runs it for real); here it answers as told.
    const ssh = async (stack: string, host: string) => (pinged.push(host), engineAnswers === false ? `error: ${stack}: ${host} unreachable` : undefined);
    const cluster = (stack: string, context: string | undefined) => (pinged.push(`cluster ${context ?? "(current context)"}`), clusterAnswers ? undefined : `error: ${stack}'s cluster does not answer`);
    const code = await main(argv, env, undefined, (m) => out.push(m), (m) => err.push(m), ping, ssh, AS_STACK_FILES_SAY, cluster);
    const calls = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").trim().split("\n").map((l) => l.split("\t")) : [];
    return { code, out, err, calls, pinged };
}

describe("npm run drift", () => {
    test("no drift: exit 0 and a one-line summary", async () => {
        const r = await cli(["drift", "dev"], "nochange");
        expect(r.code).toBe(EXIT.ok);
        expect(r.out).toEqual(["no drift: dev: 33 resources unchanged"]);
    });
    test("drift: exit 1, names the stack and the changes", async () => {
        const r = await cli(["drift", "prod"], "change");
        expect(r.code).toBe(EXIT.drift);
        expect(r.out).toHaveLength(1);
        expect(r.out[0]).toMatch(/^drift: prod: 1 to update, 1 to replace/);
    });
    test("error: exit 2 with the CLI's error", async () => {
        const r = await cli(["drift", "staging"], "error");
        expect(r.code).toBe(EXIT.error);
        expect(r.err.join("\n")).toContain("could not connect to the Docker daemon");
    });
    test("checks with a read-only refreshed preview, never `pulumi refresh`", async () => {
        const r = await cli(["drift", "dev"], "nochange");
        const commands = r.calls.map(([, args]) => args);
        expect(commands).toContain("preview --stack dev --refresh --json --non-interactive");
        expect(commands.some((c) => c.startsWith("refresh"))).toBe(false);
    });
});

describe("npm run preview / up", () => {
    test("preview shows a diff with the policy pack; exit follows the CLI", async () => {
        const ok = await cli(["preview", "dev"], "nochange");
        expect(ok.code).toBe(EXIT.ok);
        expect(ok.calls.map(([, a]) => a)).toContain("preview --stack dev --diff --policy-pack policy");
        expect((await cli(["preview", "dev"], "error")).code).toBe(EXIT.error);
    });
    test("up passes extra arguments through", async () => {
        const r = await cli(["up", "staging", "--yes"], "nochange");
        expect(r.code).toBe(EXIT.ok);
        expect(r.calls.map(([, a]) => a)).toContain("up --stack staging --policy-pack policy --yes");
    });
    test("up on a Kubernetes stack asks its cluster, not a Docker engine; no answer stops before Pulumi", async () => {
        const ok = await cli(["up", "cluster"], "nochange", { CI: "true" });
        expect({ code: ok.code, pinged: ok.pinged }).toEqual({ code: EXIT.ok, pinged: ["cluster (current context)"] });
        const down = await cli(["up", "cluster"], "nochange", {}, true, false);
        expect({ code: down.code, err: down.err, ups: down.calls.filter(([, a]) => a.startsWith("up")) }).toEqual({ code: EXIT.error, err: ["error: cluster's cluster does not answer"], ups: [] });
    });
    test("up on an ssh:// engine checks it with the provider's ssh command first; a problem there stops before Pulumi", async () => {
        const ok = await cli(["up", "staging"], "nochange");
        expect(ok.pinged).toEqual(["ssh://deploy@logs-staging.example.com"]);
        const down = await cli(["up", "staging"], "nochange", {}, false);
        expect({ code: down.code, err: down.err, ups: down.calls.filter(([, a]) => a.startsWith("up")) }).toEqual({
            code: EXIT.error,
            err: ["error: staging: ssh://deploy@logs-staging.example.com unreachable"],
            ups: [],
        });
    });
    test("in CI, a stack whose engine is the runner itself is refused before Pulumi, unless the job says the runner is the target", async () => {
        for (const command of ["up", "preview", "drift"]) {
            const r = await cli([command, "dev"], "nochange", { CI: "true" });
            expect({ code: r.code, calls: r.calls.filter(([, a]) => !a.startsWith("version")) }).toEqual({ code: EXIT.error, calls: [] });
            expect(r.err).toEqual([
                "error: stack dev's dockerHost is unix:///var/run/docker.sock, the CI machine itself: its containers would vanish with the runner. " +
                    "Set the stack's dockerHost to its host (ssh://user@host), or set OBSERVABILITY_RUNNER_ENGINE=1 where the runner is the target",
            ]);
        }
        expect((await cli(["up", "dev"], "nochange", { CI: "true", OBSERVABILITY_RUNNER_ENGINE: "1" })).code).toBe(EXIT.ok);
        expect((await cli(["up", "staging"], "nochange", { CI: "true" })).code).toBe(EXIT.ok);
        expect((await cli(["up", "dev"], "nochange")).code).toBe(EXIT.ok);
    });
    test("a local file backend by default, a configured one when set", async () => {
        const local = await cli(["preview", "dev"], "nochange");
        for (const [backend] of local.calls) expect(backend).toBe(`file://${path.join(ROOT, ".pulumi-state")}`);
        const configured = await cli(["preview", "dev"], "nochange", { PULUMI_BACKEND_URL: "s3://bucket/state" });
        for (const [backend] of configured.calls) expect(backend).toBe("s3://bucket/state");
        // Empty (the workflows pass vars.PULUMI_BACKEND_URL, empty for Pulumi Cloud): the CLI's own default, not a local file.
        expect(cliEnv({ PULUMI_BACKEND_URL: "", PATH: "/bin" })).toEqual({ PATH: "/bin" });
    });
    test("usage error without a stack", async () => {
        expect((await cli(["drift"], "nochange")).code).toBe(EXIT.error);
    });
});

test("without the Pulumi CLI: a clear message saying what to install, exit 2", async () => {
    const out: string[] = [];
    const code = await main(["drift", "dev"], { PATH: "/nonexistent" }, undefined, () => undefined, (m) => out.push(m));
    expect(code).toBe(EXIT.error);
    expect(out).toEqual([INSTALL_HINT]);
    // What it must say (README: Pulumi CLI, Docker and Node.js 22 are needed).
    expect(INSTALL_HINT).toMatch(/^The Pulumi CLI is not installed/);
    expect(INSTALL_HINT).toContain("https://www.pulumi.com/docs/iac/download-install/");
    expect(INSTALL_HINT).toContain("curl -fsSL https://get.pulumi.com | sh");
    expect(INSTALL_HINT).toMatch(/Docker and Node\.js 22\.$/);
});

describe("runPulumi: the real CLI from PATH", () => {
    test("captured: its exit code and output; streamed: only its exit code", () => {
        const env = { PATH: `${FAKE_BIN}:/usr/bin:/bin` };
        expect(runPulumi(["version"], env, true)).toEqual({ code: 0, stdout: "v3.270.0\n", stderr: "" });
        expect(runPulumi(["stack", "select", "x"], env, false)).toEqual({ code: 0, stdout: "", stderr: "" });
        expect(runPulumi(["bogus"], env, true)).toEqual({ code: 255, stdout: "", stderr: 'error: unknown command "bogus" for "pulumi"\n' });
    });

    test("missing: 127 (the caller prints how to install); present but not runnable: an error, not 'missing'", () => {
        expect(runPulumi(["version"], { PATH: "/nonexistent" }, true)).toEqual({ code: 127, stdout: "", stderr: expect.stringContaining("ENOENT") });
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "no-exec-"));
        fs.writeFileSync(path.join(dir, "pulumi"), "#!/bin/sh\n", { mode: 0o644 });
        expect(runPulumi(["version"], { PATH: dir }, true)).toEqual({ code: EXIT.error, stdout: "", stderr: expect.stringContaining("EACCES") });
    });
});

describe("what main asks the CLI, step by step (a recording stand-in)", () => {
    type Answer = Partial<CliResult>;
    function recorder(answers: Record<string, Answer> = {}) {
        const calls: Array<{ args: string; capture: boolean }> = [];
        const run = (args: string[], _env: NodeJS.ProcessEnv, capture: boolean): CliResult => {
            calls.push({ args: args.join(" "), capture });
            const key = Object.keys(answers).find((k) => args.join(" ").startsWith(k));
            return { code: 0, stdout: "", stderr: "", ...(key ? answers[key] : {}) };
        };
        return { run, calls };
    }
    async function go(argv: string[], answers: Record<string, Answer> = {}, storage = AS_STACK_FILES_SAY) {
        const r = recorder(answers);
        const out: string[] = [];
        const err: string[] = [];
        const code = await main(argv, { PULUMI_CONFIG_PASSPHRASE: "p" }, r.run, (m) => out.push(m), (m) => err.push(m), async () => true, undefined, storage);
        return { code, out, err, calls: r.calls };
    }

    test("preview: version and stack selection captured, the diff streamed to the terminal", async () => {
        const r = await go(["preview", "dev"]);
        expect(r.calls).toEqual([
            { args: "version", capture: true },
            { args: "stack select dev --create --non-interactive", capture: true },
            { args: "preview --stack dev --diff --policy-pack policy", capture: false },
        ]);
        expect(r.code).toBe(EXIT.ok);
    });

    test("up stops before Pulumi when the engine keeps its layers elsewhere than the stack file says (Alloy stacks)", async () => {
        const other = async () => ({ root: "/srv/docker", driver: "vfs" });
        const up = await go(["up", "dev"], {}, other);
        expect(up.code).toBe(EXIT.error);
        expect(up.err.join("\n")).toContain("pulumi config set dockerRoot /srv/docker --stack dev");
        expect(up.err.join("\n")).toContain("pulumi config set dockerStorageDriver vfs --stack dev");
        expect(up.calls.map((c) => c.args)).not.toContain("up --stack dev --policy-pack policy");
        // The same engine with the stack file's own storage: up goes on.
        expect((await go(["up", "dev"], {}, async () => ({ root: "/var/lib/docker", driver: "overlay2" }))).calls.at(-1)).toEqual({ args: "up --stack dev --policy-pack policy", capture: false });
        // A Promtail stack mounts no layer IDs: nothing to compare; an engine not read (ssh://) neither.
        const promtail = { collector: "promtail", dockerRoot: "/var/lib/docker", dockerStorageDriver: "overlay2", dockerHost: "unix:///var/run/docker.sock" } as const;
        expect(storageProblem("prod", promtail, { root: "/srv/docker", driver: "vfs" })).toBeUndefined();
        expect(storageProblem("dev", { ...promtail, collector: "alloy" }, undefined)).toBeUndefined();
    });

    test("up streams; drift captures its JSON", async () => {
        expect((await go(["up", "dev"])).calls.at(-1)).toEqual({ args: "up --stack dev --policy-pack policy", capture: false });
        const drift = await go(["drift", "dev"], { preview: { stdout: JSON.stringify({ changeSummary: { same: 4 } }) } });
        expect(drift.calls.at(-1)).toEqual({ args: "preview --stack dev --refresh --json --non-interactive", capture: true });
        expect(drift.out).toEqual(["no drift: dev: 4 resources unchanged"]);
    });

    test("a stack that cannot be selected: its error, exit 2, nothing previewed", async () => {
        const r = await go(["preview", "dev"], { "stack select": { code: 255, stderr: "error: incorrect passphrase\n" } });
        expect(r.code).toBe(EXIT.error);
        expect(r.err).toEqual(["error: cannot select stack dev: error: incorrect passphrase"]);
        expect(r.calls.map((c) => c.args.split(" ")[0])).toEqual(["version", "stack"]);
    });

    test("drift: a failed preview names its last error line, or its exit code; unreadable output is an error", async () => {
        const failed = await go(["drift", "dev"], { preview: { code: 255, stderr: "warning: x\nerror: boom\n" } });
        expect([failed.code, failed.err]).toEqual([EXIT.error, ["error: drift check of dev failed: error: boom"]]);
        const silent = await go(["drift", "dev"], { preview: { code: 137 } });
        expect(silent.err).toEqual(["error: drift check of dev failed: pulumi exited with 137"]);
        const garbled = await go(["drift", "dev"], { preview: { stdout: "Previewing update..." } });
        expect([garbled.code, garbled.err]).toEqual([EXIT.error, ["error: drift check of dev: unreadable preview output"]]);
        const noSummary = await go(["drift", "dev"], { preview: { stdout: "{}" } });
        expect([noSummary.code, noSummary.out]).toEqual([EXIT.ok, ["no drift: dev: 0 resources unchanged"]]);
    });

    test("usage names the command and the project's stacks (its Pulumi.<stack>.yaml files)", async () => {
        const list = stacks().join(", ");
        expect((await go([])).err).toEqual([`usage: npm run <preview|drift|up> -- <stack> (stacks: ${list})`]);
        expect((await go(["drift"])).err).toEqual([`usage: npm run drift -- <stack> (stacks: ${list})`]);
        const other = await go(["destroy", "dev"]);
        expect([other.code, other.err, other.calls]).toEqual([EXIT.error, [`usage: npm run destroy -- <stack> (stacks: ${list})`], []]);
    });

    test.each(["up", "preview", "drift"])("%s of a stack with no stack file (a typo) is refused before Pulumi runs, naming the stacks there are", async (command) => {
        const pinged: string[] = [];
        const errors: string[] = [];
        const r = recorder();
        const code = await main([command, "prd"], { PULUMI_CONFIG_PASSPHRASE: "p" }, r.run, () => undefined, (m) => errors.push(m), async (h) => (pinged.push(h), true), undefined, AS_STACK_FILES_SAY);
        expect({ code, calls: r.calls, pinged }).toEqual({ code: EXIT.error, calls: [], pinged: [] });
        expect(errors).toEqual([`error: there is no Pulumi.prd.yaml; the stacks are ${stacks().join(", ")} (a new environment starts as a copy of one: README, "Adding an environment")`]);
    });
});

test("describeChanges: every operation with a count, none of 'same' or zero", () => {
    expect(describeChanges({ same: 3, update: 0, replace: 2, create: 1 })).toBe("2 to replace, 1 to create");
    expect(describeChanges({ same: 9 })).toBe("");
});

test("end to end through npm: `npm run drift -- prod` exits 1 on drift", async () => {
    const r = spawnSync("npm", ["run", "--silent", "drift", "--", "prod"], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, PATH: `${FAKE_BIN}:${process.env.PATH}`, FAKE_PULUMI_SCENARIO: "change", PULUMI_BACKEND_URL: "file:///tmp/obs-test-state", PULUMI_CONFIG_PASSPHRASE: "test" },
    });
    expect(r.status).toBe(EXIT.drift);
    expect(r.stdout).toContain("drift: prod: 1 to update, 1 to replace");
});

describe("checks before Pulumi is called", () => {
    const noPassphrase = { PULUMI_CONFIG_PASSPHRASE: undefined as unknown as string };

    test("a local backend without PULUMI_CONFIG_PASSPHRASE: one line saying what to set, and no stack touched", async () => {
        for (const command of ["up", "preview", "drift"]) {
            const r = await cli([command, "dev"], "nochange", noPassphrase);
            expect(r.code).toBe(EXIT.error);
            expect(r.err).toHaveLength(1);
            expect(r.err[0]).toMatch(/PULUMI_CONFIG_PASSPHRASE/);
            expect(r.err[0]).not.toContain("\n");
            expect(r.calls.map(([, a]) => a)).toEqual(["version"]);
        }
    });

    test("a passphrase file, Pulumi Cloud or a KMS secrets provider need no passphrase", async () => {
        expect((await cli(["up", "dev"], "nochange", { ...noPassphrase, PULUMI_CONFIG_PASSPHRASE_FILE: "/run/secrets/p" })).code).toBe(EXIT.ok);
        expect((await cli(["up", "dev"], "nochange", { ...noPassphrase, PULUMI_BACKEND_URL: "https://api.pulumi.com" })).code).toBe(EXIT.ok);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "obs-project-"));
        fs.writeFileSync(path.join(dir, "Pulumi.kms.yaml"), "secretsprovider: awskms://alias/obs\nconfig: {}\n");
        fs.writeFileSync(path.join(dir, "Pulumi.pass.yaml"), "secretsprovider: passphrase\nconfig: {}\n");
        expect(passphraseProblem("kms", { PULUMI_BACKEND_URL: "s3://b" }, dir)).toBeUndefined();
        expect(passphraseProblem("pass", { PULUMI_BACKEND_URL: "s3://b" }, dir)).toMatch(/PULUMI_CONFIG_PASSPHRASE/);
        expect(passphraseProblem("pass", { PULUMI_BACKEND_URL: "s3://b", PULUMI_CONFIG_PASSPHRASE: "" }, dir)).toBeUndefined();
    });

    test("which backends keep the keys: an http(s) service does; S3 behind an http endpoint, or a new stack, do not", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "obs-project-"));
        expect(passphraseProblem("new", { PULUMI_BACKEND_URL: "http://pulumi.internal:8080" }, dir)).toBeUndefined();
        // MinIO: the bucket's endpoint is http, the backend is still self-managed.
        const minio = passphraseProblem("new", { PULUMI_BACKEND_URL: "s3://state?endpoint=http://minio:9000&s3ForcePathStyle=true" }, dir);
        // No Pulumi.new.yaml yet: Pulumi will create it with a passphrase.
        expect(minio).toBe(
            "error: stack new encrypts its secrets with a passphrase and PULUMI_CONFIG_PASSPHRASE is not set: " +
                "`export PULUMI_CONFIG_PASSPHRASE=<passphrase>` (the same one every time for this stack), then run this again",
        );
        expect(passphraseProblem("new", {}, dir)).toBe(minio);
    });

    test("up with no Docker engine at the stack's dockerHost: one line naming it, and no update started", async () => {
        const r = await cli(["up", "dev"], "nochange", {}, false);
        expect(r.code).toBe(EXIT.error);
        // Pulumi.dev.yaml leaves dockerHost at the README's default.
        expect(r.pinged).toEqual(["unix:///var/run/docker.sock"]);
        expect(r.err).toHaveLength(1);
        expect(r.err[0]).toMatch(/no Docker engine answers at unix:\/\/\/var\/run\/docker\.sock.*dockerHost/);
        expect(r.calls.map(([, a]) => a).filter((a) => a.startsWith("up") || a.startsWith("stack"))).toEqual([]);
    });

    test("an engine that cannot be checked from here (ssh://) does not block; preview and drift do not ping", async () => {
        expect((await cli(["up", "dev"], "nochange", {}, undefined)).code).toBe(EXIT.ok);
        expect((await cli(["preview", "dev"], "nochange", {}, false)).pinged).toEqual([]);
    });
});

describe("pingDocker against real sockets", () => {
    const servers: http.Server[] = [];
    afterAll(() => servers.forEach((s) => s.close()));
    function serve(status: number, listen: (s: http.Server, done: () => void) => void): Promise<http.Server> {
        const server = http.createServer((req, res) => {
            res.statusCode = req.url === "/_ping" ? status : 404;
            res.end("OK");
        });
        servers.push(server);
        return new Promise((resolve) => listen(server, () => resolve(server)));
    }

    test("a unix socket that answers /_ping with 200 is an engine; a missing socket is not", async () => {
        const sock = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "obs-ping-")), "docker.sock");
        await serve(200, (s, done) => s.listen(sock, done));
        expect(await pingDocker(`unix://${sock}`)).toBe(true);
        expect(await pingDocker(`unix://${sock}.missing`)).toBe(false);
    });

    test("tcp://: an answer is an engine (400 from a TLS port too), a closed port is not", async () => {
        const ok = await serve(200, (s, done) => s.listen(0, "127.0.0.1", done));
        const tls = await serve(400, (s, done) => s.listen(0, "127.0.0.1", done));
        expect(await pingDocker(`tcp://127.0.0.1:${(ok.address() as AddressInfo).port}`)).toBe(true);
        expect(await pingDocker(`tcp://127.0.0.1:${(tls.address() as AddressInfo).port}`)).toBe(true);
        const closed = await serve(200, (s, done) => s.listen(0, "127.0.0.1", done));
        const port = (closed.address() as AddressInfo).port;
        await new Promise((r) => closed.close(r));
        expect(await pingDocker(`tcp://127.0.0.1:${port}`)).toBe(false);
    });

    test("a unix socket that answers something else is not an engine; ssh:// cannot be checked", async () => {
        const sock = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "obs-ping-")), "other.sock");
        await serve(500, (s, done) => s.listen(sock, done));
        expect(await pingDocker(`unix://${sock}`)).toBe(false);
        expect(await pingDocker("ssh://deploy@host")).toBeUndefined();
        // 400 means "TLS port" only over tcp://; on a socket it is some other server.
        const bad = path.join(path.dirname(sock), "bad.sock");
        await serve(400, (s, done) => s.listen(bad, done));
        expect(await pingDocker(`unix://${bad}`)).toBe(false);
    });

    test("a server that accepts but never answers is not an engine, after the timeout", async () => {
        const silent = http.createServer(() => undefined);
        servers.push(silent);
        await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
        expect(await pingDocker(`tcp://127.0.0.1:${(silent.address() as AddressInfo).port}`, 200)).toBe(false);
    });
});
