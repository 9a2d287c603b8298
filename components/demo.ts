import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { SERVICE_PORTS } from "../settings/defaults";
import { HardenedContainer, dataVolume, ServiceArgs } from "./hardenedContainer";

/** PostgreSQL logs slow statements, connections, lock waits and deadlocks: every PostgreSQL panel gets data. */
export const DEMO_POSTGRES_FLAGS = [
    "-c", "log_min_duration_statement=0",
    "-c", "log_connections=on",
    "-c", "log_disconnections=on",
    "-c", "log_lock_waits=on",
    "-c", "deadlock_timeout=1s",
    "-c", "log_line_prefix=%m [%p] %q%u@%d ",
];

export type DemoWorkloadArgs = ServiceArgs;

/** A PostgreSQL and its exporter on the stack's network, so a fresh stack shows real logs and metrics. */
export class DemoWorkload extends pulumi.ComponentResource {
    readonly postgresName: pulumi.Output<string>;

    constructor(name: string, args: DemoWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
        super("observability:stack:DemoWorkload", name, {}, opts);
        const { settings } = args;
        // Explicitly secret: the environment that carries it must be encrypted in state.
        const password = pulumi.secret(new random.RandomPassword(`${name}-postgres-password`, { length: 24, special: false }, { parent: this }).result);
        const data = dataVolume(this, `${name}-postgres-data`, settings, "demo-postgres");

        const postgres = new HardenedContainer(
            `${name}-postgres`,
            {
                settings,
                service: "demo-postgres",
                image: settings.images.demoPostgres,
                limits: settings.resources.demoPostgres,
                networkName: args.networkName,
                extraNetworks: args.extraNetworks,
                command: ["postgres", ...DEMO_POSTGRES_FLAGS],
                envs: [pulumi.interpolate`POSTGRES_PASSWORD=${password}`],
                volumes: [{ volume: data, path: "/var/lib/postgresql/data" }],
                // The alpine image's postgres user (uid 70) owns the data directory, so the entrypoint needs no root.
                user: "70:70",
                tmpfs: { "/var/run/postgresql": "rw,nosuid,size=8m,uid=70,gid=70" },
                healthcheck: { test: ["pg_isready", "-U", "postgres", "-h", "127.0.0.1"] },
                waitForHealthy: true,
            },
            { parent: this },
        );

        new HardenedContainer(
            `${name}-exporter`,
            {
                settings,
                service: "demo-exporter",
                image: settings.images.demoExporter,
                limits: settings.resources.demoExporter,
                networkName: args.networkName,
                extraNetworks: args.extraNetworks,
                envs: [pulumi.interpolate`DATA_SOURCE_NAME=postgresql://postgres:${password}@demo-postgres:${SERVICE_PORTS.demoPostgres}/postgres?sslmode=disable`],
                healthcheck: { test: ["wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${SERVICE_PORTS.demoExporter}/metrics`] },
            },
            { parent: this, dependsOn: [postgres] },
        );

        this.postgresName = postgres.containerName;
        this.registerOutputs({ postgresName: this.postgresName });
    }
}
