// Docker's reference grammar (distribution/reference regexp.go): repository[:tag][@digest]. A first component
// is a registry host only when it looks like one (a dot, a port, or localhost), as Docker normalises names.
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:localhost(?::\\d+)?|${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})+(?::\\d+)?|${DOMAIN_COMPONENT}:\\d+)`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const IMAGE = new RegExp(`^(?:${DOMAIN}\\/)?(?:${PATH_COMPONENT}\\/)*(${PATH_COMPONENT})(?::([\\w][\\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`);
// An exact release: major.minor.patch, then a variant ("3.7.3-amd64", "v3.14.0"). "13.1" is a moving tag (13.1.x).
const EXACT_TAG = /^v?\d+\.\d+\.\d+([-+_][A-Za-z0-9.]+)*$/;
// Software whose releases have two parts: PostgreSQL since 10 (major.minor, postgresql.org/support/versioning).
const TWO_PART_RELEASES = new Set(["postgres"]);
const TWO_PART_TAG = /^\d+\.\d+([-+_][A-Za-z0-9.]+)*$/;

/** True for an image reference pinned to an exact version or a digest; false for latest, tagless or floating tags. */
export function isPinnedImage(ref: string): boolean {
    const m = IMAGE.exec(ref);
    if (!m) return false;
    const [, name, tag, digest] = m;
    // "latest" is refused like any other tag without a full version.
    return Boolean(digest || (tag && (EXACT_TAG.test(tag) || (TWO_PART_RELEASES.has(name) && TWO_PART_TAG.test(tag)))));
}
