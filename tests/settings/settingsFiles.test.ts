/**
 * The small settings modules: image references (Docker's reference grammar, distribution/reference
 * regexp.go: lowercase path components, an optional registry host with a port, tag, digest), the README's
 * defaults for declared keys, how a settings error reads, and a missing stack file.
 */
import * as fs from "fs";
import * as path from "path";
import { SettingsError } from "../../settings/errors";
import { isPinnedImage } from "../../settings/images";
import { parseSettings } from "../../settings/parse";
import { rawConfig, refusePlainTextSecrets } from "../../settings/load";
import * as os from "os";
import * as yaml from "js-yaml";
import { readStackFile } from "../../settings/stackFile";

const ROOT = path.join(__dirname, "..", "..");
const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

describe("image references: pinned means an exact version or a digest", () => {
    test.each([
        "grafana/loki:3.7.3",
        "loki:3.7.3",
        "quay.io/prometheus/prometheus:v3.14.0",
        "localhost:5000/grafana/loki:3.7.3",
        "registry.example.com:443/team/obs/loki:3.7.3-amd64",
        "ghcr.io/a/b/c:1.0.0",
        "docker.io/library/postgres:17.6-alpine3.22",
        "postgres:17.6",
        `grafana/loki@${DIGEST}`,
        `grafana/loki:latest@${DIGEST}`,
        "my_registry/x__y:1.2.0",
        "Registry.Example.com/team/loki:3.7.13",
    ])("accepted: %s", (ref) => expect(isPinnedImage(ref)).toBe(true));

    test.each([
        "grafana/loki",
        "grafana/loki:latest",
        "grafana/loki:3",
        // A minor line moves with every patch release; PostgreSQL's two-part versions are exact, others' are not.
        "grafana/loki:3.7",
        "grafana/grafana:13.1",
        "grafana/grafana:13.1-ubuntu",
        "ghcr.io/a/b/c:1.0",
        "mypostgres:17.6",
        "postgres:17",
        "grafana/loki:main",
        "Grafana/loki:3.7.3",
        " grafana/loki:3.7.3",
        "grafana/loki:3.7.3 ",
        "!grafana/loki:3.7.3",
        "grafana/loki:3.7.3!",
        "localhost:/loki:3.7.3",
        "grafana//loki:3.7.3",
        "-grafana/loki:3.7.3",
        `grafana/loki@sha256:${"0".repeat(63)}`,
        "grafana/loki:main-3.7.3",
        "grafana/loki:3.7.3-",
        "Registry/loki:3.7.3",
        "",
    ])("refused: %j", (ref) => expect(isPinnedImage(ref)).toBe(false));
});

describe("declared keys: the defaults the README's table gives", () => {
    const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const parsed = parseSettings("probe", {}) as unknown as Record<string, unknown>;
    test.each(["dockerHost", "collector", "retainVolumes"])("%s", (key) => {
        const row = new RegExp(`^\\| \`${key}\` \\| \`([^\`]+)\` \\|`, "m").exec(README);
        expect(row).not.toBeNull();
        expect(String(parsed[key])).toBe(row![1]);
    });
});

test("a settings error reads as one: its name, the key, the value and what is allowed", () => {
    const e = new SettingsError("observability:collector", "fluentd", "alloy or promtail");
    expect(String(e)).toBe('SettingsError: Invalid stack configuration observability:collector = "fluentd": alloy or promtail');
    expect(e).toBeInstanceOf(Error);
});

test("a stack with no stack file: an error naming the file", () => {
    const file = path.join(ROOT, "Pulumi.no-such-stack.yaml");
    expect(fs.existsSync(file)).toBe(false);
    expect(() => readStackFile("no-such-stack", ROOT)).toThrow(`no stack file ${file}`);
});

test("a setting in a misspelled namespace is refused, naming the key; other programs' namespaces pass", () => {
    expect(() => rawConfig({ "observabilty:loki": '{"retention":"720h"}' })).toThrow(/observabilty:loki.*namespace observabilty, not observability: a typo\?/);
    expect(() => rawConfig({ "obsrevability:collector": "promtail" })).toThrow(/a typo\?/);
    expect(rawConfig({ "docker:host": "unix:///x", "grafana:url": "http://g", "aws:region": "x", "observability:collector": "promtail" })).toEqual({ collector: "promtail" });
});

describe("a secret written in plain text in a stack file", () => {
    const project = (config: Record<string, unknown>) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "obs-plain-"));
        fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), yaml.dump({ config }));
        return dir;
    };
    test("is refused, naming the key and the command that fixes it", () => {
        const dir = project({ "observability:namePrefix": "obs-dev", "observability:grafanaAdminPassword": "hunter2" });
        expect(() => refusePlainTextSecrets("dev", dir)).toThrow(
            "Invalid stack configuration observability:grafanaAdminPassword = \"<not shown>\": is in plain text in Pulumi.dev.yaml: remove the line, change the value (it may be in git's history), and set it with `pulumi config set --secret grafanaAdminPassword <value> --stack dev`",
        );
        expect(() => refusePlainTextSecrets("dev", project({ "observability:smtpPassword": "" }))).toThrow(/observability:smtpPassword = "<not shown>": is in plain text/);
    });
    test("passes as `secure:`, or when absent; other keys are not secrets", () => {
        expect(() => refusePlainTextSecrets("dev", project({ "observability:contactPointUrl": { secure: "v1:abc" }, "observability:namePrefix": "x" }))).not.toThrow();
        expect(() => refusePlainTextSecrets("nostack", project({}))).not.toThrow();
    });
    test("the project's own stack files hold no plain-text secret", () => {
        for (const stack of ["dev", "staging", "prod"]) expect(() => refusePlainTextSecrets(stack, path.join(__dirname, "..", ".."))).not.toThrow();
    });
});
