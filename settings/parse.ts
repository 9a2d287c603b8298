import { DEFAULT_CHARTS, DEFAULT_DOCKER_ROOT, DEFAULT_DOCKER_STORAGE_DRIVER, DEFAULT_KUBERNETES_VOLUMES, DEFAULT_PLATFORM, DOCKER_STORAGE_DRIVERS } from "./defaults";
import { DEFAULT_COLLECTOR, DEFAULT_DOCKER_HOST, DEFAULT_IMAGES, DEFAULT_OUTAGE_TOLERANCE, DEFAULT_PROTECT_VOLUMES, DEFAULT_RETAIN_VOLUMES, DEFAULT_PORTS, DEFAULT_RESOURCES, MIN_MEMORY_MB } from "./defaults";
import { SettingsError } from "./errors";
import { Fields } from "./fields";
import { isPinnedImage } from "./images";
import { APPLICATION_KINDS, Application, ApplicationKind, COLLECTORS, Collector, ContactPointSettings, PUBLISHABLE, Publishable, SERVICES, Service, Settings, SmtpSettings } from "./types";
import { CHARTS, ChartName, KubernetesSettings, LOKI_STORAGE_TYPES, LokiStorage, LokiStorageType, PLATFORMS, Platform } from "./types";
import { parsePrometheusSize } from "./units";
import { cpusRoundTrip, dockerCpus } from "../configs/dockerForms";

export const NAMESPACE = "observability";

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const LABEL = /^([a-zA-Z0-9][a-zA-Z0-9_.-]*)=(.+)$/;
const HOST_PORT = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*:\d{1,5}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const KIND = new RegExp(`^(${APPLICATION_KINDS.join("|")})$`);
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const URL_PATTERN = /^https?:\/\/[^\s/]+(\/[^\s]*)?$/;
/**
 * Longest Grafana UID suffix the program derives from the prefix ("-application-logs", a dashboard): a
 * prefix of this length still gives UIDs of at most 40 characters. tests/settings/parse.test.ts checks
 * every derived UID for the longest prefix.
 */
const MAX_PREFIX = 40 - "-application-logs".length;
/**
 * Turns the raw stack configuration (key without namespace -> value, objects already parsed)
 * into validated settings with every default applied. Throws SettingsError on the first bad value.
 */
export function parseSettings(stack: string, raw: Record<string, unknown>): Settings {
    const root = new Fields(NAMESPACE, raw, ":");
    const platform = root.string("platform", DEFAULT_PLATFORM, new RegExp(`^(${PLATFORMS.join("|")})$`), `expected ${PLATFORMS.join(" or ")}`) as Platform;
    // A Docker setting on a cluster (or the reverse) would be ignored silently: refused, naming the platform it needs.
    for (const key of platform === "kubernetes" ? DOCKER_ONLY : ["kubernetes"]) {
        if (root.raw(key) !== undefined) {
            throw new SettingsError(root.key(key), root.raw(key), `applies to platform ${platform === "kubernetes" ? "docker" : "kubernetes"} only; this stack's platform is ${platform}`);
        }
    }
    const environment = root.string("environment", stack, NAME, "expected a name of letters, digits, '.', '_' or '-'");
    const namePrefix = root.string(
        "namePrefix",
        `obs-${stack}`,
        new RegExp(`^[a-z0-9][a-z0-9_-]{0,${MAX_PREFIX - 1}}$`),
        `expected 1-${MAX_PREFIX} lowercase letters, digits, '_' or '-': it starts every Grafana UID (at most 40 characters of [A-Za-z0-9_-])`,
    );
    const dockerHost = root.string("dockerHost", DEFAULT_DOCKER_HOST);
    checkDockerHost(root.key("dockerHost"), dockerHost);
    // Where the engine keeps its layers: cAdvisor (Alloy's container metrics) reads each container's layer ID there.
    const dockerRoot = root.string("dockerRoot", DEFAULT_DOCKER_ROOT, /^\/(?!.*\/\.\.?(\/|$))[^\s]*[^/\s]$/, "expected the engine's DockerRootDir, an absolute path (`docker info --format '{{.DockerRootDir}}'`)");
    const dockerStorageDriver = root.string(
        "dockerStorageDriver",
        DEFAULT_DOCKER_STORAGE_DRIVER,
        new RegExp(`^(${DOCKER_STORAGE_DRIVERS.join("|")})$`),
        `expected the engine's storage driver (\`docker info --format '{{.Driver}}'\`): ${DOCKER_STORAGE_DRIVERS.join(", ")}`,
    );

    const images = parseImages(root.object("images"));
    const resources = parseResources(root.object("resources"));
    const publish = parsePublish(root.object("publish"));

    const rotation = root.object("logRotation");
    const logRotation = {
        maxSize: rotation.string("maxSize", "10m", /^\d+[kmg]$/, "expected a size with unit k, m or g (e.g. 10m)"),
        maxFiles: rotation.number("maxFiles", 3, 1, 100, true),
    };
    rotation.rejectUnknown();

    const lokiFields = root.object("loki");
    const loki = {
        retention: lokiFields.duration("retention", "168h", (d) =>
            d.seconds % 86400 === 0 ? undefined : "must be a whole number of days (a multiple of Loki's 24h index period), e.g. 72h or 30d",
        ),
        deleteDelay: lokiFields.duration("deleteDelay", "2h"),
        // How often the compactor applies retention (and, after a start, how long it first waits: Loki 3.7
        // tables_manager.go "waiting <interval> for ring to stay stable").
        compactionInterval: lokiFields.duration("compactionInterval", "10m", (d) => (d.seconds >= 60 && d.seconds <= 86400 ? undefined : "must be from 1m to 24h")),
        ingestionRateMb: lokiFields.number("ingestionRateMb", 4, 0.1, 1024),
        ingestionBurstSizeMb: lokiFields.number("ingestionBurstSizeMb", 6, 0.1, 1024),
        storage: parseLokiStorage(lokiFields, platform),
        replicas: lokiFields.number("replicas", 1, 1, 100, true),
    };
    lokiFields.rejectUnknown();
    if (loki.replicas > 1 && loki.storage.type === "filesystem") {
        // Each instance would hold part of the data on its own volume; the chart refuses it too (templates/validate.yaml:18).
        throw new SettingsError(lokiFields.key("replicas"), loki.replicas, "more than one Loki needs an object store: set loki.storage.type to s3, gcs or azure");
    }
    if (loki.ingestionBurstSizeMb < loki.ingestionRateMb) {
        throw new SettingsError(lokiFields.key("ingestionBurstSizeMb"), loki.ingestionBurstSizeMb, `must be at least ingestionRateMb (${loki.ingestionRateMb})`);
    }

    // How long a Loki outage may last without a line lost: the collectors' retries are derived from it (configs/retries.ts).
    const outageTolerance = root.duration("outageTolerance", DEFAULT_OUTAGE_TOLERANCE, (d) => (d.seconds >= 1 && d.seconds <= 86400 ? undefined : "must be from 1s to 24h"));
    const collector = root.string("collector", DEFAULT_COLLECTOR, new RegExp(`^(${COLLECTORS.join("|")})$`), `expected ${COLLECTORS.join(" or ")}`) as Collector;
    if (platform === "kubernetes" && collector !== "alloy") {
        throw new SettingsError(root.key("collector"), collector, "on Kubernetes the collector is Alloy (a DaemonSet); Promtail is end of life and has no chart here");
    }
    const applications = parseApplications(root.key("applications"), root.raw("applications"));
    const labelText = root.string("applicationLabel", undefined, LABEL, "expected key=value, e.g. logging=enabled");
    const labelMatch = labelText ? LABEL.exec(labelText) : null;
    const applicationLabel = labelMatch ? { key: labelMatch[1], value: labelMatch[2] } : undefined;

    const promFields = root.object("prometheus");
    const prometheus = {
        scrapeInterval: promFields.duration("scrapeInterval", "30s"),
        retention: promFields.duration("retention", "15d"),
        retentionSize: optionalSize(promFields, "retentionSize"),
    };
    promFields.rejectUnknown();

    const alertFields = root.object("alerts");
    const alerts = {
        // Below Loki's own limit, or Loki refuses lines before the alert can fire: by default 80% of it.
        lokiIngestionBytesPerSecond: alertFields.number("lokiIngestionBytesPerSecond", Math.round(0.8 * lokiLimitBytes(loki.ingestionRateMb)), 1, 1e12),
        lokiErrorRatio: alertFields.number("lokiErrorRatio", 0.05, 0.0001, 1),
        downFor: alertFields.duration("downFor", "2m"),
        logErrorsPerMinute: alertFields.number("logErrorsPerMinute", 10, 1, 1e9),
        logErrorsFor: alertFields.duration("logErrorsFor", "2m"),
        tracebacksPer5m: alertFields.number("tracebacksPer5m", 5, 1, 1e9),
        dataDiskUsedRatio: alertFields.number("dataDiskUsedRatio", 0.85, 0.1, 0.99),
        // How notifications are batched and repeated, for Grafana's log alerts and Alertmanager's alike.
        groupWait: alertFields.duration("groupWait", "30s"),
        groupInterval: alertFields.duration("groupInterval", "5m"),
        repeatInterval: alertFields.duration("repeatInterval", "4h"),
    };
    alertFields.rejectUnknown();
    if (alerts.lokiIngestionBytesPerSecond >= lokiLimitBytes(loki.ingestionRateMb)) {
        throw new SettingsError(
            alertFields.key("lokiIngestionBytesPerSecond"),
            alerts.lokiIngestionBytesPerSecond,
            `must be below Loki's ingestion limit (loki.ingestionRateMb ${loki.ingestionRateMb} = ${lokiLimitBytes(loki.ingestionRateMb)} bytes/s), or Loki refuses lines before the alert fires`,
        );
    }

    const falcoFields = root.object("falco");
    const falco = { enabled: falcoFields.boolean("enabled", true), privileged: falcoFields.boolean("privileged", false) };
    falcoFields.rejectUnknown();

    const grafana = parseGrafana(root.object("grafana"));
    if (platform === "docker" && !grafana.externalUrl && publish.ports.grafana === undefined) {
        throw new SettingsError(`${NAMESPACE}:publish.grafana`, false, "the stack's own Grafana must be published: Pulumi's Grafana provider reaches it there");
    }

    const demoFields = root.object("demo");
    const demo = { enabled: demoFields.boolean("enabled", false) };
    demoFields.rejectUnknown();
    if (platform === "kubernetes" && demo.enabled) {
        throw new SettingsError(demoFields.key("enabled"), true, "the demo workload runs on Docker only");
    }
    const charts = parseCharts(root.object("charts"));
    const kubernetes = platform === "kubernetes" ? parseKubernetes(root.object("kubernetes"), namePrefix, grafana.externalUrl) : undefined;

    const retainVolumes = root.boolean("retainVolumes", DEFAULT_RETAIN_VOLUMES);
    const protectVolumes = root.boolean("protectVolumes", DEFAULT_PROTECT_VOLUMES);

    // Secrets are read by load.ts through Pulumi's secret API; they are known keys here.
    for (const secret of SECRET_KEYS) root.raw(secret);
    root.rejectUnknown();

    return {
        stack, platform, kubernetes, charts, environment, namePrefix, dockerHost, dockerRoot, dockerStorageDriver, images, resources, publish, logRotation, loki,
        collector, outageTolerance, applications, applicationLabel, prometheus, alerts, falco, grafana, demo, retainVolumes, protectVolumes,
    };
}

/** Loki's per-tenant ingestion limit in bytes per second: its "MB" are MiB (grafana/loki pkg/validation/limits.go bytesInMB = 1048576). */
export function lokiLimitBytes(ingestionRateMb: number): number {
    return Math.round(ingestionRateMb * 1048576);
}

/** Keys whose values must be Pulumi secrets; read by the loader, never placed in Settings. */
export const SECRET_KEYS = ["grafanaAdminPassword", "grafanaAuth", "contactPointUrl", "smtpPassword", "kubeconfig", "lokiStorageKeyId", "lokiStorageKey"] as const;

/** Settings of one Docker engine: meaningless on a cluster. */
const DOCKER_ONLY = ["dockerHost", "dockerRoot", "dockerStorageDriver", "publish", "logRotation"];

/** Exact chart versions (semver, no range): a floating chart is a floating set of images and templates. */
const CHART_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

function parseCharts(f: Fields): Record<ChartName, string> {
    const out = {} as Record<ChartName, string>;
    for (const chart of CHARTS) {
        out[chart] = f.string(chart, DEFAULT_CHARTS[chart], CHART_VERSION, "expected an exact chart version such as 18.11.0; ranges (^, ~, x, *) and tags are refused");
    }
    f.rejectUnknown();
    return out;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function parseKubernetes(f: Fields, namePrefix: string, externalGrafana: string | undefined): KubernetesSettings {
    const context = f.string("context", undefined, /^\S+$/, "expected a kubeconfig context name");
    const namespace = f.string("namespace", namePrefix, DNS_LABEL, "expected a namespace name: at most 63 lowercase letters, digits or '-'");
    const storageClass = f.string("storageClass", undefined, HOSTNAME, "expected a StorageClass name");
    // Pulumi's Grafana provider needs a URL it can reach; cluster DNS names are reachable only inside the cluster.
    const grafanaUrl = externalGrafana ?? f.required("grafanaUrl", URL_PATTERN, "expected the http(s):// URL at which Pulumi reaches Grafana's API: an ingress, a node port, or a `kubectl port-forward`");
    if (externalGrafana && f.raw("grafanaUrl") !== undefined) {
        throw new SettingsError(f.key("grafanaUrl"), f.raw("grafanaUrl"), "applies to the stack's own Grafana; with grafana.externalUrl that URL is used");
    }
    const nodePort = f.raw("grafanaNodePort");
    if (nodePort !== undefined && (typeof nodePort !== "number" || !Number.isInteger(nodePort) || nodePort < 30000 || nodePort > 32767)) {
        throw new SettingsError(f.key("grafanaNodePort"), nodePort, "expected a port in Kubernetes' node port range, 30000-32767");
    }
    let ingress: KubernetesSettings["ingress"];
    if (f.raw("ingress") !== undefined) {
        const i = f.object("ingress");
        ingress = {
            host: i.required("host", HOSTNAME, "expected the host name Grafana is served at, e.g. grafana.example.com"),
            className: i.string("className", undefined, HOSTNAME, "expected an IngressClass name"),
        };
        i.rejectUnknown();
    }
    const v = f.object("volumes");
    const size = (name: keyof typeof DEFAULT_KUBERNETES_VOLUMES) => v.number(name, DEFAULT_KUBERNETES_VOLUMES[name], 1, 65536, true);
    const volumes = { loki: size("loki"), prometheus: size("prometheus"), grafana: size("grafana"), alertmanager: size("alertmanager") };
    v.rejectUnknown();
    f.rejectUnknown();
    return { context, namespace, storageClass, grafanaUrl, grafanaNodePort: nodePort as number | undefined, ingress, volumes };
}

function parseLokiStorage(loki: Fields, platform: Platform): LokiStorage {
    const f = loki.object("storage");
    const type = f.string("type", "filesystem", new RegExp(`^(${LOKI_STORAGE_TYPES.join("|")})$`), `expected ${LOKI_STORAGE_TYPES.join(", ")}`) as LokiStorageType;
    if (type !== "filesystem" && platform === "docker") {
        throw new SettingsError(f.key("type"), type, "an object store is for Loki on Kubernetes; on Docker Loki keeps its data on a volume (filesystem)");
    }
    const storage: LokiStorage =
        type === "filesystem"
            ? { type }
            : {
                  type,
                  bucket: f.required("bucket", /^[a-zA-Z0-9][a-zA-Z0-9._-]{1,254}$/, `expected the ${type === "azure" ? "container" : "bucket"} name`),
                  endpoint: type === "s3" ? f.string("endpoint", undefined, /^[a-zA-Z0-9.-]+(:\d{1,5})?$/, "expected host[:port] of an S3-compatible store (no scheme)") : undefined,
                  region: type === "s3" ? f.string("region", undefined, /^[a-z0-9-]+$/, "expected a region such as eu-west-1") : undefined,
                  accountName: type === "azure" ? f.required("accountName", /^[a-z0-9]{3,24}$/, "expected the storage account name") : undefined,
              };
    f.rejectUnknown();
    return storage;
}

function checkDockerHost(key: string, value: string): void {
    const ok =
        /^unix:\/\/\/[^\s]+$/.test(value) ||
        /^tcp:\/\/[a-zA-Z0-9.-]+:\d{1,5}\/?$/.test(value) ||
        /^ssh:\/\/([a-zA-Z0-9._-]+@)?[a-zA-Z0-9.-]+(:\d{1,5})?\/?$/.test(value) ||
        // Docker Desktop on Windows; the Docker client the provider uses dials it (docker/go-connections sockets_windows.go).
        /^npipe:\/\/\/\/\.\/pipe\/[A-Za-z0-9._-]+$/.test(value);
    if (!ok) {
        throw new SettingsError(key, value, "expected unix:///path/to/docker.sock, tcp://host:port, ssh://[user@]host[:port] or npipe:////./pipe/<name> (Windows)");
    }
}

function parseImages(f: Fields): Record<Service, string> {
    const out = {} as Record<Service, string>;
    for (const service of SERVICES) {
        const ref = f.string(service, DEFAULT_IMAGES[service]);
        if (!isPinnedImage(ref)) {
            throw new SettingsError(
                f.key(service),
                ref,
                "expected an image pinned to an exact version (repository:1.2.3) or a digest (@sha256:...); 'latest', tagless and floating tags are refused",
            );
        }
        out[service] = ref;
    }
    f.rejectUnknown();
    return out;
}

function parseResources(f: Fields): Record<Service, { memoryMb: number; cpus: number }> {
    const out = {} as Record<Service, { memoryMb: number; cpus: number }>;
    for (const service of SERVICES) {
        const s = f.object(service);
        const cpus = s.number("cpus", DEFAULT_RESOURCES[service].cpus, 0.01, 64);
        if (!cpusRoundTrip(cpus)) {
            // The provider would read it back in another form and replace the container on every refresh.
            throw new SettingsError(s.key("cpus"), cpus, `reads back from Docker as ${dockerCpus(cpus)}: use a value Docker keeps as written, e.g. 0.1, 0.25, 0.5, 1 or 1.5`);
        }
        out[service] = { memoryMb: s.memoryMb("memory", DEFAULT_RESOURCES[service].memoryMb, MIN_MEMORY_MB[service]), cpus };
        s.rejectUnknown();
    }
    f.rejectUnknown();
    return out;
}

function parsePublish(f: Fields): Settings["publish"] {
    const allowAllInterfaces = f.boolean("allowAllInterfaces", false);
    const address = f.string("address", "127.0.0.1");
    if (!IPV4.test(address)) {
        throw new SettingsError(f.key("address"), address, "expected an IPv4 address such as 127.0.0.1");
    }
    if (address === "0.0.0.0" && !allowAllInterfaces) {
        throw new SettingsError(f.key("address"), address, "publishes on every interface; set publish.allowAllInterfaces: true to allow it");
    }
    // Any other address beyond loopback is a network too: Loki and Prometheus answer without authentication there.
    const allowNetwork = f.boolean("allowNetwork", false);
    if (address !== "0.0.0.0" && !address.startsWith("127.") && !allowNetwork) {
        throw new SettingsError(
            f.key("address"),
            address,
            "publishes beyond loopback: everything that reaches this address gets Grafana over plain HTTP, and Prometheus and Loki (when published) without authentication; set publish.allowNetwork: true to allow it",
        );
    }
    const ports: Partial<Record<Publishable, number>> = {};
    const seen = new Map<number, string>();
    for (const service of PUBLISHABLE) {
        const v = f.raw(service);
        const fallback = service === "loki" ? undefined : DEFAULT_PORTS[service];
        const port = v === undefined ? fallback : v === false ? undefined : v;
        if (port === undefined) continue;
        if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
            throw new SettingsError(f.key(service), v, "expected a port from 1 to 65535, or false to not publish");
        }
        const other = seen.get(port);
        if (other) throw new SettingsError(f.key(service), v, `port ${port} is already used by publish.${other}`);
        seen.set(port, service);
        ports[service] = port;
    }
    f.rejectUnknown();
    return { address, allowAllInterfaces, allowNetwork, ports };
}

function parseApplications(key: string, value: unknown): Application[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new SettingsError(key, value, "expected a list of applications");
    const names = new Set<string>();
    return value.map((entry, i) => {
        const itemKey = `${key}[${i}]`;
        // A bare string is shorthand for { name }.
        const f = typeof entry === "string" ? Fields.of(itemKey, { name: entry }) : Fields.of(itemKey, entry);
        const rawName = f.raw("name");
        if (rawName === undefined || rawName === "") {
            throw new SettingsError(f.key("name"), entry, "an application entry needs a non-empty container name");
        }
        const name = f.string("name", "", NAME, "expected a Docker container name (letters, digits, '.', '_', '-')");
        if (names.has(name)) throw new SettingsError(f.key("name"), name, "is listed twice");
        names.add(name);
        const app: Application = {
            name,
            kind: f.string("kind", "other", KIND, `expected one of ${APPLICATION_KINDS.join(", ")}`) as ApplicationKind,
            metrics: f.string("metrics", undefined, HOST_PORT, "expected host:port reachable from the stack's network"),
        };
        f.rejectUnknown();
        return app;
    });
}

function optionalSize(f: Fields, name: string): string | undefined {
    const v = f.raw(name);
    if (v === undefined) return undefined;
    const size = parsePrometheusSize(v);
    if (!size) throw new SettingsError(f.key(name), v, "expected a size such as 512MB or 5GB");
    return size;
}

function parseGrafana(f: Fields): Settings["grafana"] {
    const externalUrl = f.string("externalUrl", undefined, URL_PATTERN, "expected an http(s):// URL");
    const lokiUrl = f.string("lokiUrl", undefined, URL_PATTERN, "expected an http(s):// URL");
    const prometheusUrl = f.string("prometheusUrl", undefined, URL_PATTERN, "expected an http(s):// URL");
    const adminUser = f.string("adminUser", "admin", NAME, "expected a user name");
    const cp = f.object("contactPoint");
    const kind = cp.string("kind", "none", /^(email|webhook|slack|none)$/, "expected email, webhook, slack or none");
    // No default: an email contact point without addresses would mail nobody who reads it.
    const rawAddresses = cp.raw("addresses") ?? (kind === "email" ? undefined : []);
    if (!Array.isArray(rawAddresses) || (kind === "email" && rawAddresses.length === 0) || !rawAddresses.every((a) => typeof a === "string" && EMAIL.test(a))) {
        throw new SettingsError(cp.key("addresses"), rawAddresses, "expected a non-empty list of email addresses");
    }
    cp.rejectUnknown();
    const smtp = parseSmtp(f);
    f.rejectUnknown();

    if (externalUrl) {
        // Names on the stack's private network (loki:3100) mean nothing to a Grafana elsewhere.
        for (const [key, url] of [["lokiUrl", lokiUrl], ["prometheusUrl", prometheusUrl]] as const) {
            if (!url) throw new SettingsError(f.key(key), url, "is required with grafana.externalUrl: the URL at which that Grafana reaches this stack's service (publish it, behind TLS)");
        }
        if (smtp && kind !== "email") {
            throw new SettingsError(f.key("smtp"), smtp, "with an external Grafana, serves only the stack's Alertmanager for an email contact point; that Grafana sends mail with its own SMTP settings");
        }
    } else {
        for (const [key, url] of [["lokiUrl", lokiUrl], ["prometheusUrl", prometheusUrl]] as const) {
            if (url) throw new SettingsError(f.key(key), url, "applies to an external Grafana only (grafana.externalUrl); the stack's own Grafana uses the private network");
        }
    }
    if (kind === "email" && !smtp) {
        throw new SettingsError(
            f.key("smtp"),
            undefined,
            "is required for an email contact point (the stack's Alertmanager, and its own Grafana, send mail through it): set grafana.smtp.host (host:port) and grafana.smtp.from, or choose contactPoint.kind webhook, slack or none",
        );
    }
    const contactPoint: ContactPointSettings = { kind: kind as ContactPointSettings["kind"], addresses: rawAddresses as string[] };
    return { externalUrl, lokiUrl, prometheusUrl, adminUser, contactPoint, smtp };
}

function parseSmtp(grafana: Fields): SmtpSettings | undefined {
    if (grafana.raw("smtp") === undefined) return undefined;
    const f = grafana.object("smtp");
    const smtp: SmtpSettings = {
        host: f.required("host", HOST_PORT, "expected host:port of the mail relay, e.g. smtp.example.com:587"),
        from: f.required("from", EMAIL, "expected the sender's email address"),
        user: f.string("user", undefined),
    };
    f.rejectUnknown();
    return smtp;
}
