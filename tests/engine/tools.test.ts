/**
 * The unit tier's tools on a machine with neither a variable nor ../shared/tools: the pinned image, run with
 * `docker run --rm`. Proven with a stand-in image that carries the real Loki at the image's path (no registry here).
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderLokiConfig } from "../../configs/loki";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { stackConfig } from "../harness/stackFiles";
import { resolveTool } from "../harness/tools";
import { binary } from "../real/binaries";
import { buildStandIns, engine, requireEngine } from "./docker";

let image: string;
beforeAll(async () => {
    const docker = engine();
    await requireEngine(docker);
    image = (await buildStandIns(docker, { loki: { binary: binary("loki"), path: "/usr/bin/loki" } })).loki;
});

test("with no variable and no shared folder, the image checks the stack's file, and refuses a broken one", () => {
    const t = resolveTool("loki", { env: {}, sharedTools: fs.mkdtempSync(path.join(os.tmpdir(), "no-tools-")), image });
    expect(t.source).toBe(image);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loki-image-"));
    const good = path.join(dir, "good.yaml");
    const bad = path.join(dir, "bad.yaml");
    const text = renderLokiConfig(parseSettings("prod", rawConfig(stackConfig("prod"))));
    fs.writeFileSync(good, text);
    fs.writeFileSync(bad, text.replace(/delete_request_store: \S+/, 'delete_request_store: ""'));
    const ok = t.run(["-verify-config", `-config.file=${good}`]);
    expect({ status: ok.status, valid: /config is valid/.test(ok.stdout + ok.stderr) }).toEqual({ status: 0, valid: true });
    expect(t.run(["-verify-config", `-config.file=${bad}`]).status).not.toBe(0);
});

test("scripts/toolsFromImages.ts copies the binaries out of the images (the test tiers' tools on a GitHub runner)", async () => {
    const docker = engine();
    const images = await buildStandIns(docker, { loki: { binary: binary("loki"), path: "/usr/bin/loki" }, promtail: { binary: binary("promtail"), path: "/usr/bin/promtail" } });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tools-from-images-"));
    const out = execFileSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/toolsFromImages.ts", dir, images.loki, images.promtail], { cwd: path.join(__dirname, "..", ".."), encoding: "utf8" });
    expect(out.trim()).toBe(`export LOKI_BIN=${dir}/loki PROMTAIL_BIN=${dir}/promtail`);
    expect(execFileSync(`${dir}/loki`, ["-version"], { encoding: "utf8" })).toMatch(/loki, version 3\.7/);
    expect(execFileSync(`${dir}/promtail`, ["-version"], { encoding: "utf8" })).toMatch(/promtail, version 3\.6/);
    // An image that does not exist (and cannot be pulled here) is one clear failure.
    const missing = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/toolsFromImages.ts", dir, "observability-stand-in:nowhere", images.promtail], { cwd: path.join(__dirname, "..", ".."), encoding: "utf8" });
    expect({ status: missing.status, says: /docker create observability-stand-in:nowhere/.test(missing.stderr) }).toEqual({ status: 1, says: true });
});
