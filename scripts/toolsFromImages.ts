/**
 * npx ts-node --transpile-only scripts/toolsFromImages.ts <dir> [loki-image] [promtail-image]
 * Copies the Loki and Promtail binaries out of the images the stack deploys (settings/defaults.ts) into <dir> and
 * prints `export LOKI_BIN=... PROMTAIL_BIN=...` for a shell to eval: the test tiers' binaries on a machine without
 * ../shared/tools (a GitHub runner), at exactly the deployed versions. Exit 1 with the reason when Docker fails.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_IMAGES } from "../settings/defaults";

/** Where each image keeps its binary: grafana/loki cmd/loki/Dockerfile and clients/cmd/promtail/Dockerfile. */
const BINARIES = { loki: "/usr/bin/loki", promtail: "/usr/bin/promtail" } as const;

function docker(args: string[]): string {
    const r = spawnSync("docker", args, { encoding: "utf8" });
    if (r.error || r.status !== 0) throw new Error(`docker ${args.join(" ")}: ${(r.error?.message ?? r.stderr).trim()}`);
    return r.stdout.trim();
}

export function extract(dir: string, images: Record<keyof typeof BINARIES, string>): Record<keyof typeof BINARIES, string> {
    fs.mkdirSync(dir, { recursive: true });
    const out = {} as Record<keyof typeof BINARIES, string>;
    for (const [name, inImage] of Object.entries(BINARIES) as Array<[keyof typeof BINARIES, string]>) {
        // `docker create` pulls the image when it is missing; the container never runs.
        const id = docker(["create", images[name]]);
        try {
            out[name] = path.join(dir, name);
            docker(["cp", `${id}:${inImage}`, out[name]]);
        } finally {
            docker(["rm", id]);
        }
    }
    return out;
}

if (require.main === module) {
    const [dir, loki = DEFAULT_IMAGES.loki, promtail = DEFAULT_IMAGES.promtail] = process.argv.slice(2);
    if (!dir) {
        console.error("usage: scripts/toolsFromImages.ts <dir> [loki-image] [promtail-image]");
        process.exit(2);
    }
    try {
        const bins = extract(path.resolve(dir), { loki, promtail });
        console.log(`export LOKI_BIN=${bins.loki} PROMTAIL_BIN=${bins.promtail}`);
    } catch (e) {
        console.error((e as Error).message);
        process.exit(1);
    }
}
