import * as pulumi from "@pulumi/pulumi";
import { FALCO_DOCKER_SOCKET, FALCO_RULES_FILE, renderFalcoConfig, renderFalcoRules } from "../configs/falco";
import { CONFIG_DIR } from "../configs/paths";
import { DOCKER_SOCKET } from "../configs/collection";
import { SERVICE_PORTS } from "../settings/defaults";
import { IMAGE_FACTS } from "../settings/imageFacts";
import { HardenedContainer, ServiceArgs } from "./hardenedContainer";

/** Capabilities modern eBPF needs in Falco's least-privileged mode. */
export const FALCO_CAPABILITIES = ["SYS_ADMIN", "SYS_RESOURCE", "SYS_PTRACE"];

export type FalcoArgs = ServiceArgs;

/** Falco with the modern eBPF probe: runtime security events as JSON on stdout, collected like any log. */
export class Falco extends pulumi.ComponentResource {
    readonly containerName: pulumi.Output<string>;

    constructor(name: string, args: FalcoArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:Falco", name, {}, opts);
        const { settings } = args;
        const privileged = settings.falco.privileged;

        const container = new HardenedContainer(
            name,
            {
                settings,
                service: "falco",
                image: settings.images.falco,
                limits: settings.resources.falco,
                networkName: args.networkName,
                extraNetworks: args.extraNetworks,
                command: ["/usr/bin/falco", "-c", `${CONFIG_DIR}/falco.yaml`],
                configFiles: [
                    { name: "falco.yaml", content: renderFalcoConfig() },
                    { name: FALCO_RULES_FILE, content: renderFalcoRules(settings) },
                ],
                hostMounts: [
                    { hostPath: "/proc", path: "/host/proc" },
                    // Of the host's /etc, Falco 0.44.1 with modern eBPF reads only these, for host user and group names
                    // (falcosecurity/libs 0.25.4 scap_userlist.c:86-95,184-192 and user.cpp:58-119 via HOST_ROOT). Both or
                    // neither: with passwd but no group, Falco does not start (scap_userlist.c returns "failed to open").
                    // A file bind mount keeps the file it found: users added later resolve after Falco's next restart.
                    { hostPath: "/etc/passwd", path: "/host/etc/passwd" },
                    { hostPath: "/etc/group", path: "/host/etc/group" },
                    // Read-only, for the container plugin's metadata. Falco is root with SYS_ADMIN already (eBPF), so a
                    // proxy would not lower what it can do; it stays off the private network's proxy on purpose.
                    { hostPath: DOCKER_SOCKET, path: FALCO_DOCKER_SOCKET },
                    { hostPath: "/sys/kernel/tracing", path: "/sys/kernel/tracing" },
                ],
                capAdd: privileged ? [] : FALCO_CAPABILITIES,
                privileged,
                // Falco needs root for eBPF; its capabilities are the ones above, nothing else.
                user: IMAGE_FACTS.falco.user,
                // curl: the Wolfi-based image installs curl and has no wget (IMAGE_FACTS.falco).
                healthcheck: {
                    test: [IMAGE_FACTS.falco.healthcheckTool, "-fsS", "-o", "/dev/null", `http://127.0.0.1:${SERVICE_PORTS.falcoWeb}/healthz`],
                    startPeriodSeconds: 60,
                },
            },
            { parent: this },
        );
        this.containerName = container.containerName;
        this.registerOutputs({ containerName: this.containerName });
    }
}
