/**
 * HAProxy's configuration syntax, emitted from typed values: sections (`global`, `defaults`, `frontend NAME`,
 * `backend NAME`) of directives, each a keyword and its words, optionally after comment lines. A word with
 * anything HAProxy would interpret (spaces, quotes, `#`, `\`, `$`) is written in single quotes, inside which
 * HAProxy interprets nothing ("strong quoting", configuration.txt section 2.2, the way regexes are meant to be
 * written); a word that contains a single quote itself is refused rather than escaped. Pure, no Pulumi.
 */

export interface Directive {
    readonly keyword: string;
    readonly words?: readonly string[];
    /** Comment lines written above the directive (why it is there, where a rule comes from). */
    readonly comments?: readonly string[];
}

export interface Section {
    readonly kind: "global" | "defaults" | "frontend" | "backend";
    /** Frontends and backends are named; global and defaults are not. */
    readonly name?: string;
    readonly directives: readonly Directive[];
}

const NAME = /^[A-Za-z0-9_.:-]+$/;
const KEYWORD = /^[a-z][a-z0-9_-]*$/;
/** Characters written as they are; anything else needs quoting. */
const PLAIN = /^[A-Za-z0-9_.:/{}()!|=<>@%+,*-]+$/;

function word(w: string): string {
    if (w.length > 0 && PLAIN.test(w)) return w;
    if (w.includes("'")) throw new Error(`HAProxy word with a single quote cannot be strongly quoted: ${w}`);
    if (/[\r\n]/.test(w)) throw new Error(`HAProxy word with a line break: ${JSON.stringify(w)}`);
    return `'${w}'`;
}

function comment(text: string): string {
    if (/[\r\n]/.test(text)) throw new Error(`comment with a line break: ${JSON.stringify(text)}`);
    return `    # ${text}`.trimEnd();
}

function section(s: Section): string[] {
    const named = s.kind === "frontend" || s.kind === "backend";
    if (named !== (s.name !== undefined)) throw new Error(`${s.kind} sections ${named ? "need" : "take no"} name`);
    if (s.name !== undefined && !NAME.test(s.name)) throw new Error(`not an HAProxy section name: ${s.name}`);
    const lines = [s.name === undefined ? s.kind : `${s.kind} ${s.name}`];
    for (const d of s.directives) {
        if (!KEYWORD.test(d.keyword)) throw new Error(`not an HAProxy keyword: ${d.keyword}`);
        lines.push(...(d.comments ?? []).map(comment));
        lines.push(`    ${[d.keyword, ...(d.words ?? []).map(word)].join(" ")}`);
    }
    return lines;
}

/** The whole file: sections separated by a blank line, ending in a newline. */
export function renderHaproxy(sections: readonly Section[]): string {
    return `${sections.map((s) => section(s).join("\n")).join("\n\n")}\n`;
}
