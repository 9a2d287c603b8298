/**
 * Which series or streams a LogQL or PromQL expression selects: its `{...}` selectors (a PromQL metric name as
 * `__name__`) evaluated on sample label sets the way Loki and Prometheus match them (labels/matcher.go in
 * prometheus/prometheus: `=~` and `!~` are anchored RE2, a missing label is the empty string).
 */
export interface Matcher {
    readonly name: string;
    readonly op: "=" | "!=" | "=~" | "!~";
    readonly value: string;
}

/** Each selector of an expression, as its matchers; braces inside quoted strings (line filters) are not selectors. */
export function selectors(expr: string): Matcher[][] {
    const found: Matcher[][] = [];
    let i = 0;
    while (i < expr.length) {
        const ch = expr[i];
        if (ch === '"' || ch === "`") {
            i = closingQuote(expr, i) + 1;
            continue;
        }
        if (ch === "{") {
            let j = i + 1;
            while (expr[j] !== "}") j = expr[j] === '"' ? closingQuote(expr, j) + 1 : j + 1;
            const metric = /([a-zA-Z_:][a-zA-Z0-9_:]*)$/.exec(expr.slice(0, i))?.[1];
            const matchers = parseMatchers(expr.slice(i + 1, j));
            found.push(metric ? [{ name: "__name__", op: "=", value: metric }, ...matchers] : matchers);
            i = j + 1;
            continue;
        }
        i++;
    }
    return found;
}

function closingQuote(expr: string, start: number): number {
    const quote = expr[start];
    let j = start + 1;
    while (expr[j] !== quote) j += expr[j] === "\\" && quote === '"' ? 2 : 1;
    return j;
}

function parseMatchers(body: string): Matcher[] {
    return [...body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => ({
        name: m[1],
        op: m[2] as Matcher["op"],
        value: JSON.parse(`"${m[3]}"`),
    }));
}

export function matches(matchers: readonly Matcher[], labels: Record<string, string>): boolean {
    return matchers.every(({ name, op, value }) => {
        const actual = labels[name] ?? "";
        switch (op) {
            case "=":
                return actual === value;
            case "!=":
                return actual !== value;
            case "=~":
                return new RegExp(`^(?:${value})$`).test(actual);
            case "!~":
                return !new RegExp(`^(?:${value})$`).test(actual);
        }
    });
}

/** The label sets every selector of `expr` selects (a query reads those of all its selectors). */
export function selected(expr: string, candidates: ReadonlyArray<Record<string, string>>): Array<Record<string, string>> {
    const all = selectors(expr);
    if (all.length === 0) throw new Error(`no selector in ${expr}`);
    return candidates.filter((c) => all.some((s) => matches(s, c)));
}

/** Whether the line filters of a LogQL query (`|=`, `!=`, `|~`, `!~`) keep `line`; RE2's leading (?i) is honoured. */
export function keepsLine(expr: string, line: string): boolean {
    // Label matchers inside a selector's braces use the same operators: only what follows them is a line filter.
    let pipeline = "";
    for (let i = 0; i < expr.length; i++) {
        if (expr[i] === '"' || expr[i] === "`") {
            const end = closingQuote(expr, i);
            pipeline += expr.slice(i, end + 1);
            i = end;
        } else if (expr[i] === "{") {
            while (expr[i] !== "}") i = expr[i] === '"' ? closingQuote(expr, i) + 1 : i + 1;
            pipeline += "{}";
        } else pipeline += expr[i];
    }
    const filters = [...pipeline.matchAll(/(\|=|!=|\|~|!~)\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => ({ op: m[1], value: JSON.parse(`"${m[2]}"`) as string }));
    return filters.every(({ op, value }) => {
        if (op === "|=" || op === "!=") return line.includes(value) === (op === "|=");
        const insensitive = value.startsWith("(?i)");
        const found = new RegExp(insensitive ? value.slice(4) : value, insensitive ? "i" : "").test(line);
        return found === (op === "|~");
    });
}
