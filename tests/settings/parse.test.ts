import * as fs from "fs";
import * as path from "path";
import { MIN_MEMORY_MB } from "../../settings/defaults";

const README = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
import { SettingsError } from "../../settings/errors";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { stackConfig } from "../harness/stackFiles";

const parse = (raw: Record<string, unknown>) => parseSettings("test", raw);

/** Parses and returns the SettingsError it must throw. */
function rejection(raw: Record<string, unknown>): SettingsError {
    try {
        parse(raw);
    } catch (e) {
        if (e instanceof SettingsError) return e;
        throw e;
    }
    throw new Error(`accepted ${JSON.stringify(raw)}`);
}

describe("defaults", () => {
    const s = parse({});
    test("name prefix and environment follow the stack", () => {
        expect(s.namePrefix).toBe("obs-test");
        expect(s.environment).toBe("test");
    });
    test("reference resource budget for Loki and Promtail", () => {
        expect(s.resources.loki).toEqual({ memoryMb: 512, cpus: 0.5 });
        expect(s.resources.promtail).toEqual({ memoryMb: 256, cpus: 0.25 });
    });
    test("ports bound to loopback, Loki not published", () => {
        expect(s.publish.address).toBe("127.0.0.1");
        expect(s.publish.ports.loki).toBeUndefined();
        expect(s.publish.ports.grafana).toBe(3000);
    });
    test("local Docker socket", () => expect(s.dockerHost).toBe("unix:///var/run/docker.sock"));
    test("no contact point until one is configured (nothing is sent; alerts show in Grafana)", () => {
        expect(s.grafana.contactPoint.kind).toBe("none");
        expect(s.grafana.smtp).toBeUndefined();
    });
    test("every default image is pinned", () => {
        for (const ref of Object.values(s.images)) expect(ref).toMatch(/:v?\d+\.\d+/);
        // The versions the README's "What you get" table promises.
        const documented = [...README.matchAll(/\| `([a-z0-9./-]+:[^`]+)`/g)].map((m) => m[1]);
        for (const service of ["loki", "alloy", "promtail", "socketProxy", "prometheus", "grafana", "falco"] as const) {
            expect({ service, image: s.images[service], documented: documented.includes(s.images[service]) }).toEqual({ service, image: s.images[service], documented: true });
        }
    });
});

describe("valid values", () => {
    test("memory units", () => {
        expect(parse({ resources: { loki: { memory: "1Gi" } } }).resources.loki.memoryMb).toBe(1024);
        expect(parse({ resources: { loki: { memory: "768MB" } } }).resources.loki.memoryMb).toBe(768);
    });
    test("an image by digest", () => {
        const ref = `grafana/loki@sha256:${"a".repeat(64)}`;
        expect(parse({ images: { loki: ref } }).images.loki).toBe(ref);
    });
    test("ssh Docker host", () => expect(parse({ dockerHost: "ssh://deploy@logs.example.com:2222" }).dockerHost).toBe("ssh://deploy@logs.example.com:2222"));
    test("applications by name (shorthand) and label", () => {
        const s = parse({ applications: ["web", { name: "api", kind: "python" }], applicationLabel: "logging=on" });
        expect(s.applications.map((a) => a.name)).toEqual(["web", "api"]);
        expect(s.applications.map((a) => a.kind)).toEqual(["other", "python"]);
        expect(s.applicationLabel).toEqual({ key: "logging", value: "on" });
    });
    test("0.0.0.0 only when explicitly allowed", () => {
        expect(parse({ publish: { address: "0.0.0.0", allowAllInterfaces: true } }).publish.address).toBe("0.0.0.0");
    });
    test("a service can be left unpublished", () => {
        expect(parse({ publish: { prometheus: false } }).publish.ports.prometheus).toBeUndefined();
    });
});

// Each case: the raw config, the key the message must name, and a fragment of what is allowed.
const BAD: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ["unknown top-level key", { retentoin: "3d" }, "observability:retentoin", /unknown key/],
    ["a list where a mapping is expected", { loki: ["retention", "7d"] }, "observability:loki", /expected an object \(a YAML mapping\)/],
    ["a string where a mapping is expected", { resources: "small" }, "observability:resources", /expected an object \(a YAML mapping\)/],
    ["null where a mapping is expected", { grafana: null }, "observability:grafana", /expected an object \(a YAML mapping\)/],
    ["unknown nested key", { loki: { retentionPeriod: "3d" } }, "observability:loki.retentionPeriod", /unknown key.*retention/],
    ["duration with words", { loki: { retention: "7 days" } }, "observability:loki.retention", /positive duration/],
    ["negative duration", { loki: { retention: "-24h" } }, "observability:loki.retention", /positive duration/],
    ["zero duration", { prometheus: { retention: "0d" } }, "observability:prometheus.retention", /positive duration/],
    ["malformed duration", { prometheus: { scrapeInterval: "15" } }, "observability:prometheus.scrapeInterval", /positive duration/],
    ["retention not whole days", { loki: { retention: "36h" } }, "observability:loki.retention", /whole number of days/],
    ["memory below minimum", { resources: { loki: { memory: "32Mi" } } }, "observability:resources.loki.memory", new RegExp(`minimum of ${MIN_MEMORY_MB.loki}Mi`)],
    ["unparsable memory", { resources: { promtail: { memory: "lots" } } }, "observability:resources.promtail.memory", /memory size/],
    ["latest image", { images: { loki: "grafana/loki:latest" } }, "observability:images.loki", /pinned/],
    ["tagless image", { images: { promtail: "grafana/promtail" } }, "observability:images.promtail", /pinned/],
    ["floating major tag", { images: { grafana: "grafana/grafana:13" } }, "observability:images.grafana", /pinned/],
    ["invalid bind address", { publish: { address: "localhost:80" } }, "observability:publish.address", /IPv4/],
    ["out-of-range octet", { publish: { address: "127.0.0.256" } }, "observability:publish.address", /IPv4/],
    ["all interfaces not allowed", { publish: { address: "0.0.0.0" } }, "observability:publish.address", /allowAllInterfaces/],
    ["port out of range", { publish: { grafana: 70000 } }, "observability:publish.grafana", /1 to 65535/],
    ["port zero", { publish: { prometheus: 0 } }, "observability:publish.prometheus", /1 to 65535/],
    ["port used twice", { publish: { grafana: 9000, prometheus: 9000 } }, "observability:publish.prometheus", /already used by publish.grafana/],
    ["empty application entry", { applications: ["web", ""] }, "observability:applications[1].name", /non-empty/],
    ["application without name", { applications: [{ kind: "python" }] }, "observability:applications[0].name", /non-empty/],
    ["malformed Docker host", { dockerHost: "ssh//host" }, "observability:dockerHost", /ssh:\/\//],
    ["Docker host with unknown scheme", { dockerHost: "http://host:2375" }, "observability:dockerHost", /tcp:\/\/host:port/],
    ["burst below rate", { loki: { ingestionRateMb: 8, ingestionBurstSizeMb: 4 } }, "observability:loki.ingestionBurstSizeMb", /at least ingestionRateMb/],
    ["cpus not a number", { resources: { loki: { cpus: "half" } } }, "observability:resources.loki.cpus", /number from/],
    ["cpus Docker reads back otherwise", { resources: { promtail: { cpus: 0.05 } } }, "observability:resources.promtail.cpus", /reads back from Docker as 0\.1/],
    ["unknown application kind", { applications: [{ name: "db", kind: "mysql" }] }, "observability:applications[0].kind", /python, postgres, other/],
    ["own Grafana unpublished", { publish: { grafana: false } }, "observability:publish.grafana", /must be published/],
    ["malformed label", { applicationLabel: "logging" }, "observability:applicationLabel", /key=value/],
    ["email contact point without SMTP", { grafana: { contactPoint: { kind: "email" } } }, "observability:grafana.smtp", /required for an email contact point.*smtp\.host/],
    ["SMTP without a host", { grafana: { smtp: { from: "a@example.com" } } }, "observability:grafana.smtp.host", /is required.*host:port/],
    ["SMTP sender not an address", { grafana: { smtp: { host: "smtp.example.com:25", from: "alerts" } } }, "observability:grafana.smtp.from", /email address/],
    ["external Grafana without Loki's URL", { grafana: { externalUrl: "https://g.example.com", prometheusUrl: "https://p.example.com" } }, "observability:grafana.lokiUrl", /required with grafana\.externalUrl/],
    ["external Grafana without Prometheus's URL", { grafana: { externalUrl: "https://g.example.com", lokiUrl: "https://l.example.com" } }, "observability:grafana.prometheusUrl", /required with grafana\.externalUrl/],
    ["Loki URL for the stack's own Grafana", { grafana: { lokiUrl: "https://l.example.com" } }, "observability:grafana.lokiUrl", /external Grafana only/],
    ["SMTP for an external Grafana", { grafana: { externalUrl: "https://g.example.com", lokiUrl: "https://l.example.com", prometheusUrl: "https://p.example.com", smtp: { host: "s.example.com:25", from: "a@example.com" } } }, "observability:grafana.smtp", /own Grafana only/],
    ["prefix with a dot (not allowed in Grafana UIDs)", { namePrefix: "obs.dev" }, "observability:namePrefix", /Grafana UID/],
    ["prefix too long for a 40-character Grafana UID", { namePrefix: "a".repeat(24) }, "observability:namePrefix", /1-23 /],
    ["unknown contact point kind", { grafana: { contactPoint: { kind: "pager" } } }, "observability:grafana.contactPoint.kind", /email, webhook, slack or none/],
];

describe.each(BAD)("rejects %s", (_title, raw, key, allowed) => {
    const error = rejection(raw);
    test("names the key", () => expect(error.key).toBe(key));
    test("shows the bad value and what is allowed", () => {
        expect(error.message).toContain(key);
        expect(error.message).toMatch(allowed);
        expect(error.message).toContain(JSON.stringify(error.value) ?? "undefined");
    });
});

describe("Grafana UIDs derived from the longest allowed prefix", () => {
    // Grafana's rule for a UID (dashboards, folders, datasources, alert rules): at most 40 characters of
    // letters, digits, '-' and '_'.
    const GRAFANA_UID = /^[A-Za-z0-9_-]{1,40}$/;
    const { dashboardSpecs } = jest.requireActual("../../configs/grafana/dashboards");
    const { logAlerts } = jest.requireActual("../../configs/grafana/logAlerts");
    const { datasourceUids } = jest.requireActual("../../configs/grafana/selectors");
    test("every one is valid and they are all different", () => {
        let longest = "";
        for (let n = 1; n <= 64; n++) {
            try {
                parse({ namePrefix: "p".repeat(n) });
                longest = "p".repeat(n);
            } catch {
                break;
            }
        }
        expect(longest.length).toBeGreaterThan(10);
        const s = parse({ namePrefix: longest, falco: { enabled: true }, demo: { enabled: true }, applications: [{ name: "a", kind: "python" }, { name: "b", kind: "postgres" }] });
        const uids: string[] = [
            ...dashboardSpecs(s).map((d: { uid: string }) => d.uid),
            ...logAlerts(s).map((a: { uid: string }) => a.uid),
            ...Object.values(datasourceUids(s) as Record<string, string>),
            `${longest}-stack`,
        ];
        expect(uids.length).toBeGreaterThanOrEqual(10);
        for (const uid of uids) expect(uid).toMatch(GRAFANA_UID);
        expect(new Set(uids).size).toBe(uids.length);
    });
});

describe("the real stack files", () => {
    const load = (stack: string) => parseSettings(stack, rawConfig(stackConfig(stack)));
    const [dev, staging, prod] = ["dev", "staging", "prod"].map(load);

    test("retention grows from dev to prod", () => {
        expect(dev.loki.retention.seconds).toBe(3 * 86400);
        expect(prod.loki.retention.seconds).toBe(30 * 86400);
        expect(staging.loki.retention.seconds).toBeGreaterThan(dev.loki.retention.seconds);
    });
    test("limits differ where environments differ", () => {
        expect(dev.resources.loki.memoryMb).toBeLessThan(prod.resources.loki.memoryMb);
        expect(dev.loki.ingestionRateMb).toBeLessThan(prod.loki.ingestionRateMb);
    });
    test("stacks do not collide on one host", () => {
        const prefixes = new Set([dev, staging, prod].map((s) => s.namePrefix));
        expect(prefixes.size).toBe(3);
        const ports = [dev, staging, prod].flatMap((s) => Object.values(s.publish.ports));
        expect(new Set(ports).size).toBe(ports.length);
    });
    test("prod keeps its data volumes", () => {
        expect(prod.retainVolumes).toBe(true);
        expect(dev.retainVolumes).toBe(false);
    });
});

describe("secrets some settings need", () => {
    const { requireSecrets } = jest.requireActual("../../settings/load") as typeof import("../../settings/load");
    test("a webhook contact point without its URL names the secret key", () => {
        const s = parse({ grafana: { contactPoint: { kind: "webhook" } } });
        expect(() => requireSecrets(s, {})).toThrow(/observability:contactPointUrl.*--secret/);
    });
    test("an external Grafana without credentials names the secret key", () => {
        const s = parse({ grafana: { externalUrl: "https://grafana.example.com", lokiUrl: "https://loki.example.com", prometheusUrl: "https://prom.example.com" } });
        expect(() => requireSecrets(s, {})).toThrow(/observability:grafanaAuth.*--secret/);
    });
    test("an SMTP login without its password names the secret key; with it, or without a login, it passes", () => {
        const smtp = { host: "smtp.example.com:587", from: "alerts@example.com" };
        const withUser = parse({ grafana: { contactPoint: { kind: "email" }, smtp: { ...smtp, user: "alerts" } } });
        expect(() => requireSecrets(withUser, {})).toThrow(/observability:smtpPassword.*--secret/);
        expect(() => requireSecrets(withUser, { smtpPassword: {} as any })).not.toThrow();
        expect(() => requireSecrets(parse({ grafana: { contactPoint: { kind: "email" }, smtp } }), {})).not.toThrow();
    });
});
