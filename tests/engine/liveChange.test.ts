/**
 * Settings changed on a live stack, replayed on the real engine: one `up` must converge and keep the data.
 * The provider replaces a volume or network on any change of its name, driver or labels (ForceNew in kreuzwerker
 * v4.5.0 resource_docker_volume.go / resource_docker_network.go), creating the new one before deleting the old
 * (Pulumi's default order); a container with changed inputs is deleted, then created (deleteBeforeReplace).
 */
import Docker from "dockerode";
import { ProgramRun, Registered, byType, reveal } from "../harness/mocks";
import { buildStandIns, capabilitiesHostLacks, engine, execAs, removeStack, requireEngine } from "./docker";
import { registered } from "./program";
import { deploy, deployContainer } from "./replay";
import { Service } from "../../settings/types";

const CONTAINER = "docker:index/container:Container";
const REPLACING = ["name", "driver", "driverOpts", "labels", "internal", "attachable"];
/** What a live stack's owner changes: its environment label, whether data is kept or protected. */
const CHANGES = { "observability:environment": "production", "observability:retainVolumes": false, "observability:protectVolumes": false };

let docker: Docker;
let images: Record<Service, string>;
const hostLacks = capabilitiesHostLacks();
beforeAll(async () => {
    docker = engine();
    await requireEngine(docker);
    images = await buildStandIns(docker);
});

/** Volumes and networks whose replacing fields differ between two runs of the program, by registered name. */
function replaced(before: ProgramRun, after: ProgramRun, type: string): string[] {
    const old = new Map(byType(before, type).map((r) => [r.name, r]));
    return byType(after, type)
        .filter((r) => {
            const was = old.get(r.name);
            return was !== undefined && REPLACING.some((f) => JSON.stringify(reveal(was.inputs)[f] ?? null) !== JSON.stringify(reveal(r.inputs)[f] ?? null));
        })
        .map((r) => r.name);
}

const changedContainers = (before: ProgramRun, after: ProgramRun): Registered[] => {
    const old = new Map(byType(before, CONTAINER).map((c) => [c.name, JSON.stringify(reveal(c.inputs))]));
    return byType(after, CONTAINER).filter((c) => old.get(c.name) !== JSON.stringify(reveal(c.inputs)));
};

test("prod: a new environment name and unretained, unprotected volumes replace no volume or network; one up converges with the data kept", async () => {
    const before = registered("prod");
    const after = registered("prod", CHANGES);
    const prefix = "obs-prod";
    await removeStack(docker, prefix);
    try {
        const { ids } = await deploy(docker, before, images, hostLacks);
        const loki = byType(before, CONTAINER).find((c) => reveal(c.inputs.name) === `${prefix}-loki`) as Registered;
        expect((await execAs(docker, ids.get(loki.name) as string, "10001", ["sh", "-c", "echo kept > /loki/marker"])).exitCode).toBe(0);

        // The `up`: volumes and networks first (create the replacement, then delete the old one), then containers.
        const failures: string[] = [];
        for (const type of ["docker:index/network:Network", "docker:index/volume:Volume"]) {
            for (const name of replaced(before, after, type)) {
                const r = byType(after, type).find((x) => x.name === name) as Registered;
                const i = reveal(r.inputs);
                try {
                    if (type.endsWith("Volume")) {
                        await docker.createVolume({ Name: i.name });
                        await docker.getVolume(i.name).remove();
                    } else {
                        await docker.getNetwork(i.name).remove();
                    }
                } catch (e) {
                    failures.push(`${name}: ${(e as Error).message}`);
                }
            }
        }
        expect(failures).toEqual([]);
        expect([...replaced(before, after, "docker:index/volume:Volume"), ...replaced(before, after, "docker:index/network:Network")]).toEqual([]);
        // The environment label is on every container: each is replaced, and finds its data.
        const changed = changedContainers(before, after);
        expect(changed.length).toBeGreaterThan(0);
        for (const c of changed) {
            await docker.getContainer(ids.get(c.name) as string).remove({ force: true });
            ids.set(c.name, await deployContainer(docker, c, images, hostLacks));
        }
        const newLoki = ids.get(loki.name) as string;
        expect((await execAs(docker, newLoki, "10001", ["cat", "/loki/marker"])).stdout).toBe("kept\n");
        // Converged: a second run of the changed program asks for nothing new.
        expect(changedContainers(after, registered("prod", CHANGES))).toEqual([]);
    } finally {
        await removeStack(docker, prefix);
    }
});
