import { createHash } from "crypto";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";

/** A resource the program registered: its type token, logical name and inputs as the engine saw them. */
export interface Registered {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
    /** What the mock engine answered (inputs and computed outputs such as an image's ID). */
    readonly state?: Record<string, any>;
    /** The resource options the program gave (the mock monitor does not receive them; see recordOptions). */
    readonly options?: RecordedOptions;
}

export interface RecordedOptions {
    readonly deleteBeforeReplace?: boolean;
    readonly retainOnDelete?: boolean;
    readonly protect?: boolean;
    readonly ignoreChanges?: string[];
    /** Logical names of the resources it depends on explicitly. */
    readonly dependsOn: string[];
    readonly parent?: string;
    /** Logical name of the provider a custom resource is managed by (given or inherited from its parent). */
    readonly provider?: string;
    /** The class the program instantiated (STYLE.md: a component's type token ends in its class name). */
    readonly className: string;
    /** Names of the outputs a component registered (registerOutputs); the mock monitor does not receive them. */
    readonly outputKeys?: string[];
}

const recorded = new Map<string, RecordedOptions>();

/**
 * Records each resource's options as the SDK registers it: the mock monitor sees inputs only, and options
 * such as deleteBeforeReplace and retainOnDelete are promises the program makes.
 */
function recordOptions(): void {
    const runtime = require("@pulumi/pulumi/runtime/resource");
    if (runtime.__recording) return;
    const original = runtime.registerResource;
    runtime.registerResource = (res: any, parent: any, type: string, name: string, ...rest: any[]) => {
        const opts = rest[4] ?? {};
        const deps = opts.dependsOn === undefined ? [] : [opts.dependsOn].flat(2);
        recorded.set(`${type}::${name}`, {
            deleteBeforeReplace: opts.deleteBeforeReplace,
            retainOnDelete: opts.retainOnDelete,
            protect: opts.protect,
            ignoreChanges: opts.ignoreChanges,
            dependsOn: deps.filter((d: any) => d && typeof d === "object" && "__name" in d).map((d: any) => d.__name),
            parent: parent?.__name,
            provider: opts.provider?.__name,
            className: res.constructor.name,
        });
        return original(res, parent, type, name, ...rest);
    };
    const originalOutputs = runtime.registerResourceOutputs;
    runtime.registerResourceOutputs = (res: any, outputs: any) => {
        const entry = recorded.get(`${res.__pulumiType}::${res.__name}`);
        if (entry) (entry as { outputKeys?: string[] }).outputKeys = Object.keys(outputs ?? {});
        return originalOutputs(res, outputs);
    };
    runtime.__recording = true;
}

/** Pulumi's marker on a secret value as it crosses the RPC boundary. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export function isSecret(value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE;
}

/**
 * Every string in a resource's inputs that is not inside a secret. Provider inputs arrive JSON-encoded,
 * so they are decoded first (a secret marker survives inside the JSON).
 */
export function plainStrings(r: Registered): string[] {
    const decode = (v: unknown) => (typeof v === "string" && v.startsWith("{") ? JSON.parse(v) : v);
    const inputs = r.type.startsWith("pulumi:providers:") ? Object.fromEntries(Object.entries(r.inputs).map(([k, v]) => [k, decode(v)])) : r.inputs;
    const walk = (v: unknown): string[] =>
        isSecret(v) ? [] : typeof v === "string" ? [v] : v && typeof v === "object" ? Object.values(v).flatMap(walk) : [];
    return walk(inputs);
}

/** Unwraps secret markers (recursively) so tests can read the value behind one. */
export function reveal(value: any): any {
    if (isSecret(value)) return reveal(value.value);
    if (Array.isArray(value)) return value.map(reveal);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
    return value;
}

export { stackConfig } from "./stackFiles";

/** What the mocked random provider "generates"; tests look for it in plain text. */
export const GENERATED_PASSWORD = "generated-password-for-tests-of-the-stack";

/** Outputs the mock provider reports back, so the program sees realistic state. */
function mockState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
    switch (type) {
        case "docker:index/remoteImage:RemoteImage":
            return { ...inputs, imageId: `sha256:${createHash("sha256").update(name).digest("hex")}`, repoDigest: `${inputs.name}@sha256:test` };
        case "random:index/randomPassword:RandomPassword":
            return { ...inputs, result: GENERATED_PASSWORD };
        default:
            return inputs;
    }
}

export interface ProgramRun {
    readonly resources: Registered[];
    readonly outputs: Record<string, unknown>;
    /** Which stack outputs are secrets. */
    readonly secretOutputs: string[];
    readonly warnings: string[];
}

/**
 * Runs the real program (index.ts) under Pulumi's mocks with the given configuration and records every
 * resource it registers. One run per Jest module: the Pulumi runtime holds global state.
 */
export async function runProgram(
    stack: string,
    config: Record<string, string>,
    onRegister: (r: Registered) => void = () => undefined,
    secretKeys: string[] = [],
): Promise<ProgramRun> {
    const resources: Registered[] = [];
    const warnings: string[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                const state = mockState(args.type, args.name, args.inputs);
                const registered = { type: args.type, name: args.name, inputs: args.inputs, state, options: recorded.get(`${args.type}::${args.name}`) };
                resources.push(registered);
                onRegister(registered);
                return { id: `${args.name}-id`, state };
            },
            call: (args) => {
                throw new Error(`unmocked call ${args.token}`);
            },
        },
        "observability",
        stack,
        false,
    );
    pulumi.runtime.setAllConfig(config, secretKeys);
    recordOptions();
    const originalWarn = pulumi.log.warn;
    (pulumi.log as any).warn = (msg: string) => {
        warnings.push(msg);
        return Promise.resolve();
    };
    // The SDK captures a stack trace for every promise and resource (runtime/debuggable.js, resource.js
    // sourcePosition); under Jest each one is source-mapped, which is half the run's time. Error messages keep
    // their text; only the frames are dropped while the program runs.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        const program = require("../../index") as () => Record<string, pulumi.Input<unknown>>;
        const exported = program();
        const outputs: Record<string, unknown> = {};
        const secretOutputs: string[] = [];
        for (const [k, v] of Object.entries(exported)) {
            outputs[k] = await outputOf(pulumi.output(v));
            if (await pulumi.isSecret(pulumi.output(v))) secretOutputs.push(k);
        }
        await settle(resources);
        return { resources, outputs, secretOutputs, warnings };
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
        (pulumi.log as any).warn = originalWarn;
    }
}

/** Resolves an Output's value (under mocks every value is known). */
export function outputOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => resolve(v)));
}

/** Waits until registrations not on an output's path (dashboards, alert rules) have reached the mock monitor. */
async function settle(resources: Registered[]): Promise<void> {
    for (let seen = -1; seen !== resources.length; ) {
        seen = resources.length;
        await new Promise((r) => setTimeout(r, 10));
    }
}

export function byType(run: ProgramRun, type: string): Registered[] {
    return run.resources.filter((r) => r.type === type);
}

export function one(run: ProgramRun, type: string, predicate: (r: Registered) => boolean = () => true): Registered {
    const found = byType(run, type).filter(predicate);
    if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
    return found[0];
}

const hasLabel = (r: Registered, key: string, value: string) => (r.inputs.labels ?? []).some((l: any) => l.label === key && l.value === value);

/** True for the never-started containers that carry a service's configuration files. */
export function isSeed(r: Registered): boolean {
    return hasLabel(r, "observability.role", "config-seed");
}

/** The running container whose component label is `service`. */
export function container(run: ProgramRun, service: string): Registered {
    return one(run, "docker:index/container:Container", (r) => hasLabel(r, "observability.component", service) && !isSeed(r));
}

/** The configuration seed container of `service`, which holds its uploads. */
export function seed(run: ProgramRun, service: string): Registered {
    return one(run, "docker:index/container:Container", (r) => hasLabel(r, "observability.component", service) && isSeed(r));
}

/** Parses the uploaded file `name` of a container. */
export function uploaded(c: Registered, name: string): any {
    const upload = reveal(c.inputs.uploads ?? []).find((u: any) => u.file.endsWith(`/${name}`));
    if (!upload) throw new Error(`${c.name} has no upload ${name}`);
    return yaml.load(reveal(upload.content));
}
