import { configHash, secretDigest } from "../../components/configSeed";

// The label that replaces a service when its configuration changes: what must and must not change it.
describe("configHash", () => {
    const files = [
        { name: "loki.yaml", content: "auth_enabled: false\n" },
        { name: "rules.yaml", content: "groups: []\n", owner: "10001:10001", permissions: "0440" },
    ];
    const hash = configHash(files);
    test("32 hex digits", () => expect(hash).toMatch(/^[0-9a-f]{32}$/));
    test("the same files in another order give the same hash (no replacement on a reordering)", () => {
        expect(configHash([...files].reverse())).toBe(hash);
    });
    test.each([
        ["content", { content: "auth_enabled: true\n" }],
        ["name", { name: "loki2.yaml" }],
        ["owner", { owner: "0:0" }],
        ["mode", { permissions: "0444" }],
    ])("a changed %s changes it", (_what, change) => {
        expect(configHash([files[0], { ...files[1], ...change }])).not.toBe(hash);
    });
    test("an owner or a mode given explicitly differs from none", () => {
        expect(configHash([{ name: "a", content: "x", owner: "0:0" }])).not.toBe(configHash([{ name: "a", content: "x" }]));
        expect(configHash([{ name: "a", content: "x", permissions: "0444" }])).not.toBe(configHash([{ name: "a", content: "x" }]));
    });
    test("moving text between two files changes it", () => {
        expect(configHash([{ name: "a", content: "xy" }, { name: "b", content: "" }])).not.toBe(configHash([{ name: "a", content: "x" }, { name: "b", content: "y" }]));
    });
});

describe("secretDigest", () => {
    const KEY = "k".repeat(64);
    const digest = secretDigest("correct horse battery staple", KEY);
    test("64 hex digits that do not contain the secret", () => {
        expect(digest).toMatch(/^[0-9a-f]{64}$/);
        expect(digest).not.toContain("correct");
    });
    test("stable for the same secret and key (no replacement on every run)", () => {
        expect(secretDigest("correct horse battery staple", KEY)).toBe(digest);
    });
    test("another secret, or the same secret under another stack's key, gives another digest", () => {
        expect(secretDigest("correct horse battery stapler", KEY)).not.toBe(digest);
        expect(secretDigest("correct horse battery staple", "j".repeat(64))).not.toBe(digest);
    });
    test("a key too short to keep guesses out is refused", () => {
        expect(() => secretDigest("x", "short")).toThrow(/at least 32/);
    });
});
