/**
 * What the configured applications really write, as entries (an entry is one record: a traceback is
 * one entry with the line that logged it). Two phases: quiet (no log alert may fire) and trigger
 * (every log alert must fire).
 */

const now = () => new Date().toISOString().replace("T", " ").slice(0, 23);
const clf = () => new Date().toUTCString().replace(/^\w+, (\d+) (\w+) (\d+) ([\d:]+).*$/, "$1/$2/$3 $4");

function traceback(n: number): string[] {
    return [
        `${now()} ERROR [app.callbacks] Exception on /api/orders [POST] #${n}`,
        "Traceback (most recent call last):",
        '  File "/app/app.py", line 42, in update_orders',
        "    total = int(payload['quantity'])",
        "ValueError: invalid literal for int() with base 10: 'ten'",
    ];
}

/** The seed's Dash (Flask/werkzeug) application: banner, access lines, logging at every level, tracebacks, JSON request lines. */
export function pythonEntries(phase: "quiet" | "trigger", tracebacksPer5m: number, errorsPerMinute: number): string[][] {
    if (phase === "quiet") {
        return [
            ["Dash is running on http://0.0.0.0:8050/"],
            [" * Serving Flask app 'app'"],
            [" * Debug mode: off"],
            ["WARNING: This is a development server. Do not use it in a production deployment. Use a production WSGI server instead."],
            [" * Running on all addresses (0.0.0.0)"],
            ["Press CTRL+C to quit"],
            [`127.0.0.1 - - [${clf()}] "GET / HTTP/1.1" 200 -`],
            [`127.0.0.1 - - [${clf()}] "POST /_dash-update-component HTTP/1.1" 200 -`],
            ["DEBUG:app.db:pool size 5"],
            ["INFO:app:orders loaded: 120"],
            ["WARNING:app.cache:cache miss ratio 0.4"],
            [`${now()} INFO [app] dashboard refreshed`],
            [`${now()} CRITICAL [app] payment provider unreachable`],
            ['{"level": "info", "path": "/api/orders", "method": "GET", "status": 200, "response_time": 0.042}'],
            ['{"level": "info", "path": "/api/orders", "method": "POST", "status": 201, "response_time": 0.187}'],
            ...Array.from({ length: Math.min(tracebacksPer5m, 2) }, (_, i) => traceback(i)),
        ];
    }
    return [
        ...Array.from({ length: tracebacksPer5m + 1 }, (_, i) => traceback(100 + i)),
        ...Array.from({ length: errorsPerMinute + 1 }, (_, i) => [`ERROR:app.worker:job ${i} failed: timeout`]),
        [`127.0.0.1 - - [${clf()}] "DELETE /api/orders/7 HTTP/1.1" 500 -`],
    ];
}

/** PostgreSQL with log_line_prefix '%m [%p] %q%u@%d ': connections, slow statements, errors, a deadlock. */
export function postgresEntries(phase: "quiet" | "trigger"): string[][] {
    const p = (pid: number, rest: string) => [`${now()} UTC [${pid}] ${rest}`];
    if (phase === "quiet") {
        return [
            p(60, "LOG:  database system is ready to accept connections"),
            p(71, "[unknown]@[unknown] LOG:  connection received: host=172.18.0.5 port=40312"),
            p(71, "shop@shop LOG:  connection authorized: user=shop database=shop application_name=dash"),
            p(71, "shop@shop LOG:  duration: 0.412 ms  statement: SELECT 1"),
            p(71, "shop@shop LOG:  duration: 1532.870 ms  statement: SELECT * FROM orders o JOIN items i ON i.order_id = o.id"),
            p(72, 'shop@shop ERROR:  relation "order" does not exist at character 15'),
            p(72, "shop@shop STATEMENT:  SELECT * FROM order"),
            p(71, "shop@shop LOG:  disconnection: session time: 0:00:01.204 user=shop database=shop host=172.18.0.5 port=40312"),
        ];
    }
    return [
        p(80, "shop@shop ERROR:  deadlock detected"),
        p(80, "shop@shop DETAIL:  Process 80 waits for ShareLock on transaction 771; blocked by process 81."),
        p(80, "shop@shop HINT:  See server log for query details."),
        p(80, "shop@shop STATEMENT:  UPDATE items SET stock = stock - 1 WHERE id = 2"),
        p(81, "shop@shop LOG:  process 81 still waiting for ShareLock on transaction 770 after 1000.132 ms"),
    ];
}

/** Falco's JSON output (json_output: true): a Notice event is quiet, a Warning triggers. */
export function falcoEntries(phase: "quiet" | "trigger"): string[][] {
    const event = (priority: string, rule: string) => [
        JSON.stringify({ hostname: "host", output: `${rule} (container=x)`, priority, rule, source: "syscall", tags: ["container"], time: new Date().toISOString() }),
    ];
    return phase === "quiet" ? [event("Notice", "Contact K8S API Server From Container")] : [event("Warning", "Shell in observability stack container")];
}
