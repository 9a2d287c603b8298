/**
 * Resolves package-lock.json the way `npm ci` does for one platform: from the root, every dependency edge is
 * looked up by Node's resolution (the nearest node_modules going up); packages whose os/cpu/libc exclude the
 * platform are skipped when the edge is optional and are an error when it is not.
 */
export interface Platform {
    readonly os: string;
    readonly cpu: string;
    /** Linux only: the C library the platform's Node was built against. */
    readonly libc?: "glibc" | "musl";
}

export interface LockEntry {
    readonly version?: string;
    readonly os?: readonly string[];
    readonly cpu?: readonly string[];
    readonly libc?: readonly string[];
    readonly optional?: boolean;
    readonly devOptional?: boolean;
    readonly dependencies?: Record<string, string>;
    readonly devDependencies?: Record<string, string>;
    readonly optionalDependencies?: Record<string, string>;
    readonly peerDependencies?: Record<string, string>;
    readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface Lock {
    readonly lockfileVersion: number;
    readonly packages: Record<string, LockEntry>;
}

/** npm's own rule (npm-install-checks): a list allows a value if it names it, or only negates others. */
function allows(list: readonly string[] | undefined, value: string | undefined): boolean {
    if (!list || list.length === 0 || value === undefined) return true;
    if (list.includes(`!${value}`)) return false;
    const positive = list.filter((v) => !v.startsWith("!"));
    return positive.length === 0 || positive.includes(value) || positive.includes("any");
}

export function installsOn(entry: LockEntry, p: Platform): boolean {
    return allows(entry.os, p.os) && allows(entry.cpu, p.cpu) && (p.os !== "linux" || allows(entry.libc, p.libc));
}

function resolve(lock: Lock, from: string, name: string): string | undefined {
    let dir = from;
    for (;;) {
        const candidate = `${dir ? `${dir}/` : ""}node_modules/${name}`;
        if (lock.packages[candidate]) return candidate;
        if (!dir) return undefined;
        const up = dir.lastIndexOf("/node_modules/");
        dir = up < 0 ? "" : dir.slice(0, up);
    }
}

interface Edge {
    readonly name: string;
    readonly optional: boolean;
}

function edges(location: string, entry: LockEntry): Edge[] {
    const peers = Object.keys(entry.peerDependencies ?? {}).filter((n) => !entry.peerDependenciesMeta?.[n]?.optional);
    return [
        ...Object.keys(entry.dependencies ?? {}).map((name) => ({ name, optional: false })),
        // Only the root's devDependencies are installed.
        ...(location === "" ? Object.keys(entry.devDependencies ?? {}) : []).map((name) => ({ name, optional: false })),
        ...peers.map((name) => ({ name, optional: false })),
        ...Object.keys(entry.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
    ];
}

export interface Resolution {
    /** Locations `npm ci` would install on the platform. */
    readonly installed: ReadonlySet<string>;
    /** Why the install is incomplete, one line per problem; empty when complete. */
    readonly problems: readonly string[];
}

export function resolveFor(lock: Lock, platform: Platform): Resolution {
    const installed = new Set<string>([""]);
    const problems: string[] = [];
    const queue = [""];
    while (queue.length > 0) {
        const location = queue.shift()!;
        const entry = lock.packages[location];
        const deps = edges(location, entry);
        for (const edge of deps) {
            const target = resolve(lock, location, edge.name);
            if (!target) {
                problems.push(`${location || "(root)"} needs ${edge.name}, which the lock file lacks`);
                continue;
            }
            if (!installsOn(lock.packages[target], platform)) {
                if (!edge.optional) problems.push(`${location || "(root)"} requires ${target}, which cannot install on ${platformName(platform)}`);
                continue;
            }
            if (!installed.has(target)) {
                installed.add(target);
                queue.push(target);
            }
        }
        // A package that ships its binary as per-platform optional packages needs one for this platform.
        const natives = Object.keys(entry.optionalDependencies ?? {})
            .map((n) => resolve(lock, location, n))
            .filter((t): t is string => t !== undefined && Boolean(lock.packages[t].os || lock.packages[t].cpu));
        if (natives.length > 1 && !natives.some((t) => installsOn(lock.packages[t], platform))) {
            problems.push(`${location} has no build for ${platformName(platform)} among ${natives.length} platform packages`);
        }
    }
    return { installed, problems };
}

export function platformName(p: Platform): string {
    return [p.os, p.cpu, p.libc].filter(Boolean).join("-");
}
