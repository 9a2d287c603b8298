import { Settings } from "../../settings/types";
import { parseDuration } from "../../settings/units";
import { parseErrors } from "./grammars";
import { GENERATED_PASSWORD, ProgramRun, byType, isSecret, isSeed, one, plainStrings, reveal, seed } from "./mocks";
import { label } from "./stackSpec";

const T = {
    provider: "pulumi:providers:grafana",
    datasource: "grafana:oss/dataSource:DataSource",
    folder: "grafana:oss/folder:Folder",
    dashboard: "grafana:oss/dashboard:Dashboard",
    ruleGroup: "grafana:alerting/ruleGroup:RuleGroup",
    contactPoint: "grafana:alerting/contactPoint:ContactPoint",
    policy: "grafana:alerting/notificationPolicy:NotificationPolicy",
};

export function grafanaSpec(stack: string, program: { run: () => ProgramRun; settings: Settings }): void {
    const { settings } = program;
    const run = () => program.run();
    const grafanaContainers = () => byType(run(), "docker:index/container:Container").filter((c) => label(c, "observability.component") === "grafana" && !isSeed(c));
    /** A check of the stack's own Grafana; with an external one there is no container to check. */
    const ownGrafana = (name: string, check: (c: ReturnType<typeof grafanaContainers>[number]) => void) =>
        test(name, () => (settings.grafana.externalUrl ? expect(grafanaContainers()).toEqual([]) : check(grafanaContainers()[0])));

    describe(`${stack}: Grafana container`, () => {
        test("present unless an external Grafana is configured", () => {
            expect(grafanaContainers()).toHaveLength(settings.grafana.externalUrl ? 0 : 1);
        });
        ownGrafana("anonymous access and sign-up off, password from a file, image user, data volume, health on /api/health", (c) => {
            const envs: string[] = reveal(c.inputs.envs);
            expect(envs).toContain("GF_AUTH_ANONYMOUS_ENABLED=false");
            expect(envs).toContain("GF_USERS_ALLOW_SIGN_UP=false");
            expect(envs).toContain("GF_SECURITY_ADMIN_PASSWORD__FILE=/config/admin_password");
            expect(envs.some((e) => e.startsWith("GF_SECURITY_ADMIN_PASSWORD="))).toBe(false);
            expect(envs).toContain(`GF_SECURITY_ADMIN_USER=${settings.grafana.adminUser}`);
            // The admin logs in with the password Pulumi holds; nothing is reported to or fetched from grafana.com.
            expect(envs).toEqual(expect.arrayContaining(["GF_AUTH_DISABLE_LOGIN_FORM=false", "GF_ANALYTICS_REPORTING_ENABLED=false", "GF_ANALYTICS_CHECK_FOR_UPDATES=false"]));
            // Its own log goes to stdout, where the collector reads every container's log.
            expect(envs).toContain("GF_LOG_MODE=console");
            expect(c.inputs.user).toBeUndefined();
            expect(c.inputs.mounts).toEqual(expect.arrayContaining([expect.objectContaining({ type: "volume", target: "/var/lib/grafana", source: `${settings.namePrefix}-grafana-data` })]));
            expect(c.inputs.healthcheck.tests.join(" ")).toContain("/api/health");
            expect(c.inputs.ports).toEqual([expect.objectContaining({ internal: 3000, external: settings.publish.ports.grafana, ip: settings.publish.address })]);
            expect(c.inputs.wait).toBe(true);
        });
    });

    describe(`${stack}: Grafana content`, () => {
        test("every Grafana resource is managed through that provider, inside the stack's resource tree", () => {
            const provider = one(run(), T.provider);
            const content = run().resources.filter((r) => r.type.startsWith("grafana:"));
            expect(content.length).toBeGreaterThanOrEqual(5);
            const byName = new Map(run().resources.map((r) => [r.name, r]));
            const root = (r: (typeof content)[number]): string => (r.options?.parent && byName.has(r.options.parent) ? root(byName.get(r.options.parent)!) : r.type);
            for (const r of [provider, ...content]) {
                expect({ resource: r.name, root: root(r) }).toEqual({ resource: r.name, root: "observability:stack:ObservabilityStack" });
                if (r !== provider) expect({ resource: r.name, provider: r.options?.provider }).toEqual({ resource: r.name, provider: provider.name });
            }
        });
        test("explicit provider: URL known from settings, auth a secret", () => {
            const p = one(run(), T.provider);
            const expected = settings.grafana.externalUrl ?? `http://${settings.publish.address}:${settings.publish.ports.grafana}`;
            expect(p.inputs.url).toBe(expected);
            // Provider inputs arrive JSON-encoded; the secret marker survives inside.
            const auth = typeof p.inputs.auth === "string" ? JSON.parse(p.inputs.auth) : p.inputs.auth;
            expect(isSecret(auth)).toBe(true);
        });
        test("Loki and Prometheus datasources with fixed UIDs, at addresses that Grafana reaches", () => {
            const ds = byType(run(), T.datasource);
            // The stack's own Grafana: the private network. An external one: the URLs the stack file gives.
            const external = settings.grafana.externalUrl !== undefined;
            // The stack's Alertmanager too, for its own Grafana only: a Grafana elsewhere cannot reach the private network.
            expect(ds.map((d) => [d.inputs.type, d.inputs.uid, d.inputs.url]).sort()).toEqual([
                ...(external ? [] : [["alertmanager", `${settings.namePrefix}-alertmanager`, "http://alertmanager:9093"]]),
                ["loki", `${settings.namePrefix}-loki`, external ? settings.grafana.lokiUrl : "http://loki:3100"],
                ["prometheus", `${settings.namePrefix}-prometheus`, external ? settings.grafana.prometheusUrl : "http://prometheus:9090"],
            ]);
            const am = ds.find((d) => d.inputs.type === "alertmanager");
            if (am) expect(JSON.parse(am.inputs.jsonDataEncoded)).toEqual({ implementation: "prometheus", handleGrafanaManagedAlerts: false });
        });
        test("the default datasource is set in the stack's own Grafana only, never in a shared one", () => {
            const prom = byType(run(), T.datasource).find((d) => d.inputs.type === "prometheus")!;
            expect(prom.inputs.isDefault).toBe(settings.grafana.externalUrl === undefined);
            for (const d of byType(run(), T.datasource).filter((x) => x.inputs.type !== "prometheus")) expect(d.inputs.isDefault ?? false).toBe(false);
        });
        test("dashboards are read-only in the UI (they are code)", () => {
            const dashboards = byType(run(), T.dashboard);
            expect(dashboards.length).toBeGreaterThan(0);
            for (const d of dashboards) expect(JSON.parse(d.inputs.configJson).editable).toBe(false);
        });
        test("one folder for the stack", () => {
            expect(one(run(), T.folder).inputs.title).toBe(`Observability stack (${settings.environment})`);
            expect(one(run(), T.folder).inputs.uid).toBe(`${settings.namePrefix}-stack`);
        });
        test("at least the four dashboards, stable UIDs, every panel's datasource is one of ours and its query parses", () => {
            const dashboards = byType(run(), T.dashboard).map((d) => JSON.parse(d.inputs.configJson));
            const uids = dashboards.map((d) => d.uid);
            for (const name of ["logs-overview", "application-logs", "postgresql-logs", "stack-health"]) expect(uids).toContain(`${settings.namePrefix}-${name}`);
            const dsUids = new Map([[`${settings.namePrefix}-loki`, "logql"], [`${settings.namePrefix}-prometheus`, "promql"]] as const);
            for (const d of dashboards) {
                expect(d.panels.length).toBeGreaterThanOrEqual(3);
                for (const p of d.panels) {
                    expect(p.targets.length).toBeGreaterThan(0);
                    for (const t of p.targets) {
                        const language = dsUids.get(t.datasource.uid);
                        expect(language).toBeDefined();
                        expect(t.datasource.type).toBe(language === "logql" ? "loki" : "prometheus");
                        expect(parseErrors(language!, t.expr)).toEqual([]);
                    }
                }
            }
            for (const d of byType(run(), T.dashboard)) expect(d.inputs.overwrite).toBe(true);
        });
        test("every panel: a title and description, distinct query refIds, a grid position inside 24 columns; dashboards refresh and span a past range", () => {
            for (const d of byType(run(), T.dashboard).map((x) => JSON.parse(x.inputs.configJson))) {
                expect(d.title.length).toBeGreaterThan(3);
                expect(d.tags.length).toBeGreaterThan(0);
                expect(parseDuration(d.refresh)?.seconds).toBeGreaterThanOrEqual(10);
                expect(d.time.to).toBe("now");
                expect(d.time.from).toMatch(/^now-\d+[mhd]$/);
                expect(["browser", "utc"]).toContain(d.timezone);
                for (const p of d.panels) {
                    expect([p.title.length > 3, p.description.length > 10]).toEqual([true, true]);
                    expect(["timeseries", "logs", "stat", "bargauge"]).toContain(p.type);
                    const refIds = p.targets.map((t: any) => t.refId);
                    expect(refIds).toEqual(refIds.map((_: string, i: number) => String.fromCharCode(65 + i)));
                    expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
                    expect(p.gridPos.h).toBeGreaterThan(0);
                    // Logs newest first, with their time and details, long lines wrapped.
                    if (p.type === "logs") expect(p.options).toEqual(expect.objectContaining({ showTime: true, wrapLogMessage: true, enableLogDetails: true, sortOrder: "Descending" }));
                }
            }
        });
        test("Falco panel only when Falco runs", () => {
            const titles = byType(run(), T.dashboard).flatMap((d) => JSON.parse(d.inputs.configJson).panels.map((p: any) => p.title));
            expect(titles.includes("Falco events by rule and priority")).toBe(settings.falco.enabled);
        });
        test("Loki-backed alert rules, each query parses", () => {
            const group = one(run(), T.ruleGroup);
            const rules = group.inputs.rules;
            const titles = rules.map((r: any) => r.name);
            expect(titles).toEqual(expect.arrayContaining(["Error rate per container", "PostgreSQL deadlock", "Python traceback burst"]));
            expect(titles.includes("Falco event of priority Warning or higher")).toBe(settings.falco.enabled);
            for (const r of rules) {
                const a = r.datas.find((d: any) => d.refId === "A");
                expect(a.datasourceUid).toBe(`${settings.namePrefix}-loki`);
                const model = JSON.parse(a.model);
                expect(parseErrors("logql", model.expr)).toEqual([]);
                expect(r.condition).toBe("C");
                const threshold = JSON.parse(r.datas.find((d: any) => d.refId === "C").model);
                expect(threshold.type).toBe("threshold");
            }
            const errors = rules.find((r: any) => r.name === "Error rate per container");
            expect(JSON.parse(errors.datas[2].model).conditions[0].evaluator.params).toEqual([settings.alerts.logErrorsPerMinute]);
        });
        test("alert rules: no log lines is no alert, a broken query is an error, labels say environment and severity", () => {
            const group = one(run(), T.ruleGroup);
            expect(group.inputs.folderUid).toBe(`${settings.namePrefix}-stack`);
            for (const r of group.inputs.rules) {
                // A log-count query over quiet logs returns no series: that is the healthy case.
                expect([r.name, r.noDataState, r.execErrState]).toEqual([r.name, "OK", "Error"]);
                expect(r.labels).toEqual({ severity: expect.stringMatching(/^(warning|critical)$/), environment: settings.environment });
                expect(r.annotations.summary.length).toBeGreaterThan(10);
                expect(r.for).toMatch(/^\d+(s|m|h)$/);
                expect(r.uid.startsWith(`${settings.namePrefix}-`)).toBe(true);
            }
            expect(parseDuration(group.inputs.rules.find((r: any) => r.name === "Error rate per container").for)?.seconds).toBe(settings.alerts.logErrorsFor.seconds);
        });
        test("each rule is Grafana's three steps: the LogQL query (A), its last value (B), B above the threshold the settings give (C)", () => {
            const THRESHOLD: Record<string, number> = {
                "Error rate per container": settings.alerts.logErrorsPerMinute,
                "Python traceback burst": settings.alerts.tracebacksPer5m,
                // One deadlock, one Falco event of Warning or higher, is one too many.
                "PostgreSQL deadlock": 0,
                "Falco event of priority Warning or higher": 0,
            };
            for (const r of one(run(), T.ruleGroup).inputs.rules) {
                const [a, b, c] = r.datas.map((d: any) => ({ ...d, model: JSON.parse(d.model) }));
                expect([a.refId, b.refId, c.refId]).toEqual(["A", "B", "C"]);
                expect([a.model.refId, b.model.refId, c.model.refId]).toEqual(["A", "B", "C"]);
                expect(a.model.datasource).toEqual({ type: "loki", uid: a.datasourceUid });
                expect([a.queryType, a.model.queryType]).toEqual(["instant", "instant"]);
                expect(a.relativeTimeRange.from).toBeGreaterThan(0);
                for (const step of [b, c]) {
                    expect([step.datasourceUid, step.model.datasource]).toEqual(["__expr__", { type: "__expr__", uid: "__expr__" }]);
                    expect(step.relativeTimeRange).toEqual({ from: 0, to: 0 });
                }
                expect([b.model.type, b.model.expression, b.model.reducer]).toEqual(["reduce", "A", "last"]);
                expect([c.model.type, c.model.expression, c.model.conditions]).toEqual(["threshold", "B", [{ evaluator: { type: "gt", params: [THRESHOLD[r.name]] } }]]);
                // The summary names what fired: the container, or Falco's priority.
                expect(r.annotations.summary).toMatch(/\{\{ \$labels\.(container|priority) \}\}/);
            }
        });
        test("datasources are queried by Grafana's server (the browser cannot reach the private network)", () => {
            for (const d of byType(run(), T.datasource)) {
                expect(d.inputs.accessMode).toBe("proxy");
                const kind = { loki: "Loki", prometheus: "Prometheus", alertmanager: "Alertmanager" }[d.inputs.type as string];
                expect(d.inputs.name).toBe(`${kind} (${settings.environment})`);
                expect(Object.keys(JSON.parse(d.inputs.jsonDataEncoded)).length).toBeGreaterThan(0);
            }
            // Queries go in the request body: long dashboard expressions are not cut by URL length limits.
            const prom = byType(run(), T.datasource).find((d) => d.inputs.type === "prometheus")!;
            expect(JSON.parse(prom.inputs.jsonDataEncoded).httpMethod).toBe("POST");
        });
        test("contact point and routing from settings: a policy tree only in the stack's own Grafana", () => {
            const kind = settings.grafana.contactPoint.kind;
            const rules: any[] = one(run(), T.ruleGroup).inputs.rules;
            if (kind === "none") {
                expect(byType(run(), T.contactPoint)).toEqual([]);
                expect(byType(run(), T.policy)).toEqual([]);
                for (const r of rules) expect(r.notificationSettings).toBeUndefined();
                return;
            }
            const cp = one(run(), T.contactPoint);
            expect(cp.inputs.name).toBe(`${settings.namePrefix}-${kind}`);
            // Only a Slack contact point needs the provider's perpetual-diff workaround.
            expect(cp.options?.ignoreChanges).toEqual(kind === "slack" ? ["slacks"] : undefined);
            // Grafana's grouping timers: each a duration, first notification before regrouping before repeating.
            const timers = (x: any) => [x.groupWait, x.groupInterval, x.repeatInterval].map((d: string) => parseDuration(d)?.seconds ?? NaN);
            const grouping = settings.grafana.externalUrl ? rules.map((r) => r.notificationSettings) : [one(run(), T.policy).inputs];
            for (const g of grouping) {
                const [wait, interval, repeat] = timers(g);
                expect(wait).toBeGreaterThan(0);
                expect(interval).toBeGreaterThan(wait);
                expect(repeat).toBeGreaterThan(interval);
                expect(g.groupBies).toEqual(expect.arrayContaining(["alertname", "container"]));
            }
            // One mail addressed to the whole list, so the on-call people see who else was told.
            if (kind === "email") expect(cp.inputs.emails).toEqual([{ addresses: settings.grafana.contactPoint.addresses, singleEmail: true }]);
            if (settings.grafana.externalUrl) {
                // The provider's NotificationPolicy replaces a Grafana's whole tree: never in a shared Grafana.
                expect(byType(run(), T.policy)).toEqual([]);
                for (const r of rules) expect(r.notificationSettings).toEqual(expect.objectContaining({ contactPoint: cp.inputs.name }));
                for (const r of rules) expect(r.notificationSettings.groupBies).toEqual(expect.arrayContaining(["alertname", "grafana_folder"]));
            } else {
                expect(one(run(), T.policy).inputs.contactPoint).toBe(cp.inputs.name);
                for (const r of rules) expect(r.notificationSettings).toBeUndefined();
            }
        });
        ownGrafana("alert mail through the configured relay; no SMTP settings without one", (c) => {
            const envs: string[] = reveal(c.inputs.envs);
            const smtp = settings.grafana.smtp;
            if (!smtp) {
                expect(envs.filter((e) => e.startsWith("GF_SMTP_"))).toEqual([]);
                expect(settings.grafana.contactPoint.kind).not.toBe("email");
                return;
            }
            expect(envs).toEqual(expect.arrayContaining(["GF_SMTP_ENABLED=true", `GF_SMTP_HOST=${smtp.host}`, `GF_SMTP_FROM_ADDRESS=${smtp.from}`]));
            // Mail says which environment it comes from.
            expect(envs.find((e) => e.startsWith("GF_SMTP_FROM_NAME="))).toContain(`(${settings.environment})`);
            expect(envs.some((e) => e.startsWith("GF_SMTP_PASSWORD="))).toBe(false);
        });
        ownGrafana("the admin password is set from the secret on every start, not only on the first", (c) => {
            expect(c.inputs.entrypoints).toEqual(["/bin/sh", "/config/start.sh"]);
            const script = reveal(seed(run(), "grafana").inputs.uploads).find((u: any) => u.file === "/config/start.sh");
            const lines = script.content.trim().split("\n");
            expect(script.content).toMatch(/grafana cli .*\\\n\s+admin reset-admin-password --password-from-stdin < \/config\/admin_password/);
            // Only on an existing database (the first start applies GF_SECURITY_ADMIN_PASSWORD__FILE itself), then the image's own start.
            expect(script.content).toMatch(/if \[ -s "\$GF_PATHS_DATA\/grafana\.db" \]/);
            expect(lines[lines.length - 1]).toBe('exec /run.sh "$@"');
        });
    });

    describe(`${stack}: secrets`, () => {
        test("the admin password is a secret output", () => {
            expect(run().secretOutputs).toContain("grafanaAdminPassword");
        });
        test("the generated password appears nowhere in plain text in any registered input", () => {
            for (const r of run().resources) {
                for (const s of plainStrings(r)) expect(s).not.toContain(GENERATED_PASSWORD);
            }
        });
        ownGrafana("the stack output is the generated password; the provider logs in as the admin with it", () => {
            expect(run().outputs.grafanaAdminPassword).toBe(GENERATED_PASSWORD);
            const p = one(run(), T.provider);
            const auth = typeof p.inputs.auth === "string" ? JSON.parse(p.inputs.auth) : p.inputs.auth;
            expect(reveal(auth)).toBe(`${settings.grafana.adminUser}:${GENERATED_PASSWORD}`);
        });
        ownGrafana("the password does reach Grafana and the provider (inside secrets)", () => {
            const upload = reveal(seed(run(), "grafana").inputs.uploads).find((u: any) => u.file === "/config/admin_password");
            expect(upload.content).toBe(GENERATED_PASSWORD);
            expect(upload.permissions).toBe("0400");
        });
    });
}
