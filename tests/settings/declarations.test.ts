import * as fs from "fs";
import * as yaml from "js-yaml";
import { SettingsError } from "../../settings/errors";
import { NAMESPACE, parseSettings } from "../../settings/parse";
import { DECLARED, NOT_DECLARED } from "../../settings/declarations";
import { PROJECT_FILE, declaredProject } from "../../scripts/declareConfig";

const projectText = fs.readFileSync(PROJECT_FILE, "utf8");
const project = yaml.load(projectText) as { name: string; config: Record<string, any> };
const README = fs.readFileSync(`${__dirname}/../../README.md`, "utf8");

/** The top-level keys the parser accepts, as its unknown-key error lists them to users. */
function acceptedKeys(): string[] {
    try {
        parseSettings("probe", { "no-such-key": 1 });
    } catch (e) {
        if (e instanceof SettingsError) return /allowed keys: (.*)$/.exec(e.message)![1].split(", ");
        throw e;
    }
    throw new Error("an unknown key was accepted");
}

describe("Pulumi.yaml config declarations", () => {
    test("the project is the settings' namespace, so undeclared-namespace keys are this program's", () => {
        expect(project.name).toBe(NAMESPACE);
    });

    test("Pulumi.yaml is what `npm run declare-config` writes (regenerate after changing settings/declarations.ts)", () => {
        expect(projectText).toBe(declaredProject(projectText));
    });

    test("declares keys, with a type, a description and a default each", () => {
        const keys = Object.keys(project.config);
        expect(keys.length).toBeGreaterThan(0);
        for (const key of keys) {
            expect(["string", "integer", "boolean"]).toContain(project.config[key].type);
            expect(project.config[key].description).toEqual(expect.any(String));
            // Without a default Pulumi requires the key in every stack: none of ours is required.
            expect(project.config[key]).toHaveProperty("default");
            expect(project.config[key].secret).toBeUndefined();
        }
    });

    test("every declared default is what the settings parser applies when the key is absent", () => {
        const parsed = parseSettings("probe", {}) as unknown as Record<string, unknown>;
        // A duration is declared by its text.
        const plain = (v: unknown) => (v !== null && typeof v === "object" && "text" in v ? (v as { text: string }).text : v);
        for (const [key, decl] of Object.entries(project.config)) expect([key, plain(parsed[key])]).toEqual([key, decl.default]);
    });

    test("the parser accepts a value of each declared type and refuses another type", () => {
        const other = { string: 42, boolean: "yes", integer: "ten" } as Record<string, unknown>;
        for (const [key, decl] of Object.entries(project.config)) {
            expect(() => parseSettings("probe", { [key]: decl.default })).not.toThrow();
            expect(() => parseSettings("probe", { [key]: other[decl.type] })).toThrow(new RegExp(`${NAMESPACE}:${key}`));
        }
    });

    test("every key not declared says why: a secret (README), a mapping, a list of mappings, or no default to declare", () => {
        const secrets = /Secrets, only ever set with `pulumi config set --secret`:([^.]*)/.exec(README)![1];
        const parsed = parseSettings("probe", {}) as unknown as Record<string, unknown>;
        for (const [key, reason] of Object.entries(NOT_DECLARED)) {
            const value = parsed[key];
            const why =
                (secrets.includes(`\`${key}\``) ? /^a secret, optional without a default; a declaration without a default would make it required/ : undefined) ??
                (Array.isArray(value) ? /^a list whose entries may be mappings/ : undefined) ??
                (value !== null && typeof value === "object" ? /^a YAML mapping: Pulumi project config has no object type$/ : undefined) ??
                /a declaration without a default would make it required$/;
            expect([key, reason]).toEqual([key, expect.stringMatching(why)]);
        }
    });

    test("every key the parser accepts is declared or listed as not expressible, and nothing else", () => {
        const accounted = [...Object.keys(DECLARED), ...Object.keys(NOT_DECLARED)].sort();
        expect(accounted).toEqual(acceptedKeys().sort());
        expect(Object.keys(DECLARED).filter((k) => k in NOT_DECLARED)).toEqual([]);
    });

    test("the README's configuration section names every key", () => {
        const missing = acceptedKeys().filter((k) => !README.includes(`\`${k}`));
        expect(missing).toEqual([]);
    });
});
