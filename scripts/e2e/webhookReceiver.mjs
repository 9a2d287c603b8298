// The end-to-end workflow's alert receiver: a Grafana webhook contact point posts here; GET /received lists
// every payload. Plain Node (no dependencies), so it runs in a stock node image on the stack's network.
import { createServer } from "node:http";

const received = [];
const server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/received") {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(received));
        return;
    }
    if (req.method !== "POST") {
        res.statusCode = 405;
        res.end();
        return;
    }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
        try {
            received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
            res.end("ok");
        } catch {
            res.statusCode = 400;
            res.end("expected JSON");
        }
    });
});
server.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? "0.0.0.0", () => {
    console.log(`webhook receiver on ${JSON.stringify(server.address())}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
