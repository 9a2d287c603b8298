import { parser as logqlParser } from "@grafana/lezer-logql";
import { parser as promqlParser } from "@prometheus-io/lezer-promql";
import { selectors } from "./selectors";

type Parser = typeof logqlParser;

/** Positions of parse errors in `expr` under the language's own Lezer grammar; empty means it parses. */
export function parseErrors(language: "logql" | "promql", expr: string): number[] {
    const parser: Parser = language === "logql" ? logqlParser : (promqlParser as unknown as Parser);
    const errors: number[] = [];
    parser.parse(expr).iterate({
        enter: (node) => {
            if (node.type.isError) errors.push(node.from);
        },
    });
    return errors;
}

/** The label names used in a LogQL stream selector (the part in braces; braces inside line filters are not one). */
export function selectorLabels(expr: string): string[] {
    return selectors(expr).flatMap((m) => m.map((x) => x.name));
}
