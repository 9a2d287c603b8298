/**
 * The offline Kubernetes harness (npm run test:k8s): the real Helm renders a chart exactly as Pulumi's helm.v4.Chart
 * would hand it over (Helm v3.20.2, the version the provider pins), and a real kube-apiserver (v1.26.3) with etcd, on
 * 127.0.0.1 only, validates, defaults, stores and reads back what a program would apply, with server-side apply.
 * No kubelet and no controllers: pods never run, Deployments get no ReplicaSets, namespaces never finish deleting.
 *
 * Tools are found the same way on every machine, never skipped:
 *   1. explicit variables: HELM_BIN, KUBECTL_BIN, KUBE_APISERVER_BIN, K8S_TEST_ENV (the k8s-test-env.sh script);
 *   2. this build machine's offline copies: ../shared/tools/install-k8s, unpacked once into
 *      `${os.tmpdir()}/observability-ci-k8s` (what .ci/run does too) and reused while its files are executable;
 *   3. helm and kubectl (and kube-apiserver, k8s-test-env.sh) on PATH.
 * Missing helm or kubectl fails in kubeTools(); a missing API server or etcd fails in startTestCluster(), naming
 * what to set or install.
 *
 * The API server is v1.26: a field Kubernetes added later (Pod resizePolicy 1.27, sidecar init containers'
 * `restartPolicy: Always` 1.28, Service trafficDistribution 1.30+) is refused here as an unknown field, although a
 * newer cluster accepts it. Render for the version under test (`kubeVersion`) and say so where it matters.
 */
import { SpawnSyncReturns, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { besideProject } from "./sharedTools";

export type KubeObject = {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    [k: string]: unknown;
};

export interface KubeTools {
    readonly helm: string;
    readonly kubectl: string;
    /** Only needed by startTestCluster(). */
    readonly kubeApiserver?: string;
    readonly testEnv?: string;
    /** Where each came from: a variable, "../shared/tools/install-k8s (DIR)" or "PATH". */
    readonly source: string;
}

export interface CommandResult {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

export interface ApplyOptions {
    /** The server-side apply field manager; "observability-tests" unless given. */
    readonly fieldManager?: string;
    /** Created (with its `default` ServiceAccount) when absent; namespaced objects without a namespace go there. */
    readonly namespace?: string;
}

export interface TestCluster {
    readonly kubeconfig: string;
    readonly dir: string;
    /** kubectl against this cluster (its kubeconfig and its own discovery cache), `input` on stdin. */
    kubectl(args: string[], input?: string): CommandResult;
    /** CRDs first (waited for until Established), then Namespaces, then the rest; strict field validation. */
    applyServerSide(objects: KubeObject[], opts?: ApplyOptions): { applied: number; failures: string[] };
    /** The stored object as the server returns it (defaults filled in, managedFields kept), or undefined when it does not exist. */
    readBack(obj: KubeObject): KubeObject | undefined;
    /** Stops etcd and kube-apiserver and removes the cluster's folder. Safe to call twice. */
    stop(): void;
}

const INSTALL_DIR_NAME = "observability-ci-k8s";
const FILES = { helm: "helm", kubectl: "kubectl", kubeApiserver: "kube-apiserver", testEnv: "k8s-test-env.sh" } as const;
const VARS = { helm: "HELM_BIN", kubectl: "KUBECTL_BIN", kubeApiserver: "KUBE_APISERVER_BIN", testEnv: "K8S_TEST_ENV" } as const;
type Key = keyof typeof FILES;
const KEYS = Object.keys(FILES) as Key[];

const MAX_BUFFER = 256 * 1024 * 1024;

function executable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
    for (const dir of (env.PATH ?? "").split(path.delimiter)) {
        if (dir && executable(path.join(dir, name))) return path.join(dir, name);
    }
    return undefined;
}

/**
 * ../shared/tools/install-k8s unpacked into `dir`: reused when every file is already there and executable, otherwise
 * unpacked into a staging folder beside it and moved in file by file (a rename each), so that two test processes never
 * see a half-written binary. Undefined without ../shared.
 */
function installedFromShared(dir: string, installer: string): string | undefined {
    if (KEYS.every((k) => executable(path.join(dir, FILES[k])))) return dir;
    if (!executable(installer)) return undefined;
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    const staging = fs.mkdtempSync(`${dir}.partial-`);
    try {
        const r = spawnSync(installer, [staging], { encoding: "utf8", maxBuffer: MAX_BUFFER });
        if (r.error) throw r.error;
        if (r.status !== 0) throw new Error(`${installer} ${staging} failed (exit ${r.status}):\n${r.stderr}${r.stdout}`);
        fs.mkdirSync(dir, { recursive: true });
        for (const k of KEYS) fs.renameSync(path.join(staging, FILES[k]), path.join(dir, FILES[k]));
        // install-k8s also copies the helm-template adapter; keep it beside the others for people who use it by hand.
        if (fs.existsSync(path.join(staging, "helm-template"))) fs.renameSync(path.join(staging, "helm-template"), path.join(dir, "helm-template"));
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
    return dir;
}

export interface KubeToolsResolution {
    readonly env?: NodeJS.ProcessEnv;
    /** ../shared/tools/install-k8s unless given. */
    readonly installer?: string;
    /** `${os.tmpdir()}/observability-ci-k8s` unless given. */
    readonly installDir?: string;
}

/** The tools for the given environment; see the file's comment for the order. */
export function resolveKubeTools(how: KubeToolsResolution = {}): KubeTools {
    const env = how.env ?? process.env;
    const installer = how.installer ?? besideProject(path.join("shared", "tools", "install-k8s"));
    const installDir = how.installDir ?? path.join(os.tmpdir(), INSTALL_DIR_NAME);
    const found: Partial<Record<Key, string>> = {};
    const sources: Partial<Record<Key, string>> = {};
    for (const k of KEYS) {
        const fromEnv = env[VARS[k]];
        if (!fromEnv) continue;
        if (!executable(fromEnv)) throw new Error(`${VARS[k]}=${fromEnv} is not an executable file`);
        found[k] = fromEnv;
        sources[k] = VARS[k];
    }
    // Unpack from ../shared only for what no variable named (a machine that sets all four never unpacks anything).
    if (KEYS.some((k) => !found[k])) {
        const dir = installedFromShared(installDir, installer);
        for (const k of KEYS) {
            if (found[k] || !dir) continue;
            found[k] = path.join(dir, FILES[k]);
            sources[k] = `../shared/tools/install-k8s (${dir})`;
        }
    }
    for (const k of KEYS) {
        if (found[k]) continue;
        const p = onPath(FILES[k], env);
        if (p) {
            found[k] = p;
            sources[k] = "PATH";
        }
    }
    if (!found.helm || !found.kubectl) {
        const missing = (["helm", "kubectl"] as const).filter((k) => !found[k]);
        throw new Error(
            `${missing.join(" and ")} not found: set ${VARS.helm} and ${VARS.kubectl} (and ${VARS.kubeApiserver}, ${VARS.testEnv} for the test ` +
                `cluster), keep ../shared/tools/install-k8s beside the project (looked for ${installer}; it unpacks Helm v3.20.2, kubectl and ` +
                `kube-apiserver v1.26.3 into ${installDir}), or put helm and kubectl on PATH. .ci/run does this.`,
        );
    }
    const distinct = [...new Set(KEYS.filter((k) => sources[k]).map((k) => sources[k]))];
    const source = distinct.length === 1 ? (distinct[0] as string) : KEYS.filter((k) => sources[k]).map((k) => `${FILES[k]}: ${sources[k]}`).join("; ");
    return { helm: found.helm, kubectl: found.kubectl, kubeApiserver: found.kubeApiserver, testEnv: found.testEnv, source };
}

let cachedTools: KubeTools | undefined;
/** The tools for this run, resolved once. */
export function kubeTools(): KubeTools {
    cachedTools ??= resolveKubeTools();
    return cachedTools;
}

/** The vendored chart `shared/charts/NAME-VERSION` (see shared/charts/INDEX.md). */
export function sharedChartDir(name: string, version: string): string {
    const dir = besideProject(path.join("shared", "charts", `${name}-${version}`));
    if (!fs.existsSync(path.join(dir, "Chart.yaml"))) {
        throw new Error(`chart ${name} ${version} not found: expected the vendored chart at ${dir} (../shared/charts/${name}-${version}, with its Chart.yaml)`);
    }
    return dir;
}

/**
 * Whether Helm treats the object as a hook (annotation `helm.sh/hook`: test, pre-install, post-upgrade...). `helm
 * template` prints hooks with the chart's other objects; Pulumi's helm.v4.Chart omits them all (test hooks always,
 * the others unless `includeHooks` in render-to-directory mode), so what a program deploys is the objects without them.
 */
export function isHook(obj: KubeObject): boolean {
    return obj.metadata?.annotations?.["helm.sh/hook"] !== undefined;
}

/** The objects of `kind` (and `name`, when given). */
export function objectsOf(objects: KubeObject[], kind: string, name?: string): KubeObject[] {
    return objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
}

export interface HelmTemplateArgs {
    readonly chartDir: string;
    readonly release: string;
    readonly namespace: string;
    readonly values: unknown;
    /** `--kube-version`: what `.Capabilities.KubeVersion` says (charts pick apiVersions and fields by it). */
    readonly kubeVersion: string;
    /** `--include-crds`: the chart's crds/ folder (Pulumi's Chart includes them unless skipCrds). */
    readonly includeCrds?: boolean;
    /** `--api-versions`, for charts that render optional objects by `.Capabilities.APIVersions.Has`. */
    readonly apiVersions?: readonly string[];
}

function isKubeObject(doc: unknown): doc is KubeObject {
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return false;
    const o = doc as Record<string, unknown>;
    const metadata = o.metadata as Record<string, unknown> | undefined;
    return typeof o.apiVersion === "string" && typeof o.kind === "string" && typeof metadata === "object" && metadata !== null && typeof metadata.name === "string";
}

/**
 * The real `helm template`, offline: values written as YAML to a temporary file, Helm's cache, config, data, plugin
 * and repository paths in a temporary folder (no user or CI Helm configuration, no repository index, no cluster:
 * `lookup` finds nothing, as in Pulumi's preview of a new stack). Hook objects are kept (see isHook). Throws Helm's
 * own error when it fails.
 */
export function helmTemplate(args: HelmTemplateArgs): KubeObject[] {
    const tools = kubeTools();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "helm-template-"));
    try {
        const valuesFile = path.join(tmp, "values.yaml");
        fs.writeFileSync(valuesFile, yaml.dump(args.values ?? {}, { noRefs: true }));
        const env: NodeJS.ProcessEnv = { ...process.env };
        for (const v of ["HELM_DRIVER", "HELM_KUBECONTEXT", "HELM_NAMESPACE", "HELM_KUBEAPISERVER", "HELM_KUBETOKEN", "HELM_KUBECAFILE", "HELM_KUBEASUSER", "KUBECONFIG"]) delete env[v];
        Object.assign(env, {
            HELM_CACHE_HOME: path.join(tmp, "cache"),
            HELM_CONFIG_HOME: path.join(tmp, "config"),
            HELM_DATA_HOME: path.join(tmp, "data"),
            HELM_PLUGINS: path.join(tmp, "plugins"),
            HELM_REPOSITORY_CONFIG: path.join(tmp, "config", "repositories.yaml"),
            HELM_REPOSITORY_CACHE: path.join(tmp, "cache", "repository"),
            HELM_REGISTRY_CONFIG: path.join(tmp, "config", "registry.json"),
            // Nothing here reaches a cluster (client-side render), but no kubeconfig of the user's is ever read either.
            KUBECONFIG: path.join(tmp, "no-kubeconfig"),
        });
        const argv = ["template", args.release, args.chartDir, "--namespace", args.namespace, "--kube-version", args.kubeVersion, "--values", valuesFile];
        if (args.includeCrds) argv.push("--include-crds");
        for (const v of args.apiVersions ?? []) argv.push("--api-versions", v);
        const r = spawnSync(tools.helm, argv, { encoding: "utf8", env, maxBuffer: MAX_BUFFER });
        if (r.error) throw r.error;
        if (r.status !== 0) throw new Error(`helm template ${args.release} ${args.chartDir} failed (exit ${r.status}):\n${r.stderr.trim()}`);
        const objects: KubeObject[] = [];
        for (const doc of yaml.loadAll(r.stdout)) {
            if (doc === null || doc === undefined) continue;
            if (!isKubeObject(doc)) throw new Error(`helm template ${args.release} ${args.chartDir} printed a document that is not a Kubernetes object:\n${yaml.dump(doc).slice(0, 2000)}`);
            objects.push(doc);
        }
        return objects;
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

function portIsFree(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const server = net.createServer();
        server.once("error", () => resolve(false));
        server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
}

/** k8s-test-env.sh puts etcd's peer listener on the client port + 1, so both must be free. */
async function freeEtcdPorts(): Promise<number> {
    for (let i = 0; i < 50; i++) {
        const port = await freePort();
        if (port < 65535 && (await portIsFree(port + 1))) return port;
    }
    throw new Error("no two consecutive free TCP ports on 127.0.0.1 for etcd");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function run(file: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): CommandResult {
    const r: SpawnSyncReturns<string> = spawnSync(file, args, { encoding: "utf8", maxBuffer: MAX_BUFFER, ...options });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function runAsync(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
        // The script starts etcd and kube-apiserver in the background with their output in files, so our pipes close
        // when the script itself exits.
        const child = spawn(file, args, { env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
        child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
        child.once("error", reject);
        child.once("close", (status) => resolve({ status, stdout, stderr }));
    });
}

const tail = (file: string, chars = 3000) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8").slice(-chars) : "(no file)");

const label = (o: KubeObject, namespace?: string) => `${o.kind}/${o.metadata?.name}${namespace ? ` in ${namespace}` : ""}`;

/**
 * The stream kubectl reads: the objects as a stream of JSON documents, which kubectl decodes one after the other as it
 * does a YAML stream (it decides by the first character: after a `{`, a `---` separator is a syntax error). JSON keeps
 * every string a string; a YAML dump read by kubectl's YAML 1.1 decoder could turn an unquoted `1_000` into a number.
 */
const manifest = (objects: KubeObject[]) => objects.map((o) => JSON.stringify(o)).join("\n") + "\n";

const live: TestCluster[] = [];
let exitHookInstalled = false;

/**
 * etcd and kube-apiserver started by k8s-test-env.sh on free loopback ports in a new temporary folder, once the API
 * answers. Call stop() in afterAll; a process that exits without it still stops them (an exit hook), but a killed one
 * cannot.
 */
export async function startTestCluster(): Promise<TestCluster> {
    const external = process.env.OBSERVABILITY_TEST_KUBECONFIG;
    if (external) return externalCluster(external);
    const tools = kubeTools();
    if (!tools.kubeApiserver || !tools.testEnv) {
        throw new Error(
            `the test cluster needs kube-apiserver and k8s-test-env.sh: set ${VARS.kubeApiserver} and ${VARS.testEnv} (tools from ${tools.source}), ` +
                `or keep ../shared/tools/install-k8s beside the project; .ci/run does this.`,
        );
    }
    const etcd = process.env.ETCD_BIN || onPath("etcd", process.env) || (executable("/usr/bin/etcd") ? "/usr/bin/etcd" : undefined);
    if (!etcd) throw new Error("etcd not found: apt-get install etcd-server (Debian), or set ETCD_BIN; .ci/run installs it");
    if (!onPath("openssl", process.env)) throw new Error("openssl not found (k8s-test-env.sh makes the service-account key with it): apt-get install openssl");

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-test-cluster-"));
    // k8s-test-env.sh runs the kube-apiserver and kubectl found beside itself: a folder of links makes it run the ones
    // resolved above, whichever variable or folder each came from.
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    fs.symlinkSync(tools.testEnv, path.join(bin, FILES.testEnv));
    fs.symlinkSync(tools.kubeApiserver, path.join(bin, FILES.kubeApiserver));
    fs.symlinkSync(tools.kubectl, path.join(bin, FILES.kubectl));
    const script = path.join(bin, FILES.testEnv);
    const state = path.join(dir, "state");
    const kubeconfig = path.join(state, "kubeconfig");
    const cacheDir = path.join(dir, "kube-cache");
    const env: NodeJS.ProcessEnv = { ...process.env, ETCD_BIN: etcd };
    delete env.KUBECONFIG;
    if (!onPath("etcdctl", process.env)) {
        // k8s-test-env.sh waits for etcd with `etcdctl endpoint health` (Debian's etcd-client, which .ci/run installs)
        // and, without it, sleeps its whole 10 s budget before starting the API server. This stand-in answers only that
        // question, by whether etcd's client port accepts a connection; the API server retries etcd by itself anyway.
        fs.writeFileSync(
            path.join(bin, "etcdctl"),
            '#!/bin/bash\n# Stand-in for `etcdctl --endpoints http://HOST:PORT endpoint health` (tests/harness/kube.ts).\n' +
                'for a in "$@"; do case "$a" in http://*) ep="${a#http://}" ;; esac; done\n' +
                '[ -n "${ep:-}" ] && exec 3<>"/dev/tcp/${ep%:*}/${ep##*:}"\n',
            { mode: 0o755 },
        );
        env.PATH = `${bin}${path.delimiter}${env.PATH ?? ""}`;
    }

    let stopped = false;
    const stop = () => {
        if (stopped) return;
        stopped = true;
        const r = spawnSync(script, ["stop", state], { encoding: "utf8", env });
        const index = live.indexOf(cluster);
        if (index >= 0) live.splice(index, 1);
        if (r.status === 0) fs.rmSync(dir, { recursive: true, force: true });
    };

    const kubectl = (args: string[], input?: string): CommandResult =>
        run(tools.kubectl, ["--kubeconfig", kubeconfig, "--cache-dir", cacheDir, ...args], { input, env });

    /** Where each object applied without a namespace went, for readBack. */
    const placed = new Map<string, string>();
    const key = (o: KubeObject) => `${o.apiVersion}|${o.kind}|${o.metadata?.name}`;

    const applyOne = (objects: KubeObject[], fieldManager: string, namespace?: string): CommandResult =>
        // --validate=strict asks for fieldValidation=Strict (kubectl 1.26's default too; spelled out because finding
        // unknown fields is the point). On 1.26 a server-side apply refuses an undeclared field whatever the validation
        // level: the patch cannot be converted to the typed object ("field not declared in schema"). Each call costs
        // ~0.5 s, most of it kubectl fetching and parsing /openapi/v2 to check that the server knows fieldValidation.
        kubectl(["apply", "--server-side", "--force-conflicts", "--validate=strict", `--field-manager=${fieldManager}`, ...(namespace ? ["--namespace", namespace] : []), "-f", "-"], manifest(objects));

    /** Applies `objects` in their order; namespaced ones without a namespace go to `namespace`. Returns those applied. */
    const applyGroup = (objects: KubeObject[], fieldManager: string, namespace: string | undefined, failures: string[]): KubeObject[] => {
        // kubectl's --namespace fills in namespaced objects that have none, is ignored by cluster-scoped ones, and must
        // equal the namespace an object names (kubectl refuses a mismatch): one call per target namespace.
        const target = (o: KubeObject) => o.metadata.namespace ?? namespace;
        if (namespace) for (const o of objects) if (!o.metadata.namespace) placed.set(key(o), namespace);
        const groups = new Map<string | undefined, KubeObject[]>();
        for (const o of objects) groups.set(target(o), [...(groups.get(target(o)) ?? []), o]);
        let ok = true;
        for (const [ns, group] of groups) ok = applyOne(group, fieldManager, ns).status === 0 && ok;
        if (ok) return objects;
        // Something failed: one call per object, in the given order, so that each failure names its object (re-applying
        // those that went through is a no-op for the same field manager).
        const applied: KubeObject[] = [];
        for (const o of objects) {
            const r = applyOne([o], fieldManager, target(o));
            if (r.status === 0) applied.push(o);
            else failures.push(`${label(o, target(o))}: ${r.stderr.trim() || r.stdout.trim()}`);
        }
        return applied;
    };

    /** Test namespaces already made in this cluster. */
    const prepared = new Set<string>();

    const applyServerSide = (objects: KubeObject[], opts: ApplyOptions = {}) => {
        const fieldManager = opts.fieldManager ?? "observability-tests";
        const failures: string[] = [];
        const isCrd = (o: KubeObject) => o.kind === "CustomResourceDefinition" && o.apiVersion.startsWith("apiextensions.k8s.io/");
        const isNamespace = (o: KubeObject) => o.kind === "Namespace" && o.apiVersion === "v1";
        const crds = objects.filter(isCrd);
        const namespaces = objects.filter(isNamespace);
        const rest = objects.filter((o) => !isCrd(o) && !isNamespace(o));

        const appliedCrds = applyGroup(crds, fieldManager, undefined, failures);
        if (appliedCrds.length > 0) {
            // No controller-manager is needed: the API server's own CRD controllers set Established.
            const names = appliedCrds.map((c) => `customresourcedefinition/${c.metadata.name}`);
            const r = kubectl(["wait", "--for=condition=Established", "--timeout=60s", ...names]);
            if (r.status !== 0) failures.push(`${appliedCrds.map((c) => label(c)).join(", ")}: not all Established within 60 s: ${r.stderr.trim()}`);
        }

        if (opts.namespace && !prepared.has(opts.namespace) && !namespaces.some((n) => n.metadata.name === opts.namespace)) {
            // The test namespace and its `default` ServiceAccount, which a cluster's controller-manager (absent here)
            // would create: without it the ServiceAccount admission plugin refuses every Pod in the namespace.
            const own: KubeObject[] = [
                { apiVersion: "v1", kind: "Namespace", metadata: { name: opts.namespace } },
                { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: opts.namespace } },
            ];
            const r = applyOne(own, "observability-tests-harness");
            if (r.status !== 0) throw new Error(`could not create the test namespace ${opts.namespace}: ${r.stderr.trim()}`);
            prepared.add(opts.namespace);
        }
        const applied = appliedCrds.length + applyGroup(namespaces, fieldManager, undefined, failures).length + applyGroup(rest, fieldManager, opts.namespace, failures).length;
        return { applied, failures };
    };

    const readBack = (obj: KubeObject): KubeObject | undefined => {
        const ns = obj.metadata.namespace ?? placed.get(key(obj));
        const ref = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata.name, ...(ns ? { namespace: ns } : {}) } };
        const r = kubectl(["get", "--show-managed-fields", "-o", "json", "-f", "-"], manifest([ref]));
        if (r.status !== 0) {
            if (/\(NotFound\)/.test(r.stderr)) return undefined;
            throw new Error(`kubectl get ${label(obj, ns)} failed: ${r.stderr.trim()}`);
        }
        const got = JSON.parse(r.stdout) as KubeObject & { items?: KubeObject[] };
        return got.kind === "List" && Array.isArray(got.items) ? got.items[0] : got;
    };

    const cluster: TestCluster = { kubeconfig, dir, kubectl, applyServerSide, readBack, stop };
    live.push(cluster);
    if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.once("exit", () => [...live].forEach((c) => c.stop()));
    }

    try {
        const apiPort = await freePort();
        const etcdPort = await freeEtcdPorts();
        const started = await runAsync(script, ["start", state, String(apiPort), String(etcdPort)], env);
        if (started.status !== 0) throw new Error(`k8s-test-env.sh start failed (exit ${started.status}): ${started.stderr.trim()}`);
        // The script waited for /readyz; the API is usable for tests once the `default` namespace exists as well.
        const deadline = Date.now() + 60_000;
        let last: CommandResult | undefined;
        for (;;) {
            last = kubectl(["get", "namespace", "default", "-o", "name"]);
            if (last.status === 0) break;
            if (Date.now() > deadline) throw new Error(`the API server answered /readyz but not \`get namespace default\`: ${last.stderr.trim()}`);
            await sleep(200);
        }
    } catch (e) {
        // Keep the folder (its logs) for the failure message; the processes are stopped.
        stopped = true;
        spawnSync(script, ["stop", state], { encoding: "utf8", env });
        live.splice(live.indexOf(cluster), 1);
        throw new Error(
            `${(e as Error).message}\n--- ${path.join(state, "apiserver.log")} (end):\n${tail(path.join(state, "apiserver.log"))}\n` +
                `--- ${path.join(state, "etcd.log")} (end):\n${tail(path.join(state, "etcd.log"))}`,
        );
    }
    return cluster;
}

/**
 * A user's or a workflow's cluster (OBSERVABILITY_TEST_KUBECONFIG, e.g. kind's): objects are applied server-side with
 * `--dry-run=server`, so the real API server (its version, admission, strict fields) validates and defaults each one
 * and nothing is stored; readBack returns what the dry run returned. Only a test namespace that did not exist is
 * created, and deleted by stop().
 */
function externalCluster(kubeconfig: string): TestCluster {
    const tools = kubeTools();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-external-"));
    const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: kubeconfig };
    const kubectl = (args: string[], input?: string): CommandResult => run(tools.kubectl, ["--kubeconfig", kubeconfig, ...args], { input, env });
    const returned = new Map<string, KubeObject>();
    const key = (o: KubeObject) => `${o.apiVersion}|${o.kind}|${o.metadata?.name}`;
    const created: string[] = [];
    const applyServerSide = (objects: KubeObject[], opts: ApplyOptions = {}) => {
        if (opts.namespace && kubectl(["get", "namespace", opts.namespace]).status !== 0) {
            const r = kubectl(["create", "namespace", opts.namespace]);
            if (r.status !== 0) throw new Error(`could not create the test namespace ${opts.namespace}: ${r.stderr.trim()}`);
            created.push(opts.namespace);
        }
        const failures: string[] = [];
        let applied = 0;
        for (const o of objects) {
            const ns = o.metadata.namespace ?? opts.namespace;
            const r = kubectl(
                ["apply", "--server-side", "--dry-run=server", "--force-conflicts", "--validate=strict", `--field-manager=${opts.fieldManager ?? "observability-tests"}`, ...(ns ? ["--namespace", ns] : []), "-o", "json", "-f", "-"],
                manifest([o]),
            );
            if (r.status !== 0) failures.push(`${label(o, ns)}: ${r.stderr.trim() || r.stdout.trim()}`);
            else {
                applied++;
                returned.set(key(o), JSON.parse(r.stdout) as KubeObject);
            }
        }
        return { applied, failures };
    };
    return {
        kubeconfig,
        dir,
        kubectl,
        applyServerSide,
        readBack: (obj) => returned.get(key(obj)),
        stop: () => {
            for (const ns of created.splice(0)) kubectl(["delete", "namespace", ns, "--wait=false"]);
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
