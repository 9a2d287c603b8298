import { SettingsError } from "./errors";
import { Duration, parseDuration, parseMemoryMb } from "./units";

/**
 * A view on one configuration object that knows its key path, so every error names the exact key
 * (e.g. `observability:loki.retention`), and that rejects keys nobody reads.
 */
export class Fields {
    private readonly read = new Set<string>();

    constructor(
        readonly path: string,
        private readonly values: Record<string, unknown>,
        private readonly separator = ".",
    ) {}

    static of(path: string, value: unknown): Fields {
        if (value === undefined) return new Fields(path, {});
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            throw new SettingsError(path, value, "expected an object (a YAML mapping)");
        }
        return new Fields(path, value as Record<string, unknown>);
    }

    key(name: string): string {
        return `${this.path}${this.separator}${name}`;
    }

    raw(name: string): unknown {
        this.read.add(name);
        return this.values[name];
    }

    object(name: string): Fields {
        return Fields.of(this.key(name), this.raw(name));
    }

    string(name: string, fallback: string, pattern?: RegExp, allowed?: string): string;
    string(name: string, fallback: undefined, pattern?: RegExp, allowed?: string): string | undefined;
    string(name: string, fallback: string | undefined, pattern?: RegExp, allowed = "expected a string"): string | undefined {
        const v = this.raw(name);
        if (v === undefined) return fallback;
        if (typeof v !== "string" || v.trim() === "" || (pattern && !pattern.test(v))) {
            throw new SettingsError(this.key(name), v, allowed);
        }
        return v;
    }

    /** A string that must be present. */
    required(name: string, pattern: RegExp, allowed: string): string {
        if (this.raw(name) === undefined) throw new SettingsError(this.key(name), undefined, `is required: ${allowed}`);
        return this.string(name, undefined, pattern, allowed) as string;
    }

    boolean(name: string, fallback: boolean): boolean {
        const v = this.raw(name);
        if (v === undefined) return fallback;
        if (typeof v !== "boolean") throw new SettingsError(this.key(name), v, "expected true or false");
        return v;
    }

    number(name: string, fallback: number, min: number, max: number, integer = false): number {
        const v = this.raw(name);
        if (v === undefined) return fallback;
        if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
            const kind = integer ? "an integer" : "a number";
            throw new SettingsError(this.key(name), v, `expected ${kind} from ${min} to ${max}`);
        }
        return v;
    }

    duration(name: string, fallback: string, check?: (d: Duration) => string | undefined): Duration {
        const v = this.raw(name) ?? fallback;
        const d = parseDuration(v);
        if (!d) {
            throw new SettingsError(
                this.key(name),
                v,
                "expected a positive duration: a whole number and one unit of ms, s, m, h, d, w (e.g. 72h, 7d)",
            );
        }
        const problem = check?.(d);
        if (problem) throw new SettingsError(this.key(name), v, problem);
        return d;
    }

    memoryMb(name: string, fallback: number, minimum: number): number {
        const v = this.raw(name);
        if (v === undefined) return fallback;
        const mb = parseMemoryMb(v);
        if (mb === undefined) {
            throw new SettingsError(this.key(name), v, "expected a memory size with its unit, such as 512Mi, 512MB or 1Gi (or the number 512, in MiB)");
        }
        if (mb < minimum) {
            throw new SettingsError(this.key(name), v, `is below the workable minimum of ${minimum}Mi for this service`);
        }
        return mb;
    }

    /** Throws on the first key that was never read: a typo must not be silently ignored. */
    rejectUnknown(): void {
        const allowed = [...this.read].sort();
        for (const name of Object.keys(this.values)) {
            if (!this.read.has(name)) {
                throw new SettingsError(this.key(name), this.values[name], `unknown key; allowed keys: ${allowed.join(", ")}`);
            }
        }
    }
}
