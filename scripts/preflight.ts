/**
 * Checks made before Pulumi is called, so that a missing prerequisite is one line saying what to do
 * instead of a stack trace halfway through an update.
 */
import * as fs from "fs";
import { SpawnOptions, spawn, spawnSync } from "child_process";
import * as http from "http";
import { Settings } from "../settings/types";
import { dockerSshCommand } from "../configs/dockerSsh";
import * as path from "path";
import * as yaml from "js-yaml";

/**
 * A stack whose secrets Pulumi encrypts with a passphrase (the default on every self-managed backend:
 * file://, s3://, gs://, azblob://) needs PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE;
 * without them Pulumi stops and asks at a prompt, or fails in CI.
 */
export function passphraseProblem(stack: string, env: NodeJS.ProcessEnv, projectDir: string): string | undefined {
    const backend = env.PULUMI_BACKEND_URL ?? "";
    if (/^https?:\/\//.test(backend)) return undefined; // Pulumi Cloud (or a self-hosted service) keeps the keys
    if (env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE !== undefined) return undefined;
    const provider = secretsProvider(path.join(projectDir, `Pulumi.${stack}.yaml`));
    if (provider && !provider.startsWith("passphrase")) return undefined; // awskms://, gcpkms://, azurekeyvault://, hashivault://
    return (
        `error: stack ${stack} encrypts its secrets with a passphrase and PULUMI_CONFIG_PASSPHRASE is not set: ` +
        "`export PULUMI_CONFIG_PASSPHRASE=<passphrase>` (the same one every time for this stack), then run this again"
    );
}

function secretsProvider(stackFile: string): string | undefined {
    if (!fs.existsSync(stackFile)) return undefined;
    const doc = yaml.load(fs.readFileSync(stackFile, "utf8")) as { secretsprovider?: unknown } | undefined;
    return typeof doc?.secretsprovider === "string" ? doc.secretsprovider : undefined;
}

/** Whether a Docker engine answers its `/_ping` endpoint; undefined when it cannot be checked from here (ssh://). */
/** Where an HTTP request reaches the engine from here: its unix socket or TCP address; undefined over ssh://. */
function engineTarget(dockerHost: string): http.RequestOptions | undefined {
    if (dockerHost.startsWith("unix://")) return { socketPath: dockerHost.slice("unix://".length) };
    if (!dockerHost.startsWith("tcp://")) return undefined;
    const url = new URL(`http://${dockerHost.slice("tcp://".length)}`);
    return { host: url.hostname, port: Number(url.port) };
}

export function pingDocker(dockerHost: string, timeoutMs = 3000): Promise<boolean | undefined> {
    const target = engineTarget(dockerHost);
    if (!target) return Promise.resolve(undefined);
    return new Promise((resolve) => {
        const req = http.get({ ...target, path: "/_ping", timeout: timeoutMs }, (res) => {
            res.resume();
            // An engine that speaks TLS answers plain HTTP with 400: it is there all the same.
            resolve(res.statusCode === 200 || (dockerHost.startsWith("tcp://") && res.statusCode === 400));
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", () => resolve(false));
    });
}

/** Where the engine keeps its layers, as its `/info` says (DockerRootDir, Driver); undefined when not readable from here. */
export function engineStorage(dockerHost: string, timeoutMs = 3000): Promise<{ root: string; driver: string } | undefined> {
    const target = engineTarget(dockerHost);
    if (!target) return Promise.resolve(undefined);
    return new Promise((resolve) => {
        const req = http.get({ ...target, path: "/info", timeout: timeoutMs }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => {
                try {
                    const info = JSON.parse(Buffer.concat(chunks).toString());
                    resolve(typeof info.DockerRootDir === "string" && typeof info.Driver === "string" ? { root: info.DockerRootDir, driver: info.Driver } : undefined);
                } catch {
                    resolve(undefined);
                }
            });
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", () => resolve(undefined));
    });
}

/** A stack whose Alloy would mount the layer IDs of another root or driver than the engine's: `docker run` would fail late. */
export function storageProblem(
    stack: string,
    settings: Pick<Settings, "collector" | "dockerRoot" | "dockerStorageDriver" | "dockerHost">,
    storage: { root: string; driver: string } | undefined,
): string | undefined {
    if (settings.collector !== "alloy" || !storage) return undefined;
    if (storage.root === settings.dockerRoot && storage.driver === settings.dockerStorageDriver) return undefined;
    return (
        `error: the engine at ${settings.dockerHost} keeps its layers in ${storage.root} with the ${storage.driver} driver; stack ${stack} says ` +
        `dockerRoot ${settings.dockerRoot}, dockerStorageDriver ${settings.dockerStorageDriver} (Alloy's container metrics read the layer IDs there): ` +
        `\`pulumi config set dockerRoot ${storage.root} --stack ${stack}\` and \`pulumi config set dockerStorageDriver ${storage.driver} --stack ${stack}\``
    );
}

/**
 * A Kubernetes stack's cluster, asked for its version with kubectl and the stack's context (the user's kubeconfig, as
 * the provider reads it): undefined when it answers, or when kubectl is not installed (the provider then reports the
 * cluster itself); else one line. The kubeconfig secret, when set, is not read here.
 */
export function clusterProblem(stack: string, context: string | undefined, timeoutSeconds = 10, kubectl = "kubectl"): string | undefined {
    const r = spawnSync(kubectl, [...(context ? ["--context", context] : []), "get", "--raw", "/version", `--request-timeout=${timeoutSeconds}s`], { encoding: "utf8", env: process.env });
    if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    if (r.status === 0) return undefined;
    const why = (r.stderr || r.stdout || "").trim().split("\n").pop() ?? "";
    return (
        `error: stack ${stack}'s cluster does not answer (${context ? `context ${context}` : "the kubeconfig's current context"}): ${why}; ` +
        `start it, or set \`pulumi config set --path kubernetes.context <context> --stack ${stack}\``
    );
}

export function engineProblem(stack: string, dockerHost: string, reachable: boolean | undefined): string | undefined {
    if (reachable !== false) return undefined;
    return (
        `error: no Docker engine answers at ${dockerHost} (stack ${stack}'s dockerHost): start Docker there, ` +
        `or set the engine with \`pulumi config set dockerHost <unix://…|tcp://…|ssh://…> --stack ${stack}\``
    );
}

/**
 * An `ssh://` engine, reached with exactly the command the Docker provider runs (configs/dockerSsh.ts): undefined
 * when its `/_ping` answers, else one line saying what is wrong (host key not pinned or changed, key refused, no
 * docker CLI there, unreachable). `spawnOptions` lets a test run it as another local user.
 */
export function sshProblem(stack: string, dockerHost: string, timeoutMs = 40_000, spawnOptions: SpawnOptions = {}): Promise<string | undefined> {
    const url = new URL(dockerHost);
    const where = `${url.hostname}${url.port ? `:${url.port}` : ""}`;
    return new Promise((resolve) => {
        const child = spawn("ssh", dockerSshCommand(dockerHost), { ...spawnOptions, stdio: ["pipe", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stdout?.on("data", (b: Buffer) => (out += b.toString()));
        child.stderr?.on("data", (b: Buffer) => (err += b.toString()));
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.on("error", (e) => {
            clearTimeout(timer);
            resolve(`error: cannot run ssh for stack ${stack}'s dockerHost ${dockerHost}: ${e.message} (install an OpenSSH client)`);
        });
        child.on("close", () => {
            clearTimeout(timer);
            if (/^HTTP\/1\.[01] 200/.test(out)) return resolve(undefined);
            const say = (what: string) => resolve(`error: stack ${stack}'s dockerHost ${dockerHost}: ${what}`);
            if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key .* not known|No .*host key is known/i.test(err)) {
                return say(
                    `the host key of ${where} is not the one pinned in ~/.ssh/known_hosts (or none is pinned): check its fingerprint ` +
                        `with the host's owner, then pin it (\`ssh-keyscan${url.port ? ` -p ${url.port}` : ""} ${url.hostname} >> ~/.ssh/known_hosts\`; in GitHub, the repository's known_hosts file)`,
                );
            }
            if (/Permission denied/i.test(err)) return say(`${url.username || "the user"}@${where} refused the ssh key (load it with ssh-add; in GitHub, the environment's DOCKER_SSH_KEY secret)`);
            if (/docker: (command )?not found|command not found/i.test(err)) return say(`${where} has no docker CLI on the login user's PATH (the provider runs \`docker system dial-stdio\` there)`);
            say(`no Docker engine answers through ssh: ${err.trim().split("\n").pop() || "no answer"}`);
        });
        child.stdin?.end("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n");
    });
}
