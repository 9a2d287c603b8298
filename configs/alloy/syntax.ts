/**
 * Grafana Alloy's configuration syntax, emitted from typed values: blocks with labels, attributes, lists,
 * objects and references to other components' exports. Strings are written as JSON strings, whose escapes
 * (\" \\ \n \t \uXXXX) are a subset of Alloy's (Go's) string escapes. Pure, no Pulumi.
 */

/** A reference to another component's export, e.g. `discovery.docker.containers.targets`. */
export class Ref {
    constructor(readonly path: string) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(path)) throw new Error(`not an Alloy reference: ${path}`);
    }
}

/** A string ending in an environment variable's value at Alloy's start: `"prefix" + sys.env("NAME")`. */
export class WithEnv {
    constructor(
        readonly prefix: string,
        readonly variable: string,
    ) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw new Error(`not an environment variable name: ${variable}`);
    }
}

export type Value = string | number | boolean | Ref | WithEnv | readonly Value[] | { readonly [key: string]: Value };

export interface Block {
    /** Component or block name: `loki.write`, `rule`, `stage.match`. */
    readonly name: string;
    /** A component's label: `loki.write "default"`. Nested blocks have none. */
    readonly label?: string;
    /** Attributes in order; undefined values are left out. */
    readonly attributes?: ReadonlyArray<readonly [string, Value | undefined]>;
    readonly blocks?: readonly Block[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BLOCK_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const INDENT = "  ";

function value(v: Value, depth: number): string {
    if (v instanceof Ref) return v.path;
    if (v instanceof WithEnv) return `${JSON.stringify(v.prefix)} + sys.env(${JSON.stringify(v.variable)})`;
    if (typeof v === "string") return JSON.stringify(v);
    if (typeof v === "number") {
        if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
        return String(v);
    }
    if (typeof v === "boolean") return String(v);
    if (Array.isArray(v)) return v.length === 0 ? "[]" : `[${v.map((x) => value(x, depth)).join(", ")}]`;
    const entries = Object.entries(v as Record<string, Value>);
    if (entries.length === 0) return "{}";
    const pad = INDENT.repeat(depth + 1);
    const lines = entries.map(([k, x]) => `${pad}${IDENTIFIER.test(k) ? k : JSON.stringify(k)} = ${value(x, depth + 1)},`);
    return `{\n${lines.join("\n")}\n${INDENT.repeat(depth)}}`;
}

function block(b: Block, depth: number): string[] {
    if (!BLOCK_NAME.test(b.name)) throw new Error(`not an Alloy block name: ${b.name}`);
    const pad = INDENT.repeat(depth);
    const header = b.label === undefined ? b.name : `${b.name} ${JSON.stringify(b.label)}`;
    const body: string[] = [];
    for (const [name, v] of b.attributes ?? []) {
        if (v === undefined) continue;
        if (!IDENTIFIER.test(name)) throw new Error(`not an Alloy attribute name: ${name}`);
        body.push(`${pad}${INDENT}${name} = ${value(v, depth + 1)}`);
    }
    for (const child of b.blocks ?? []) {
        if (body.length > 0) body.push("");
        body.push(...block(child, depth + 1));
    }
    return [`${pad}${header} {`, ...body, `${pad}}`];
}

/** A whole configuration file: top-level blocks separated by blank lines. */
export function renderAlloy(blocks: readonly Block[], comment?: string): string {
    const head = comment ? comment.split("\n").map((l) => `// ${l}`.trimEnd()) : [];
    return [...head, ...(head.length ? [""] : []), blocks.map((b) => block(b, 0).join("\n")).join("\n\n"), ""].join("\n");
}
