import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

/**
 * Reads Pulumi.<stack>.yaml into the flat map the Pulumi engine hands to a program
 * ("namespace:key" -> text, structured values as JSON), for tools that run without the engine.
 */
export function readStackFile(stack: string, projectDir: string, overrides: Record<string, unknown> = {}): Record<string, string> {
    const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) throw new Error(`no stack file ${file}`);
    const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const merged = { ...(doc.config ?? {}), ...overrides };
    return Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/**
 * Secret keys written in plain text in Pulumi.<stack>.yaml (not as `secure:` values): they would be committed to git
 * as they are. Returns the keys; an absent file has none.
 */
export function plainTextSecrets(stack: string, projectDir: string, namespace: string, secretKeys: readonly string[]): string[] {
    const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) return [];
    const config = ((yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> }).config ?? {};
    return secretKeys.filter((key) => {
        const value = config[`${namespace}:${key}`];
        return value !== undefined && !(value !== null && typeof value === "object" && "secure" in value);
    });
}
