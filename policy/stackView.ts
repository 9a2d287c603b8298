import { PolicyResource } from "./rules";

const IMAGE = "docker:index/remoteImage:RemoteImage";
const NETWORK = "docker:index/network:Network";
const CONTAINER = "docker:index/container:Container";

/** The repository's own name in an image reference: `registry:5000/falcosecurity/falco:0.44.1@sha256:…` → `falco`. */
export function repositoryName(reference: string): string {
    const path = reference.split("@")[0];
    const last = path.slice(path.lastIndexOf("/") + 1);
    return last.split(":")[0];
}

/**
 * What the policy knows of a container from the rest of the stack, never from the labels it declares: the image
 * it runs (the RemoteImage its `image` input comes from), whether its networks are internal, which seeds fill the
 * volumes it mounts.
 */
export class StackView {
    constructor(readonly resources: readonly PolicyResource[]) {}

    /** The reference of the image a container runs: through the engine's property dependencies, else by image ID. */
    imageOf(container: PolicyResource): string {
        const urns = container.dependencies?.image ?? [];
        const images = this.resources.filter((r) => r.type === IMAGE);
        const byDependency = images.find((i) => urns.includes(i.urn));
        if (byDependency) return String(byDependency.props.name ?? "");
        const image = String(container.props.image ?? "");
        return String(images.find((i) => i.props.imageId === image)?.props.name ?? image);
    }

    /** The repository name of what a container runs (`haproxy`, `falco`, `grafana`...). */
    runs(container: PolicyResource): string {
        return repositoryName(this.imageOf(container));
    }

    /** Whether a network, by name, is declared internal in this stack (unknown networks are not). */
    isInternal(network: string): boolean {
        return this.resources.some((r) => r.type === NETWORK && r.props.name === network && r.props.internal === true);
    }

    /** Files uploaded into a named volume by never-started seed containers mounting it: path below the mount → content. */
    seededFiles(volume: string): Map<string, string> {
        const files = new Map<string, string>();
        for (const seed of this.resources) {
            if (seed.type !== CONTAINER || seed.props.start !== false) continue;
            for (const m of seed.props.mounts ?? []) {
                if (m.type !== "volume" || m.source !== volume) continue;
                for (const u of seed.props.uploads ?? []) {
                    const file = String(u.file);
                    if (file.startsWith(`${m.target}/`)) files.set(file.slice(m.target.length + 1), String(u.content ?? ""));
                }
            }
        }
        return files;
    }
}
