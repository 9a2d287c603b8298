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
    test("Docker Desktop's named pipe on Windows", () => expect(parse({ dockerHost: "npipe:////./pipe/docker_engine" }).dockerHost).toBe("npipe:////./pipe/docker_engine"));
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
    ["a LAN address not allowed", { publish: { address: "192.168.1.10" } }, "observability:publish.address", /beyond loopback.*without authentication.*publish\.allowNetwork: true/],
    ["memory without a unit", { resources: { loki: { memory: "512" } } }, "observability:resources.loki.memory", /with its unit/],
    ["email contact point without addresses", { grafana: { contactPoint: { kind: "email" }, smtp: { host: "smtp.example.com:25", from: "a@example.com" } } }, "observability:grafana.contactPoint.addresses", /non-empty list/],
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
    ["email contact point without SMTP", { grafana: { contactPoint: { kind: "email", addresses: ["oncall@example.com"] } } }, "observability:grafana.smtp", /required for an email contact point.*smtp\.host/],
    ["SMTP without a host", { grafana: { smtp: { from: "a@example.com" } } }, "observability:grafana.smtp.host", /is required.*host:port/],
    ["SMTP sender not an address", { grafana: { smtp: { host: "smtp.example.com:25", from: "alerts" } } }, "observability:grafana.smtp.from", /email address/],
    ["external Grafana without Loki's URL", { grafana: { externalUrl: "https://g.example.com", prometheusUrl: "https://p.example.com" } }, "observability:grafana.lokiUrl", /required with grafana\.externalUrl/],
    ["external Grafana without Prometheus's URL", { grafana: { externalUrl: "https://g.example.com", lokiUrl: "https://l.example.com" } }, "observability:grafana.prometheusUrl", /required with grafana\.externalUrl/],
    ["Loki URL for the stack's own Grafana", { grafana: { lokiUrl: "https://l.example.com" } }, "observability:grafana.lokiUrl", /external Grafana only/],
    ["SMTP for an external Grafana", { grafana: { externalUrl: "https://g.example.com", lokiUrl: "https://l.example.com", prometheusUrl: "https://p.example.com", smtp: { host: "s.example.com:25", from: "a@example.com" } } }, "observability:grafana.smtp", /serves only the stack's Alertmanager/],
    ["email to an external Grafana without SMTP for the Alertmanager", { grafana: { externalUrl: "https://g.example.com", lokiUrl: "https://l.example.com", prometheusUrl: "https://p.example.com", contactPoint: { kind: "email", addresses: ["oncall@example.com"] } } }, "observability:grafana.smtp", /Alertmanager/],
    ["prefix with a dot (not allowed in Grafana UIDs)", { namePrefix: "obs.dev" }, "observability:namePrefix", /Grafana UID/],
    ["prefix too long for a 40-character Grafana UID", { namePrefix: "a".repeat(24) }, "observability:namePrefix", /1-23 /],
    ["unknown contact point kind", { grafana: { contactPoint: { kind: "pager" } } }, "observability:grafana.contactPoint.kind", /email, webhook, slack or none/],
];

// Values a regular expression or a bound must refuse: a prefix or suffix around a valid value, one past a bound.
const email = { contactPoint: { kind: "email", addresses: ["oncall@example.com"] }, smtp: { host: "smtp.example.com:587", from: "alerts@example.com" } };
const external = { externalUrl: "https://g.example.com", lokiUrl: "https://l.example.com", prometheusUrl: "https://p.example.com" };
BAD.push(
    ["environment starting with a dash", { environment: "-dev" }, "observability:environment", /letters, digits/],
    ["environment with a space", { environment: "dev env" }, "observability:environment", /letters, digits/],
    ["blank Docker host", { dockerHost: "   " }, "observability:dockerHost", /expected a string/],
    ["unix socket with trailing words", { dockerHost: "unix:///var/run/docker.sock --tls" }, "observability:dockerHost", /unix:\/\/\//],
    ["unix scheme inside another", { dockerHost: "my-unix:///var/run/docker.sock" }, "observability:dockerHost", /unix:\/\/\//],
    ["tcp host with a path", { dockerHost: "tcp://docker.internal:2375/v1" }, "observability:dockerHost", /tcp:\/\//],
    ["tcp scheme inside another", { dockerHost: "xtcp://docker.internal:2375" }, "observability:dockerHost", /tcp:\/\//],
    ["ssh host with a path", { dockerHost: "ssh://deploy@host:22/path" }, "observability:dockerHost", /ssh:\/\//],
    ["named pipe outside the local pipe namespace", { dockerHost: "npipe:////server/pipe/docker_engine" }, "observability:dockerHost", /npipe:\/\/\/\/\.\/pipe/],
    ["ssh scheme inside another", { dockerHost: "xssh://host" }, "observability:dockerHost", /ssh:\/\//],
    ["address with a fifth digit group before it", { publish: { address: "1127.0.0.1" } }, "observability:publish.address", /IPv4/],
    ["address with a port", { publish: { address: "127.0.0.1:3000" } }, "observability:publish.address", /IPv4/],
    ["log size without its unit", { logRotation: { maxSize: "10" } }, "observability:logRotation.maxSize", /k, m or g/],
    ["log size in a unit Docker does not take", { logRotation: { maxSize: "10mb" } }, "observability:logRotation.maxSize", /k, m or g/],
    ["log size after a word", { logRotation: { maxSize: "x10m" } }, "observability:logRotation.maxSize", /k, m or g/],
    ["fractional log file count", { logRotation: { maxFiles: 2.5 } }, "observability:logRotation.maxFiles", /an integer from 1 to 100/],
    ["log file count above the bound", { logRotation: { maxFiles: 101 } }, "observability:logRotation.maxFiles", /from 1 to 100/],
    ["log file count below the bound", { logRotation: { maxFiles: 0 } }, "observability:logRotation.maxFiles", /from 1 to 100/],
    ["log file count as text", { logRotation: { maxFiles: "3" } }, "observability:logRotation.maxFiles", /an integer/],
    ["infinite ingestion rate", { loki: { ingestionRateMb: Infinity } }, "observability:loki.ingestionRateMb", /a number from 0.1 to 1024/],
    ["ingestion rate not a number (YAML .nan)", { loki: { ingestionRateMb: NaN } }, "observability:loki.ingestionRateMb", /a number from 0.1 to 1024/],
    ["unknown Loki key: the allowed ones listed alphabetically", { loki: { retentionDays: 3 } }, "observability:loki.retentionDays", /allowed keys: compactionInterval, deleteDelay, ingestionBurstSizeMb, ingestionRateMb, replicas, retention, storage$/],
    ["error ratio above 1", { alerts: { lokiErrorRatio: 1.5 } }, "observability:alerts.lokiErrorRatio", /from 0.0001 to 1/],
    ["traceback threshold zero", { alerts: { tracebacksPer5m: 0 } }, "observability:alerts.tracebacksPer5m", /from 1 to/],
    ["disk ratio of 1", { alerts: { dataDiskUsedRatio: 1 } }, "observability:alerts.dataDiskUsedRatio", /from 0.1 to 0.99/],
    ["Falco flag as text", { falco: { enabled: "yes" } }, "observability:falco.enabled", /true or false/],
    ["applications as one string", { applications: "web" }, "observability:applications", /list of applications/],
    ["an application listed twice", { applications: ["web", { name: "web" }] }, "observability:applications[1].name", /listed twice/],
    ["application name starting with a dash", { applications: ["-web"] }, "observability:applications[0].name", /Docker container name/],
    ["metrics address with a path", { applications: [{ name: "db", metrics: "db:9187/metrics" }] }, "observability:applications[0].metrics", /host:port/],
    ["metrics address after a dash", { applications: [{ name: "db", metrics: "-db:9187" }] }, "observability:applications[0].metrics", /host:port/],
    ["label key starting with a dash", { applicationLabel: "-logging=on" }, "observability:applicationLabel", /key=value/],
    ["label on two lines", { applicationLabel: "logging=on\nother=1" }, "observability:applicationLabel", /key=value/],
    ["Prometheus size in words", { prometheus: { retentionSize: "5 gigabytes" } }, "observability:prometheus.retentionSize", /512MB or 5GB/],
    ["external URL without a scheme", { grafana: { ...external, externalUrl: "g.example.com" } }, "observability:grafana.externalUrl", /http\(s\):\/\/ URL/],
    ["external URL after a word", { grafana: { ...external, externalUrl: "see https://g.example.com" } }, "observability:grafana.externalUrl", /http\(s\)/],
    ["external URL with a space in its path", { grafana: { ...external, externalUrl: "https://g.example.com/a b" } }, "observability:grafana.externalUrl", /http\(s\)/],
    ["Loki URL of another scheme", { grafana: { ...external, lokiUrl: "ftp://l.example.com" } }, "observability:grafana.lokiUrl", /http\(s\)/],
    ["Prometheus URL of another scheme", { grafana: { ...external, prometheusUrl: "ftp://p.example.com" } }, "observability:grafana.prometheusUrl", /http\(s\)/],
    ["admin user starting with a dash", { grafana: { adminUser: "-admin" } }, "observability:grafana.adminUser", /user name/],
    ["contact point kind with a suffix", { grafana: { contactPoint: { kind: "none-at-all" } } }, "observability:grafana.contactPoint.kind", /email, webhook, slack or none/],
    ["no email addresses", { grafana: { ...email, contactPoint: { kind: "email", addresses: [] } } }, "observability:grafana.contactPoint.addresses", /non-empty list of email addresses/],
    ["email addresses as one string", { grafana: { ...email, contactPoint: { kind: "email", addresses: "ops@example.com" } } }, "observability:grafana.contactPoint.addresses", /list of email/],
    ["one address that is not one", { grafana: { ...email, contactPoint: { kind: "email", addresses: ["ops@example.com", "ops"] } } }, "observability:grafana.contactPoint.addresses", /email addresses/],
    ["an address that is a number", { grafana: { ...email, contactPoint: { kind: "email", addresses: [42] } } }, "observability:grafana.contactPoint.addresses", /email addresses/],
    ["SMTP sender with a comment", { grafana: { ...email, smtp: { host: "smtp.example.com:587", from: "alerts@example.com (ops)" } } }, "observability:grafana.smtp.from", /email address/],
    ["SMTP sender after a word", { grafana: { ...email, smtp: { host: "smtp.example.com:587", from: "ops alerts@example.com" } } }, "observability:grafana.smtp.from", /email address/],
    ["SMTP host with a path", { grafana: { ...email, smtp: { host: "smtp.example.com:587/tls", from: "alerts@example.com" } } }, "observability:grafana.smtp.host", /host:port of the mail relay/],
    ["memory in an unknown unit", { resources: { loki: { memory: "1Tb" } } }, "observability:resources.loki.memory", /memory size/],
);

// Kubernetes: a cluster stack's base (platform and the one required key), then one bad value each.
const cluster = (extra: Record<string, unknown> = {}, kubernetes: Record<string, unknown> = {}) => ({ platform: "kubernetes", kubernetes: { grafanaUrl: "http://127.0.0.1:3000", ...kubernetes }, ...extra });
BAD.push(
    ["an unknown platform", { platform: "k8s" }, "observability:platform", /docker or kubernetes/],
    ["kubernetes settings on a Docker stack", { kubernetes: { namespace: "obs" } }, "observability:kubernetes", /applies to platform kubernetes only; this stack's platform is docker/],
    ["a Docker host on a cluster", cluster({ dockerHost: "unix:///var/run/docker.sock" }), "observability:dockerHost", /applies to platform docker only; this stack's platform is kubernetes/],
    ["published ports on a cluster", cluster({ publish: { grafana: 3000 } }), "observability:publish", /platform docker only/],
    ["a cluster without Grafana's API URL", { platform: "kubernetes" }, "observability:kubernetes.grafanaUrl", /is required: .*node port.*port-forward/],
    ["a namespace with capitals", cluster({}, { namespace: "Observability" }), "observability:kubernetes.namespace", /lowercase/],
    ["a node port outside the range", cluster({}, { grafanaNodePort: 3000 }), "observability:kubernetes.grafanaNodePort", /30000-32767/],
    ["an ingress without its host", cluster({}, { ingress: { className: "nginx" } }), "observability:kubernetes.ingress.host", /is required/],
    ["a volume size of zero", cluster({}, { volumes: { loki: 0 } }), "observability:kubernetes.volumes.loki", /from 1 to 65536/],
    ["a chart version range", cluster({ charts: { loki: "^18.11.0" } }), "observability:charts.loki", /exact chart version.*ranges/],
    ["a chart version without its patch", { charts: { grafana: "12.11" } }, "observability:charts.grafana", /exact chart version/],
    ["an unknown chart", { charts: { tempo: "1.0.0" } }, "observability:charts.tempo", /unknown key; allowed keys: alloy, falco, grafana, loki, prometheus/],
    ["Promtail on a cluster", cluster({ collector: "promtail" }), "observability:collector", /on Kubernetes the collector is Alloy/],
    ["the demo on a cluster", cluster({ demo: { enabled: true } }), "observability:demo.enabled", /Docker only/],
    ["two Lokis on one volume each", cluster({ loki: { replicas: 2 } }), "observability:loki.replicas", /needs an object store/],
    ["an object store on Docker", { loki: { storage: { type: "s3", bucket: "logs" } } }, "observability:loki.storage.type", /Kubernetes; on Docker/],
    ["an unknown object store", cluster({ loki: { storage: { type: "minio" } } }), "observability:loki.storage.type", /filesystem, s3, gcs, azure/],
    ["an object store without its bucket", cluster({ loki: { storage: { type: "s3" } } }), "observability:loki.storage.bucket", /is required/],
    ["an S3 endpoint with its scheme", cluster({ loki: { storage: { type: "s3", bucket: "logs", endpoint: "https://minio:9000" } } }), "observability:loki.storage.endpoint", /no scheme/],
    ["Azure without its account", cluster({ loki: { storage: { type: "azure", bucket: "logs" } } }), "observability:loki.storage.accountName", /storage account/],
    ["a bucket on the filesystem", cluster({ loki: { storage: { type: "filesystem", bucket: "logs" } } }), "observability:loki.storage.bucket", /unknown key/],
);

/** The value at a key's path in the raw configuration ("observability:a.b[1].c"), if the path leads to one. */
function rawValue(raw: Record<string, unknown>, key: string): unknown {
    let v: any = raw;
    for (const part of key.replace(/^observability:/, "").split(/\.|\[(\d+)\]\.?/).filter((p) => p !== undefined && p !== "")) {
        if (v === null || typeof v !== "object") return undefined;
        v = v[part];
    }
    return v;
}

describe.each(BAD)("rejects %s", (_title, raw, key, allowed) => {
    test("names the key, the bad value and what is allowed", () => {
        const error = rejection(raw);
        expect(error.key).toBe(key);
        expect(error.message).toContain(key);
        expect(error.message).toMatch(allowed);
        const configured = rawValue(raw, key);
        if (configured !== undefined) expect(error.value).toEqual(configured);
        expect(error.message).toContain(JSON.stringify(error.value) ?? "undefined");
    });
});

// Values at the edge of what is allowed, each read as written.
const GOOD: Array<[string, Record<string, unknown>, (s: ReturnType<typeof parse>) => unknown, unknown]> = [
    ["the lowest and highest ports", { publish: { prometheus: 1, grafana: 65535 } }, (s) => s.publish.ports, { prometheus: 1, grafana: 65535 }],
    ...["250.249.199.10", "249.250.10.199", "199.10.250.249", "10.199.249.250"].map(
        (address) => [`address ${address} (each octet form first and later)`, { publish: { address, allowNetwork: true } }, (s: ReturnType<typeof parse>) => s.publish.address, address] as [string, Record<string, unknown>, (s: ReturnType<typeof parse>) => unknown, unknown],
    ),
    ["memory exactly at a service's minimum", { resources: { loki: { memory: `${MIN_MEMORY_MB.loki}Mi` } } }, (s) => s.resources.loki.memoryMb, MIN_MEMORY_MB.loki],
    ["burst equal to the rate", { loki: { ingestionRateMb: 8, ingestionBurstSizeMb: 8 } }, (s) => s.loki.ingestionBurstSizeMb, 8],
    ["a three-digit log size", { logRotation: { maxSize: "100m", maxFiles: 5 } }, (s) => s.logRotation, { maxSize: "100m", maxFiles: 5 }],
    ["log size in g", { logRotation: { maxSize: "1g" } }, (s) => s.logRotation.maxSize, "1g"],
    ["tcp Docker host without a slash", { dockerHost: "tcp://docker.internal:2375" }, (s) => s.dockerHost, "tcp://docker.internal:2375"],
    ["tcp Docker host with a slash", { dockerHost: "tcp://10.0.0.5:2376/" }, (s) => s.dockerHost, "tcp://10.0.0.5:2376/"],
    ["ssh Docker host without user or port", { dockerHost: "ssh://logs.example.com" }, (s) => s.dockerHost, "ssh://logs.example.com"],
    ["ssh Docker host with a user only", { dockerHost: "ssh://deploy@logs.example.com" }, (s) => s.dockerHost, "ssh://deploy@logs.example.com"],
    ["external Grafana over http with a path", { grafana: { ...external, externalUrl: "http://grafana.internal:3000/grafana" } }, (s) => s.grafana.externalUrl, "http://grafana.internal:3000/grafana"],
    ["alert thresholds", { alerts: { lokiErrorRatio: 0.1, tracebacksPer5m: 3, dataDiskUsedRatio: 0.9 } }, (s) => [s.alerts.lokiErrorRatio, s.alerts.tracebacksPer5m, s.alerts.dataDiskUsedRatio], [0.1, 3, 0.9]],
    ["Falco off, privileged, demo on", { falco: { enabled: false, privileged: true }, demo: { enabled: true } }, (s) => [s.falco, s.demo], [{ enabled: false, privileged: true }, { enabled: true }]],
    ["Grafana admin user", { grafana: { adminUser: "ops" } }, (s) => s.grafana.adminUser, "ops"],
    ["email addresses", { grafana: { ...email, contactPoint: { kind: "email", addresses: ["a@example.com", "b@example.org"] } } }, (s) => s.grafana.contactPoint, { kind: "email", addresses: ["a@example.com", "b@example.org"] }],
    ["Prometheus size", { prometheus: { retentionSize: "5GB" } }, (s) => s.prometheus.retentionSize, "5GB"],
    ["an application's metrics address", { applications: [{ name: "db", kind: "postgres", metrics: "db-exporter:9187" }] }, (s) => s.applications, [{ name: "db", kind: "postgres", metrics: "db-exporter:9187" }]],
];

describe.each(GOOD)("accepts %s", (_title, raw, read, expected) => {
    test("and reads it as written", () => expect(read(parse(raw))).toEqual(expected));
});

test("defaults the README documents (configuration table)", () => {
    const s = parse({});
    expect(s.falco).toEqual({ enabled: true, privileged: false });
    expect(s.demo).toEqual({ enabled: false });
    expect(s.grafana.adminUser).toBe("admin");
    expect(s.prometheus.retentionSize).toBeUndefined();
    expect([s.prometheus.scrapeInterval.text, s.prometheus.retention.text]).toEqual(["30s", "15d"]);
    expect([s.loki.retention.text, s.loki.deleteDelay.text, s.loki.ingestionRateMb, s.loki.ingestionBurstSizeMb]).toEqual(["168h", "2h", 4, 6]);
    expect(s.logRotation).toEqual({ maxSize: "10m", maxFiles: 3 });
    expect(s.applications).toEqual([]);
    expect(s.applicationLabel).toBeUndefined();
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

describe("stack configuration as the engine hands it over", () => {
    test("only this program's namespace, with structured values decoded from JSON and plain strings kept", () => {
        const raw = rawConfig({
            "observability:loki": JSON.stringify({ retention: "72h" }),
            "observability:collector": "alloy",
            "observability:retainVolumes": "true",
            "docker:host": "tcp://elsewhere:2375",
            "otherproject:collector": "promtail",
        });
        expect(raw).toEqual({ loki: { retention: "72h" }, collector: "alloy", retainVolumes: true });
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
    test("a Slack contact point without its URL names the secret key; with it, it passes", () => {
        const s = parse({ grafana: { contactPoint: { kind: "slack" } } });
        expect(() => requireSecrets(s, {})).toThrow(/observability:contactPointUrl.*slack contact point.*--secret/);
        expect(() => requireSecrets(s, { contactPointUrl: {} as any })).not.toThrow();
        expect(() => requireSecrets(parse({}), {})).not.toThrow();
    });
    test("an external Grafana without credentials names the secret key", () => {
        const s = parse({ grafana: { externalUrl: "https://grafana.example.com", lokiUrl: "https://loki.example.com", prometheusUrl: "https://prom.example.com" } });
        expect(() => requireSecrets(s, {})).toThrow(/observability:grafanaAuth.*--secret/);
    });
    test("an SMTP login without its password names the secret key; with it, or without a login, it passes", () => {
        const smtp = { host: "smtp.example.com:587", from: "alerts@example.com" };
        const withUser = parse({ grafana: { contactPoint: { kind: "email", addresses: ["oncall@example.com"] }, smtp: { ...smtp, user: "alerts" } } });
        expect(() => requireSecrets(withUser, {})).toThrow(/observability:smtpPassword.*--secret/);
        expect(() => requireSecrets(withUser, { smtpPassword: {} as any })).not.toThrow();
        expect(() => requireSecrets(parse({ grafana: { contactPoint: { kind: "email", addresses: ["oncall@example.com"] }, smtp } }), {})).not.toThrow();
    });
    test("object store credentials: Azure needs its key; S3's come in pairs or not at all (the pod's identity); none on Docker", () => {
        const store = (storage: Record<string, unknown>) => parse(cluster({ loki: { storage } }));
        const azure = store({ type: "azure", bucket: "logs", accountName: "obslogs" });
        expect(() => requireSecrets(azure, {})).toThrow(/observability:lokiStorageKey.*azure.*--secret lokiStorageKey/);
        expect(() => requireSecrets(azure, { lokiStorageKey: {} as any })).not.toThrow();
        const s3 = store({ type: "s3", bucket: "logs", endpoint: "minio.storage:9000" });
        expect(() => requireSecrets(s3, {})).not.toThrow();
        expect(() => requireSecrets(s3, { lokiStorageKeyId: {} as any })).toThrow(/observability:lokiStorageKey .*in pairs/);
        expect(() => requireSecrets(s3, { lokiStorageKey: {} as any })).toThrow(/observability:lokiStorageKeyId .*in pairs/);
        expect(() => requireSecrets(s3, { lokiStorageKeyId: {} as any, lokiStorageKey: {} as any })).not.toThrow();
        expect(() => requireSecrets(parse({}), { kubeconfig: {} as any })).toThrow(/observability:kubeconfig .*platform kubernetes only/);
    });
});

describe("a Kubernetes stack's settings", () => {
    test("defaults: the prefix as namespace, the cluster's storage class, the charts' volume sizes, pinned charts, one Loki on its volume", () => {
        const s = parse(cluster());
        expect(s.kubernetes).toEqual({ namespace: "obs-test", grafanaUrl: "http://127.0.0.1:3000", volumes: { loki: 10, prometheus: 8, grafana: 2, alertmanager: 1 }, context: undefined, storageClass: undefined, grafanaNodePort: undefined, ingress: undefined });
        expect(s.charts).toEqual({ loki: "18.11.0", grafana: "12.11.1", alloy: "1.11.1", prometheus: "29.27.0", falco: "9.1.0" });
        expect([s.loki.storage, s.loki.replicas]).toEqual([{ type: "filesystem" }, 1]);
    });
    test("three Lokis on S3, read as written", () => {
        const s = parse(cluster({ loki: { replicas: 3, storage: { type: "s3", bucket: "logs", region: "eu-west-1" } } }));
        expect([s.loki.replicas, s.loki.storage]).toEqual([3, { type: "s3", bucket: "logs", region: "eu-west-1", endpoint: undefined, accountName: undefined }]);
    });
});

describe("the engine's root and storage driver", () => {
    const parse = (extra: Record<string, unknown>) => parseSettings("dev", { ...rawConfig(stackConfig("dev")), ...extra });
    test("default to a Linux install's, and take what `docker info` says", () => {
        expect([parse({}).dockerRoot, parse({}).dockerStorageDriver]).toEqual(["/var/lib/docker", "overlay2"]);
        expect([parse({ dockerRoot: "/srv/docker", dockerStorageDriver: "vfs" }).dockerRoot, parse({ dockerStorageDriver: "overlayfs" }).dockerStorageDriver]).toEqual(["/srv/docker", "overlayfs"]);
    });
    test.each([
        ["dockerRoot", "var/lib/docker", /absolute path/],
        ["dockerRoot", "/var/lib/docker/", /absolute path/],
        ["dockerRoot", "/var/lib/../../etc", /absolute path/],
        ["dockerStorageDriver", "aufs", /overlay2, fuse-overlayfs, btrfs, zfs, vfs, overlayfs/],
    ])("%s %s is refused", (key, value, message) => {
        expect(() => parse({ [key]: value })).toThrow(new RegExp(`observability:${key}.*${message.source}`, "s"));
    });
});
