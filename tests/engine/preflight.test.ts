/**
 * The preflight reads the real engine's storage from its /info, as `docker info` shows it, and an Alloy stack
 * whose dockerRoot or dockerStorageDriver differs is stopped with the commands that fix it.
 */
import { execFileSync } from "child_process";
import { engineStorage, storageProblem } from "../../scripts/preflight";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { stackConfig } from "../harness/stackFiles";

const HOST = process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock";

test("the engine's root and driver, read from /info, are what `docker info` says", async () => {
    const [root, driver] = execFileSync("docker", ["info", "--format", "{{.DockerRootDir}} {{.Driver}}"]).toString().trim().split(" ");
    expect(await engineStorage(HOST)).toEqual({ root, driver });
    // dev (Alloy) as its file says, on this engine: refused unless this engine happens to be overlay2 in /var/lib/docker.
    const dev = parseSettings("dev", rawConfig(stackConfig("dev", { "observability:dockerHost": HOST })));
    const problem = storageProblem("dev", dev, await engineStorage(HOST));
    if (root === dev.dockerRoot && driver === dev.dockerStorageDriver) expect(problem).toBeUndefined();
    else expect(problem).toContain(`pulumi config set dockerStorageDriver ${driver} --stack dev`);
    // Told the engine's own values, it passes.
    const told = parseSettings("dev", rawConfig(stackConfig("dev", { "observability:dockerHost": HOST, "observability:dockerRoot": root, "observability:dockerStorageDriver": driver })));
    expect(storageProblem("dev", told, await engineStorage(HOST))).toBeUndefined();
});
