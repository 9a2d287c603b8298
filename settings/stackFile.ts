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
