import * as http from "http";
import { AddressInfo } from "net";
import { sleep } from "./binaries";

/** A notification as Alertmanager's webhook sends it (prometheus/alertmanager notify/webhook), with when it came. */
export interface Notification {
    readonly at: number;
    readonly body: any;
}

export interface WebhookReceiver {
    readonly url: string;
    readonly received: Notification[];
    waitFor(done: () => boolean, timeoutMs: number): Promise<void>;
    stop(): Promise<void>;
}

/** An HTTP receiver on loopback that keeps every POSTed JSON body, as a contact point's webhook would get it. */
export function startWebhookReceiver(): Promise<WebhookReceiver> {
    const received: Notification[] = [];
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            received.push({ at: Date.now(), body: JSON.parse(Buffer.concat(chunks).toString() || "null") });
            res.statusCode = 200;
            res.end();
        });
    });
    return new Promise((resolve) =>
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as AddressInfo;
            resolve({
                url: `http://127.0.0.1:${port}/alerts`,
                received,
                waitFor: async (done, timeoutMs) => {
                    const deadline = Date.now() + timeoutMs;
                    while (!done()) {
                        if (Date.now() > deadline) throw new Error(`not received in ${timeoutMs} ms; got:\n${JSON.stringify(received.map((n) => [n.body?.status, n.body?.groupLabels]), null, 1)}`);
                        await sleep(250);
                    }
                },
                stop: () => new Promise((r) => server.close(() => r())),
            });
        }),
    );
}
