/** Loki's HTTP query API, as Grafana calls it. */

export interface Stream {
    readonly stream: Record<string, string>;
    readonly values: Array<[string, string]>;
}

export interface QueryResult {
    readonly resultType: "streams" | "matrix" | "vector";
    readonly result: any[];
}

async function get(url: string): Promise<QueryResult> {
    const res = await fetch(url);
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${res.status} from ${url}: ${body}`);
    const parsed = JSON.parse(body);
    if (parsed.status !== "success") throw new Error(`query failed: ${body}`);
    return parsed.data;
}

const ns = (ms: number) => `${BigInt(ms) * 1_000_000n}`;

/** A range query over the last `lookbackMs`, oldest first. */
export function queryRange(base: string, query: string, lookbackMs = 15 * 60_000, step = "15s"): Promise<QueryResult> {
    const end = Date.now() + 1000;
    const params = new URLSearchParams({ query, start: ns(end - lookbackMs), end: ns(end), limit: "5000", direction: "forward", step });
    return get(`${base}/loki/api/v1/query_range?${params}`);
}

/** An instant query now, as a Grafana alert rule evaluates it. */
export function queryInstant(base: string, query: string): Promise<QueryResult> {
    return get(`${base}/loki/api/v1/query?${new URLSearchParams({ query, time: ns(Date.now()) })}`);
}

/** Every entry of the streams matching a selector, oldest first, with their stream labels. */
export async function entries(base: string, selector: string): Promise<Array<{ labels: Record<string, string>; line: string }>> {
    const { result } = await queryRange(base, selector);
    return (result as Stream[])
        .flatMap((s) => s.values.map(([ts, line]) => ({ ts: BigInt(ts), labels: s.stream, line })))
        .sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0))
        .map(({ labels, line }) => ({ labels, line }));
}

/** Polls until `ready` holds or the time is up; returns the last value either way. */
export async function until<T>(probe: () => Promise<T>, ready: (v: T) => boolean, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last = await probe();
    while (!ready(last) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        last = await probe();
    }
    return last;
}

/** True when any series of a metric query result is above `threshold` (Grafana's reduce-last, then gt). */
export function anyAbove(r: QueryResult, threshold: number): boolean {
    if (r.resultType === "vector") return r.result.some((s: any) => Number(s.value[1]) > threshold);
    if (r.resultType === "matrix") return r.result.some((s: any) => Number(s.values[s.values.length - 1][1]) > threshold);
    throw new Error(`not a metric result: ${r.resultType}`);
}

/** True when a result holds any sample or entry. */
export function hasData(r: QueryResult): boolean {
    return r.result.some((s: any) => (s.values ?? [s.value]).length > 0);
}
