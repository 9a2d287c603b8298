import * as yaml from "js-yaml";

/** The single YAML serialiser: deterministic output (same object, same bytes), no anchors, no folding. */
export function toYaml(document: object): string {
    return yaml.dump(document, { noRefs: true, lineWidth: -1, quotingType: '"' });
}
