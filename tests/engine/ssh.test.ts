/**
 * An ssh:// Docker host, for real: OpenSSH's sshd on 127.0.0.1 in front of this machine's engine, and a local
 * user whose ~/.ssh holds what the workflows give the runner (the host key pinned in known_hosts, the deploy
 * key). The program's preflight runs the Docker provider's own connection command (configs/dockerSsh.ts) and
 * reaches the engine; with another host key pinned, it stops with one line saying so.
 */
import { execFileSync, spawn, spawnSync, ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dockerSshCommand } from "../../configs/dockerSsh";
import { sshProblem } from "../../scripts/preflight";
import { freePort, sleep } from "../real/binaries";
import { engine, requireEngine } from "./docker";

const USER = "obs-ssh-test";
let dir: string;
let home: string;
let port: number;
let sshd: ChildProcess;
let uid: number;
let gid: number;
let host: string;

const keygen = (file: string) => execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", file]);
const asUser = () => ({ uid, gid, env: { PATH: process.env.PATH, HOME: home } });

beforeAll(async () => {
    await requireEngine(engine());
    if (!fs.existsSync("/usr/sbin/sshd")) throw new Error("sshd is missing: apt-get install openssh-server (.ci/run does this)");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "obs-sshd-"));
    fs.chmodSync(dir, 0o755);
    // The runner's user: its own home, where the workflow writes ~/.ssh.
    home = path.join(dir, "home");
    execFileSync("sh", ["-c", `id ${USER} >/dev/null 2>&1 || useradd -M -d ${home} -s /bin/sh ${USER}`]);
    uid = Number(execFileSync("id", ["-u", USER]).toString());
    gid = Number(execFileSync("id", ["-g", USER]).toString());
    fs.mkdirSync(path.join(home, ".ssh"), { recursive: true });
    keygen(path.join(dir, "host_key"));
    keygen(path.join(home, ".ssh", "id_ed25519"));
    // The engine's host: root logs in with the deploy key only, and may run docker.
    fs.copyFileSync(path.join(home, ".ssh", "id_ed25519.pub"), path.join(dir, "authorized_keys"));
    port = await freePort();
    fs.writeFileSync(
        path.join(dir, "sshd_config"),
        [
            `Port ${port}`,
            "ListenAddress 127.0.0.1",
            `HostKey ${path.join(dir, "host_key")}`,
            `AuthorizedKeysFile ${path.join(dir, "authorized_keys")}`,
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",
            `PidFile ${path.join(dir, "sshd.pid")}`,
        ].join("\n") + "\n",
    );
    fs.mkdirSync("/run/sshd", { recursive: true });
    sshd = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", path.join(dir, "sshd_config")], { stdio: ["ignore", "ignore", "pipe"] });
    for (let i = 0; i < 50 && execFileSync("sh", ["-c", `ss -ltn | grep -c ':${port} ' || true`]).toString().trim() === "0"; i++) await sleep(100);
    host = `ssh://root@127.0.0.1:${port}`;
    execFileSync("chown", ["-R", `${uid}:${gid}`, home]);
});

afterAll(() => {
    sshd?.kill();
    execFileSync("sh", ["-c", `userdel ${USER} 2>/dev/null || true`]);
});

function pin(hostKeyPub: string): void {
    const [type, key] = fs.readFileSync(hostKeyPub, "utf8").split(" ");
    fs.writeFileSync(path.join(home, ".ssh", "known_hosts"), `[127.0.0.1]:${port} ${type} ${key}\n`);
    execFileSync("chown", [`${uid}:${gid}`, path.join(home, ".ssh", "known_hosts")]);
}

test("with the host key pinned, the provider's connection command reaches the engine: the preflight passes, the API answers", async () => {
    pin(path.join(dir, "host_key.pub"));
    expect(await sshProblem("staging", host, 40_000, asUser())).toBeUndefined();
    // The same command speaks the whole Engine API, not just /_ping.
    const version = execFileSync("ssh", dockerSshCommand(host), { ...asUser(), input: "GET /version HTTP/1.0\r\nHost: docker\r\n\r\n" }).toString();
    expect(version).toMatch(/^HTTP\/1\.[01] 200/);
    expect(JSON.parse(version.slice(version.indexOf("\r\n\r\n") + 4)).ApiVersion).toMatch(/^1\.\d+$/);
});

test("with another host key pinned (a changed or impostor host), one line saying what to check", async () => {
    keygen(path.join(dir, "other_key"));
    pin(path.join(dir, "other_key.pub"));
    expect(await sshProblem("staging", host, 40_000, asUser())).toBe(
        `error: stack staging's dockerHost ${host}: the host key of 127.0.0.1:${port} is not the one pinned in ~/.ssh/known_hosts (or none is pinned): ` +
            `check its fingerprint with the host's owner, then pin it (\`ssh-keyscan -p ${port} 127.0.0.1 >> ~/.ssh/known_hosts\`; in GitHub, the repository's known_hosts file)`,
    );
});

test("with no host key pinned at all, the same: nothing is accepted on first sight", async () => {
    fs.rmSync(path.join(home, ".ssh", "known_hosts"));
    expect(await sshProblem("staging", host, 40_000, asUser())).toMatch(/is not the one pinned in ~\/\.ssh\/known_hosts \(or none is pinned\)/);
});

test("a key the host does not accept", async () => {
    pin(path.join(dir, "host_key.pub"));
    fs.writeFileSync(path.join(dir, "authorized_keys"), "");
    expect(await sshProblem("staging", host, 40_000, asUser())).toMatch(/root@127\.0\.0\.1:\d+ refused the ssh key/);
});

test("scripts/ci/sshSetup.sh, as a workflow job runs it: the repository's known_hosts installed, the deploy key in an agent kept for later steps", () => {
    const jobHome = fs.mkdtempSync(path.join(os.tmpdir(), "obs-job-home-"));
    const githubEnv = path.join(jobHome, "github_env");
    const key = fs.readFileSync(path.join(home, ".ssh", "id_ed25519"), "utf8");
    const root = path.join(__dirname, "..", "..");
    const env = { PATH: process.env.PATH, HOME: jobHome, DOCKER_SSH_KEY: key, GITHUB_ENV: githubEnv };
    // dev is on the local engine: no tunnel, said in one line.
    const out = execFileSync("bash", [path.join(root, "scripts", "ci", "sshSetup.sh"), "dev"], { env, cwd: root }).toString();
    expect(out.trim()).toBe("no tunnel: dev's engine is unix:///var/run/docker.sock, not an ssh:// host");
    expect(fs.readFileSync(path.join(jobHome, ".ssh", "known_hosts"), "utf8")).toBe(fs.readFileSync(path.join(root, "known_hosts"), "utf8"));
    expect(fs.statSync(path.join(jobHome, ".ssh", "known_hosts")).mode & 0o777).toBe(0o600);
    const kept = Object.fromEntries(fs.readFileSync(githubEnv, "utf8").trim().split("\n").map((l) => l.split("=")));
    try {
        const listed = execFileSync("ssh-add", ["-l"], { env: { PATH: process.env.PATH, SSH_AUTH_SOCK: kept.SSH_AUTH_SOCK } }).toString();
        expect(listed).toMatch(/ED25519/);
    } finally {
        process.kill(Number(kept.SSH_AGENT_PID));
    }
    const missing = spawnSync("bash", [path.join(root, "scripts", "ci", "sshSetup.sh"), "staging"], { env: { ...env, DOCKER_SSH_KEY: "" } });
    expect({ status: missing.status, says: missing.stderr.toString().trim() }).toEqual({
        status: 1,
        says: "error: DOCKER_SSH_KEY is empty: add the deploy key of stack staging's host as a secret of its GitHub environment",
    });
});
