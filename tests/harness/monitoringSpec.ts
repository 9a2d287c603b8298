import * as path from "path";
import { collectorView } from "./collector";
import * as fs from "fs";
import * as os from "os";
import { main as renderMain } from "../../scripts/render";
import { formatDuration } from "../../settings/units";
import { Settings } from "../../settings/types";
import { ProgramRun, byType, container, isSecret, isSeed, reveal, seed, uploaded } from "./mocks";
import { label } from "./stackSpec";

const CONTAINER = "docker:index/container:Container";

/** Prometheus, alert rules, Falco and the demo, asserted on the registered inputs of one stack. */
export function monitoringSpec(stack: string, program: { run: () => ProgramRun; settings: Settings }): void {
    const { settings } = program;
    const prometheus = () => container(program.run(), "prometheus");

    // `npm run render` reads a stack file: a program with settings of its own (an external Grafana) has none to render.
    const fromStackFile = fs.existsSync(path.join(__dirname, "..", "..", `Pulumi.${stack}.yaml`));
    if (fromStackFile) describe(`${stack}: uploaded files are exactly what \`npm run render\` writes`, () => {
        test("every file `npm run render` writes is uploaded, byte for byte, into its service's container, and nothing else but secrets", () => {
            // The script's own entry, reading the same stack file (tests/scripts/render.test.ts runs it as a process).
            const out = fs.mkdtempSync(path.join(os.tmpdir(), `render-${stack}-`));
            expect(renderMain([stack, out], path.join(__dirname, "..", ".."), () => undefined)).toBe(0);
            const rendered: Record<string, string> = {};
            const walk = (dir: string): void => {
                for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
                    const full = path.join(dir, e.name);
                    if (e.isDirectory()) walk(full);
                    else rendered[path.relative(out, full)] = fs.readFileSync(full, "utf8");
                }
            };
            walk(out);
            const uploads: Record<string, string> = {};
            for (const c of byType(program.run(), CONTAINER)) {
                // Secrets (Grafana's admin and SMTP passwords) are not configuration: never rendered.
                for (const u of reveal(c.inputs.uploads ?? []).filter((u: any) => !/\/(admin|smtp)_password$/.test(u.file))) {
                    uploads[`${label(c, "observability.component")}/${path.basename(u.file)}`] = reveal(u.content);
                }
            }
            expect(Object.keys(rendered).length).toBeGreaterThanOrEqual(4);
            expect(uploads).toEqual(rendered);
        });
    });

    describe(`${stack}: Prometheus`, () => {
        test("retention and scrape interval from settings", () => {
            const flags: string[] = prometheus().inputs.command;
            expect(flags).toContain(`--storage.tsdb.retention.time=${formatDuration(settings.prometheus.retention.seconds)}`);
            if (settings.prometheus.retentionSize) expect(flags).toContain(`--storage.tsdb.retention.size=${settings.prometheus.retentionSize}`);
            else expect(flags.some((f) => f.startsWith("--storage.tsdb.retention.size"))).toBe(false);
            expect(uploaded(seed(program.run(), "prometheus"), "prometheus.yml").global.scrape_interval).toBe(formatDuration(settings.prometheus.scrapeInterval.seconds));
        });
        test("data on a named volume, healthcheck on /-/healthy, image user", () => {
            const mount = prometheus().inputs.mounts.find((m: any) => m.target === "/prometheus");
            expect(mount).toEqual(expect.objectContaining({ type: "volume", source: `${settings.namePrefix}-prometheus-data` }));
            expect(prometheus().inputs.healthcheck.tests.join(" ")).toContain("/-/healthy");
            expect(prometheus().inputs.user).toBeUndefined();
        });
        test("every running service of the stack with a metrics port is scraped by its alias, and nothing else", () => {
            const cfg = uploaded(seed(program.run(), "prometheus"), "prometheus.yml");
            const targets: string[] = cfg.scrape_configs.flatMap((j: any) => j.static_configs[0].targets);
            const appTargets = settings.applications.flatMap((a) => (a.metrics ? [a.metrics] : []));
            for (const t of appTargets) expect(targets).toContain(t);
            const services = byType(program.run(), CONTAINER).filter((c) => !isSeed(c)).map((c) => label(c, "observability.component"));
            const scrapedAliases = new Set(targets.filter((t) => !appTargets.includes(t)).map((t) => t.split(":")[0].replace("localhost", "prometheus")));
            // The demo's PostgreSQL is scraped through its exporter; the socket proxy's HAProxy serves no metrics.
            expect([...scrapedAliases].sort()).toEqual(services.filter((s) => s !== "demo-postgres" && s !== "socket-proxy").sort());
        });
        test("each scrape reaches the port its container serves; global labels, rule file and storage where they belong", () => {
            const cfg = uploaded(seed(program.run(), "prometheus"), "prometheus.yml");
            const served = new Map<string, string>();
            for (const c of byType(program.run(), CONTAINER).filter((x) => !isSeed(x))) {
                const probe = /127\.0\.0\.1[:/](\d+)/.exec((c.inputs.healthcheck.tests as string[]).join(" "));
                if (probe) served.set(label(c, "observability.component")!, probe[1]);
            }
            let checked = 0;
            for (const job of cfg.scrape_configs) {
                expect(job.metrics_path).toMatch(/^\/(metrics|api\/v0\/component\/[\w.]+\/metrics)$/);
                const [alias, port] = job.static_configs[0].targets[0].split(":");
                const service = alias === "localhost" ? "prometheus" : alias;
                if (served.has(service)) {
                    expect([job.job_name, port]).toEqual([job.job_name, served.get(service)]);
                    checked++;
                }
            }
            expect(checked).toBeGreaterThanOrEqual(3);
            expect(cfg.global.evaluation_interval).toBe(cfg.global.scrape_interval);
            expect(cfg.global.external_labels).toEqual({ environment: settings.environment });
            expect(cfg.rule_files).toEqual(["alerts.yml"]);
            expect(uploaded(seed(program.run(), "prometheus"), "alerts.yml").groups.length).toBeGreaterThan(0);
            const data = prometheus().inputs.mounts.find((m: any) => m.source === `${settings.namePrefix}-prometheus-data`).target;
            expect(prometheus().inputs.command).toEqual(expect.arrayContaining(["--config.file=/config/prometheus.yml", `--storage.tsdb.path=${data}`]));
        });
        test("alerts exist only for what is deployed", () => {
            const alerts: string[] = uploaded(seed(program.run(), "prometheus"), "alerts.yml").groups[0].rules.map((r: any) => r.alert);
            expect(alerts).toEqual(expect.arrayContaining(["LokiDown", "LokiHighIngestionRate", "CollectorDown", "PrometheusTargetMissing", "LokiRequestErrors"]));
            // Host metrics (and so the disk alert) come from Alloy, which runs beside Promtail too.
            expect(alerts.includes("DataDiskFilling")).toBe(true);
            expect(alerts.includes("FalcoDown")).toBe(settings.falco.enabled);
            expect(alerts.includes("GrafanaDown")).toBe(!settings.grafana.externalUrl);
        });
    });

    describe(`${stack}: Falco ${settings.falco.enabled ? "enabled" : "disabled"}`, () => {
        const falcos = () => byType(program.run(), CONTAINER).filter((c) => label(c, "observability.component") === "falco" && !isSeed(c));
        const jobs = () => uploaded(seed(program.run(), "prometheus"), "prometheus.yml").scrape_configs.map((j: any) => j.job_name);
        if (settings.falco.enabled) {
            test("container with least privilege, read-only host mounts", () => {
                const falco = falcos()[0];
                expect(falcos()).toHaveLength(1);
                expect(falco.inputs.privileged).toBe(settings.falco.privileged);
                expect(falco.inputs.capabilities.drops).toEqual(["ALL"]);
                if (!settings.falco.privileged) expect(falco.inputs.capabilities.adds.sort()).toEqual(["SYS_ADMIN", "SYS_PTRACE", "SYS_RESOURCE"]);
                const binds = falco.inputs.mounts.filter((m: any) => m.type === "bind");
                // Of /etc, only the two files Falco reads there (host user and group names): not the host's keys or secrets.
                expect(binds.map((m: any) => m.source).sort()).toEqual(["/etc/group", "/etc/passwd", "/proc", "/sys/kernel/tracing", "/var/run/docker.sock"]);
                for (const b of binds) expect(b.readOnly).toBe(true);
                // Falco's documented layout: the host's /proc, /etc files and Docker socket under /host; tracefs where it is.
                expect(binds.map((m: any) => [m.source, m.target]).sort()).toEqual(
                    binds.map((m: any) => [m.source, m.source.startsWith("/sys/") ? m.source : `/host${m.source}`]).sort(),
                );
                expect(falco.inputs.command).toEqual(["/usr/bin/falco", "-c", "/config/falco.yaml"]);
            });
            test("the container plugin finds the Docker socket where it is mounted (the plugin prefixes HOST_ROOT=/host)", () => {
                const cfg = uploaded(seed(program.run(), "falco"), "falco.yaml");
                const docker = cfg.plugins.find((p: any) => p.name === "container").init_config.engines.docker;
                expect(docker.enabled).toBe(true);
                const socketMount = falcos()[0].inputs.mounts.find((m: any) => m.source === "/var/run/docker.sock");
                expect(docker.sockets.map((s: string) => path.posix.join("/host", s))).toEqual([socketMount.target]);
                expect(cfg.plugins.map((p: any) => p.name)).toEqual(cfg.load_plugins);
            });
            test("JSON events to stdout, container plugin, modern eBPF, health and metrics", () => {
                const cfg = uploaded(seed(program.run(), "falco"), "falco.yaml");
                expect(cfg.engine.kind).toBe("modern_ebpf");
                expect(cfg.json_output).toBe(true);
                expect(cfg.stdout_output.enabled).toBe(true);
                expect(cfg.load_plugins).toContain("container");
                expect(cfg.webserver.k8s_healthz_endpoint).toBe("/healthz");
                expect(cfg.metrics.enabled).toBe(true);
                expect(cfg.webserver.prometheus_metrics_enabled).toBe(true);
                expect(falcos()[0].inputs.healthcheck.tests.join(" ")).toContain("/healthz");
                expect(cfg.rules_files).toContain("/config/stack_rules.yaml");
            });
            test("custom rules for this stack", () => {
                const rules = uploaded(seed(program.run(), "falco"), "stack_rules.yaml").filter((r: any) => r.rule);
                expect(rules.length).toBeGreaterThanOrEqual(3);
                for (const r of rules) expect(["WARNING", "ERROR", "CRITICAL"]).toContain(r.priority);
            });
            test("the shell rule watches every running container of the stack, and excuses only the collector's own healthcheck", () => {
                const items = uploaded(seed(program.run(), "falco"), "stack_rules.yaml");
                const list = (name: string) => items.find((i: any) => i.list === name)?.items;
                const running = byType(program.run(), CONTAINER)
                    .filter((c) => !isSeed(c) && !label(c, "observability.component")!.startsWith("demo-"))
                    .map((c) => c.inputs.name);
                expect([...list("obs_stack_containers")].sort()).toEqual([...running].sort());
                const collector = byType(program.run(), CONTAINER).find((c) => !isSeed(c) && label(c, "observability.component") === settings.collector)!;
                const probe = /GET (\S+) /.exec(collector.inputs.healthcheck.tests.join(" "))![1];
                const shell = items.find((i: any) => i.rule === "Shell in observability stack container");
                expect(shell.condition).toContain("container.name in (obs_stack_containers)");
                expect(shell.condition).toContain(`not (container.name = ${collector.inputs.name} and proc.cmdline contains "GET ${probe} ")`);
                // Only the socket proxy and Falco itself may use the Docker socket.
                const mountsSocket = byType(program.run(), CONTAINER).filter((c) => (c.inputs.mounts ?? []).some((m: any) => m.source === "/var/run/docker.sock"));
                expect([...list("obs_docker_socket_readers")].sort()).toEqual(mountsSocket.map((c) => c.inputs.name).sort());
            });
            test("scraped", () => expect(jobs()).toContain("falco"));
            test("its JSON events become a priority label in the collector", () => {
                const step = collectorView(program.run(), settings).steps.find((s) => s.selector === `{container="${settings.namePrefix}-falco"}`);
                expect(step?.stages).toEqual([{ type: "json", expressions: { priority: "priority" } }, { type: "labels", values: { priority: "" } }]);
            });
        } else {
            test("no container, no scrape job, no JSON stage", () => {
                expect(falcos()).toHaveLength(0);
                expect(jobs()).not.toContain("falco");
                expect(JSON.stringify(collectorView(program.run(), settings))).not.toContain("falco");
            });
        }
    });

    describe(`${stack}: demo workload ${settings.demo.enabled ? "on" : "off"}`, () => {
        const demo = () => byType(program.run(), CONTAINER).filter((c) => label(c, "observability.component")?.startsWith("demo-"));
        if (settings.demo.enabled) {
            test("PostgreSQL logging slow statements and connections, and its exporter, scraped", () => {
                expect(demo()).toHaveLength(2);
                const pg = container(program.run(), "demo-postgres");
                const [binary, ...flags]: string[] = pg.inputs.command;
                expect(binary).toBe("postgres");
                // Every setting is a `-c key=value` pair; each PostgreSQL panel's lines are switched on.
                expect(flags.filter((_, i) => i % 2 === 0).every((f) => f === "-c")).toBe(true);
                const set = Object.fromEntries(flags.filter((_, i) => i % 2 === 1).map((kv) => kv.split(/=(.*)/s).slice(0, 2)));
                expect(Object.keys(set)).toHaveLength(flags.length / 2);
                // "Slow queries": statements of 100 ms or more must be logged.
                expect(Number(set.log_min_duration_statement)).toBeGreaterThanOrEqual(0);
                expect(Number(set.log_min_duration_statement)).toBeLessThanOrEqual(100);
                // "Connections": received, authorized and disconnection lines.
                expect([set.log_connections, set.log_disconnections]).toEqual(["on", "on"]);
                // "Deadlocks" and lock waits.
                expect(set.log_lock_waits).toBe("on");
                expect(set.deadlock_timeout).toMatch(/^\d+(ms|s)$/);
                // The collector and the panels read a timestamp and the process id at the start of each line.
                expect(set.log_line_prefix).toMatch(/^%m \[%p\] /);
                const jobs = uploaded(seed(program.run(), "prometheus"), "prometheus.yml").scrape_configs.map((j: any) => j.job_name);
                expect(jobs).toContain("demo-postgres");
            });
            test("PostgreSQL keeps its data on a volume, as its image's user, and is ready before its exporter connects", () => {
                const pg = container(program.run(), "demo-postgres");
                expect(pg.inputs.mounts).toContainEqual({ type: "volume", source: `${settings.namePrefix}-demo-postgres-data`, target: "/var/lib/postgresql/data" });
                // The image's socket directory, writable by its user (uid 70) on a read-only root.
                expect(pg.inputs.tmpfs["/var/run/postgresql"].split(",")).toEqual(expect.arrayContaining(["nosuid", "uid=70", "gid=70"]));
                expect(pg.inputs.healthcheck.tests).toEqual(["CMD", "pg_isready", "-U", "postgres", "-h", "127.0.0.1"]);
                expect(pg.inputs.wait).toBe(true);
                // One generated password, a secret, the same in the server and in the exporter's connection URL.
                const password = byType(program.run(), "random:index/randomPassword:RandomPassword").find((r) => r.name.endsWith("-demo-postgres-password"))!;
                // It goes into a URL: letters and digits only.
                expect(password.inputs.special).toBe(false);
                expect(isSecret(pg.inputs.envs[0]) || isSecret(pg.inputs.envs)).toBe(true);
                const exporter = container(program.run(), "demo-exporter");
                const [pgEnv] = reveal(pg.inputs.envs) as string[];
                const [dsn] = reveal(exporter.inputs.envs) as string[];
                const pass = pgEnv.replace(/^POSTGRES_PASSWORD=/, "");
                expect(pass.length).toBeGreaterThan(0);
                expect(dsn).toBe(`DATA_SOURCE_NAME=postgresql://postgres:${pass}@demo-postgres:5432/postgres?sslmode=disable`);
            });
        } else {
            test("absent", () => expect(demo()).toHaveLength(0));
        }
    });
}
