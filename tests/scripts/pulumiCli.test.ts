import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT, INSTALL_HINT, main } from "../../scripts/pulumiCli";

const FAKE_BIN = path.join(__dirname, "..", "fixtures", "bin");
const ROOT = path.join(__dirname, "..", "..");

/** Runs the CLI wrapper in-process against the stand-in `pulumi`, capturing what it prints and what it ran. */
function cli(argv: string[], scenario: string, extraEnv: Record<string, string> = {}) {
    const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-")), "calls.log");
    const out: string[] = [];
    const err: string[] = [];
    const env = { PATH: `${FAKE_BIN}:/usr/bin:/bin`, FAKE_PULUMI_SCENARIO: scenario, FAKE_PULUMI_LOG: logFile, ...extraEnv };
    const code = main(argv, env, undefined, (m) => out.push(m), (m) => err.push(m));
    const calls = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").trim().split("\n").map((l) => l.split("\t")) : [];
    return { code, out, err, calls };
}

describe("npm run drift", () => {
    test("no drift: exit 0 and a one-line summary", () => {
        const r = cli(["drift", "dev"], "nochange");
        expect(r.code).toBe(EXIT.ok);
        expect(r.out).toEqual(["no drift: dev: 33 resources unchanged"]);
    });
    test("drift: exit 1, names the stack and the changes", () => {
        const r = cli(["drift", "prod"], "change");
        expect(r.code).toBe(EXIT.drift);
        expect(r.out).toHaveLength(1);
        expect(r.out[0]).toMatch(/^drift: prod: 1 to update, 1 to replace/);
    });
    test("error: exit 2 with the CLI's error", () => {
        const r = cli(["drift", "staging"], "error");
        expect(r.code).toBe(EXIT.error);
        expect(r.err.join("\n")).toContain("could not connect to the Docker daemon");
    });
    test("checks with a read-only refreshed preview, never `pulumi refresh`", () => {
        const r = cli(["drift", "dev"], "nochange");
        const commands = r.calls.map(([, args]) => args);
        expect(commands).toContain("preview --stack dev --refresh --json --non-interactive");
        expect(commands.some((c) => c.startsWith("refresh"))).toBe(false);
    });
});

describe("npm run preview / up", () => {
    test("preview shows a diff with the policy pack; exit follows the CLI", () => {
        const ok = cli(["preview", "dev"], "nochange");
        expect(ok.code).toBe(EXIT.ok);
        expect(ok.calls.map(([, a]) => a)).toContain("preview --stack dev --diff --policy-pack policy");
        expect(cli(["preview", "dev"], "error").code).toBe(EXIT.error);
    });
    test("up passes extra arguments through", () => {
        const r = cli(["up", "staging", "--yes"], "nochange");
        expect(r.code).toBe(EXIT.ok);
        expect(r.calls.map(([, a]) => a)).toContain("up --stack staging --policy-pack policy --yes");
    });
    test("a local file backend by default, a configured one when set", () => {
        const local = cli(["preview", "dev"], "nochange");
        for (const [backend] of local.calls) expect(backend).toBe(`file://${path.join(ROOT, ".pulumi-state")}`);
        const configured = cli(["preview", "dev"], "nochange", { PULUMI_BACKEND_URL: "s3://bucket/state" });
        for (const [backend] of configured.calls) expect(backend).toBe("s3://bucket/state");
    });
    test("usage error without a stack", () => {
        expect(cli(["drift"], "nochange").code).toBe(EXIT.error);
    });
});

test("without the Pulumi CLI: a clear message saying what to install, exit 2", () => {
    const out: string[] = [];
    const code = main(["drift", "dev"], { PATH: "/nonexistent" }, undefined, () => undefined, (m) => out.push(m));
    expect(code).toBe(EXIT.error);
    expect(out).toEqual([INSTALL_HINT]);
});

test("end to end through npm: `npm run drift -- prod` exits 1 on drift", () => {
    const r = spawnSync("npm", ["run", "--silent", "drift", "--", "prod"], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, PATH: `${FAKE_BIN}:${process.env.PATH}`, FAKE_PULUMI_SCENARIO: "change", PULUMI_BACKEND_URL: "file:///tmp/obs-test-state" },
    });
    expect(r.status).toBe(EXIT.drift);
    expect(r.stdout).toContain("drift: prod: 1 to update, 1 to replace");
});
