import Docker from "dockerode";
import { packTar } from "../engine/docker";

/** A container that writes `quiet` to stdout at once and `trigger` when told to: a stand-in application. */
export interface Workload {
    readonly name: string;
    readonly labels?: Record<string, string>;
    readonly quiet: string[][];
    readonly trigger: string[][];
}

const SCRIPT = "cat /quiet.log; while [ ! -e /go ]; do sleep 0.2; done; cat /trigger.log; exec sleep 3600";

const text = (entries: string[][]) => entries.map((e) => e.join("\n") + "\n").join("");

export async function startWorkload(docker: Docker, image: string, w: Workload): Promise<Docker.Container> {
    await docker.getContainer(w.name).remove({ force: true }).catch(() => undefined);
    const c = await docker.createContainer({ name: w.name, Image: image, Cmd: ["/bin/sh", "-c", SCRIPT], Labels: w.labels ?? {}, HostConfig: { NetworkMode: "none" } });
    await c.putArchive(await packTar([{ header: { name: "quiet.log" }, content: text(w.quiet) }, { header: { name: "trigger.log" }, content: text(w.trigger) }]), { path: "/" });
    await c.start();
    return c;
}

/** Makes a workload write its trigger entries. */
export async function trigger(c: Docker.Container): Promise<void> {
    await c.putArchive(await packTar([{ header: { name: "go" }, content: "" }]), { path: "/" });
}
