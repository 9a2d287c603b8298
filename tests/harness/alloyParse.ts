/**
 * Reads back the subset of Grafana Alloy's syntax the program writes (blocks, labels, attributes; strings,
 * numbers, booleans, lists, objects, references), so tests can check a rendered file's content. Syntax
 * validity is alloy-check's job (Alloy's own parser); this only recovers the values.
 */
export interface AlloyBlock {
    readonly name: string;
    readonly label?: string;
    readonly attributes: Record<string, unknown>;
    readonly blocks: AlloyBlock[];
}

/** A reference to another component's export, kept as its path. */
export interface AlloyRef {
    readonly ref: string;
}

const TOKEN = /\s*(?:(\/\/[^\n]*)|("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)|([{}[\](),=+]))/y;

function tokenize(text: string): string[] {
    const tokens: string[] = [];
    TOKEN.lastIndex = 0;
    while (TOKEN.lastIndex < text.length) {
        if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
        const at = TOKEN.lastIndex;
        const m = TOKEN.exec(text);
        if (!m) throw new Error(`cannot read Alloy text at ${at}: ${text.slice(at, at + 30)}`);
        if (m[1] === undefined) tokens.push(m[2] ?? m[3] ?? m[4] ?? m[5]);
    }
    return tokens;
}

export function parseAlloy(text: string): AlloyBlock[] {
    const t = tokenize(text);
    let i = 0;
    const expect = (tok: string) => {
        if (t[i] !== tok) throw new Error(`expected ${tok} at token ${i}, found ${t[i]}`);
        i++;
    };
    // `a + b` (string concatenation) and `f(args)` (a standard-library call such as sys.env): kept as structure.
    const value = (): unknown => {
        const first = primary();
        if (t[i] !== "+") return first;
        i++;
        return { concat: [first, value()] };
    };
    const primary = (): unknown => {
        const tok = t[i++];
        if (tok.startsWith('"')) return JSON.parse(tok);
        if (/^-?\d/.test(tok)) return Number(tok);
        if (tok === "true" || tok === "false") return tok === "true";
        if (tok === "[") {
            const list: unknown[] = [];
            while (t[i] !== "]") {
                list.push(value());
                if (t[i] === ",") i++;
            }
            i++;
            return list;
        }
        if (tok === "{") {
            const obj: Record<string, unknown> = {};
            while (t[i] !== "}") {
                const key = t[i].startsWith('"') ? JSON.parse(t[i]) : t[i];
                i++;
                expect("=");
                obj[key] = value();
                if (t[i] === ",") i++;
            }
            i++;
            return obj;
        }
        if (t[i] === "(") {
            i++;
            const args: unknown[] = [];
            while (t[i] !== ")") {
                args.push(value());
                if (t[i] === ",") i++;
            }
            i++;
            return { call: tok, args };
        }
        return { ref: tok } as AlloyRef;
    };
    const body = (closing: string | undefined): AlloyBlock[] & { attributes?: Record<string, unknown> } => {
        const blocks: AlloyBlock[] = [];
        const attributes: Record<string, unknown> = {};
        while (i < t.length && t[i] !== closing) {
            const name = t[i++];
            if (t[i] === "=") {
                i++;
                attributes[name] = value();
                continue;
            }
            const label = t[i].startsWith('"') ? JSON.parse(t[i++]) : undefined;
            expect("{");
            const inner = body("}");
            expect("}");
            blocks.push({ name, label, attributes: inner.attributes ?? {}, blocks: [...inner] });
        }
        return Object.assign(blocks, { attributes });
    };
    return [...body(undefined)];
}

/** The one top-level block with that name (and label, when given). */
export function component(blocks: AlloyBlock[], name: string, label?: string): AlloyBlock {
    const found = blocks.filter((b) => b.name === name && (label === undefined || b.label === label));
    if (found.length !== 1) throw new Error(`expected one ${name}${label ? ` "${label}"` : ""}, found ${found.length}`);
    return found[0];
}
