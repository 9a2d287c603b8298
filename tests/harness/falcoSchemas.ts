/**
 * Falco 0.44.1's own schemas for falco.yaml and rule files, extracted from falcosecurity/falco at that tag
 * (userspace/falco/config_json_schema.h, userspace/engine/rule_json_schema.h): Falco validates both on load.
 */
export const configSchema = require("../fixtures/falco/config.schema.json");
export const rulesSchema = require("../fixtures/falco/rules.schema.json");

/** Falco's priorities, most severe first, as its rule schema lists them (INFO and INFORMATIONAL are one level). */
export const FALCO_SEVERITY: string[] = (rulesSchema.definitions.Priority.enum as string[]).filter((p) => p !== "INFO");
