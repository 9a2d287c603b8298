// repository[:tag][@sha256:digest], registry host with optional port allowed.
const IMAGE = /^((?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;
// An exact release: at least major.minor, optionally a suffix ("17.6-alpine", "v3.14.0").
const EXACT_TAG = /^v?\d+\.\d+(\.\d+)*([-+_.][A-Za-z0-9.]+)*$/;

/** True for an image reference pinned to an exact version or a digest; false for latest, tagless or floating tags. */
export function isPinnedImage(ref: string): boolean {
    const m = IMAGE.exec(ref);
    if (!m) return false;
    const [, , tag, digest] = m;
    return Boolean(digest || (tag && tag !== "latest" && EXACT_TAG.test(tag)));
}
