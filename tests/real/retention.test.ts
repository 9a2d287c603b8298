/**
 * Retention on the real Loki 3.7.6 with the stack's own file (dev's, retention set to its minimum, one day): a line
 * older than the retention is stored, then the compactor removes its chunk from the disk while a current line's
 * chunk stays; and the delete API is refused. Time is shortened only through the settings (loki.retention,
 * loki.deleteDelay, loki.compactionInterval); only the ports and the data directory move (tests/real/localConfigs.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { stackConfig } from "../harness/stackFiles";
import { Running, binary, freePort, sleep, tempDir } from "./binaries";
import { localLoki } from "./localConfigs";
import { entries } from "./loki";

const settings = parseSettings("dev", rawConfig(stackConfig("dev", { "observability:loki": { retention: "24h", deleteDelay: "1s", compactionInterval: "1m", ingestionRateMb: 2, ingestionBurstSizeMb: 4 } })));

/** Chunk files in the filesystem object store (each stream's flushed chunk is one file under chunks/<tenant>/). */
function chunkFiles(dir: string): string[] {
    const tenant = path.join(dir, "chunks", "fake");
    if (!fs.existsSync(tenant)) return [];
    return fs.readdirSync(tenant, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

test("a chunk older than the retention is removed by the compactor; a current one stays; deletes are refused", async () => {
    const dir = tempDir("real-retention");
    const [http, grpc] = [await freePort(), await freePort()];
    const data = path.join(dir, "loki");
    fs.writeFileSync(path.join(dir, "loki.yaml"), localLoki(settings, data, http, grpc));
    const base = `http://127.0.0.1:${http}`;
    let loki = new Running("loki", binary("loki"), [`-config.file=${path.join(dir, "loki.yaml")}`]);
    try {
        await loki.waitReady(`${base}/ready`, 90_000);
        const now = BigInt(Date.now()) * 1_000_000n;
        const old = now - 30n * 3600n * 1_000_000_000n;
        const push = await fetch(`${base}/loki/api/v1/push`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ streams: [{ stream: { job: "retention-old" }, values: [[`${old}`, "older than the retention"]] }, { stream: { job: "retention-new" }, values: [[`${now}`, "current"]] }] }),
        });
        // Within Loki's default reject_old_samples_max_age (1w): accepted.
        expect(push.status).toBe(204);
        const del = await fetch(`${base}/loki/api/v1/delete?${new URLSearchParams({ query: '{job="retention-new"}', start: "0" })}`, { method: "POST" });
        expect(del.status).toBeGreaterThanOrEqual(400);
        // The ingester writes both chunks to the store; stopping uploads the index of both days' tables.
        expect((await fetch(`${base}/flush`, { method: "POST" })).status).toBe(204);
        await loki.stop();
        const before = chunkFiles(data);
        expect(before).toHaveLength(2);

        loki = loki.again();
        await loki.waitReady(`${base}/ready`, 90_000);
        const started = Date.now();
        let after = before;
        while (after.length === 2 && Date.now() - started < 300_000) {
            await sleep(2000);
            after = chunkFiles(data);
        }
        console.log(`retention: ${before.length} chunks before, ${after.length} after ${((Date.now() - started) / 1000).toFixed(0)} s (compactionInterval 1m, deleteDelay 1s)`);
        expect(after).toHaveLength(1);
        // The current line is still there; the old stream is gone.
        expect((await entries(base, '{job="retention-new"}')).map((e) => e.line)).toEqual(["current"]);
        expect(before.filter((f) => !after.includes(f))).toHaveLength(1);
    } finally {
        await loki.stop();
    }
}, 480_000);
