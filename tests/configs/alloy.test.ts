import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderAlloyConfig } from "../../configs/alloy/config";
import { Ref, renderAlloy } from "../../configs/alloy/syntax";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { stackConfig } from "../harness/stackFiles";
import { parseAlloy } from "../harness/alloyParse";
import { stacks } from "../harness/stackFiles";
import { besideProject } from "../harness/sharedTools";
import { lazy } from "../harness/lazy";

/** ../shared/tools/alloy-check: Alloy v1.18.1's own parser plus every component's schema (see ../shared/README.md). */
const CHECKER = process.env.ALLOY_CHECK ?? besideProject(path.join("shared", "tools", "alloy-check"));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alloy-"));

function check(name: string, text: string): { status: number | null; out: string } {
    if (!fs.existsSync(CHECKER)) throw new Error(`alloy-check not found at ${CHECKER}: set ALLOY_CHECK (it is in ../shared/tools)`);
    const file = path.join(dir, `${name}.alloy`);
    fs.writeFileSync(file, text);
    const r = spawnSync(CHECKER, ["-strict", file], { encoding: "utf8" });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

// Every stack file, run with Alloy whatever it names, and with its own applications, Falco and label.
describe.each(stacks())("the %s stack's Alloy file", (stack) => {
    const text = lazy(() => renderAlloyConfig(parseSettings(stack, { ...rawConfig(stackConfig(stack)), collector: "alloy" })));
    test("passes alloy-check -strict (Alloy v1.18.1's parser and component schemas)", () => {
        expect(check(stack, text())).toEqual({ status: 0, out: "" });
    });
    test("reads back to the same structure the renderer was given", () => {
        const blocks = parseAlloy(text());
        expect(blocks.map((b) => `${b.name}.${b.label}`)).toEqual(expect.arrayContaining(["discovery.docker.containers", "loki.source.docker.containers", "loki.write.loki"]));
    });
});

describe("alloy-check catches what a broken file gets wrong", () => {
    const good = lazy(() => renderAlloyConfig(parseSettings("dev", { collector: "alloy" })));
    test.each([
        ["an unknown attribute", (g: string) => g.replace("refresh_interval =", "refresh_interval_typo =")],
        ["a reference to a component that does not exist", (g: string) => g.replace("loki.write.loki.receiver", "loki.write.nowhere.receiver")],
        ["a missing required attribute", (g: string) => g.replace(/\s+url = "http:\/\/loki:3100\/loki\/api\/v1\/push"/, "")],
        ["an unterminated string", (g: string) => g.replace('"15s"', '"15s')],
    ])("%s", (_what, breakIt) => {
        const broken = breakIt(good());
        expect(broken).not.toBe(good());
        const r = check("broken", broken);
        expect(r.status).toBe(1);
        expect(r.out).toMatch(/broken\.alloy:\d+:\d+: /);
    });
});

describe("the Alloy syntax writer", () => {
    test("escapes strings, writes lists, objects with quoted keys, numbers, booleans and references", () => {
        const text = renderAlloy([
            { name: "loki.write", label: "out", blocks: [{ name: "endpoint", attributes: [["url", "http://x/\"q\"\\path\n"], ["headers", { "X-Scope-OrgID": "a b", plain: "c" }], ["max_backoff_retries", 3], ["retry_on_http_429", false]] }] },
            { name: "loki.process", label: "p", attributes: [["forward_to", [new Ref("loki.write.out.receiver")]]], blocks: [{ name: "stage.labels", attributes: [["values", { level: "" }]] }] },
        ]);
        expect(check("writer", text)).toEqual({ status: 0, out: "" });
        const [write, process] = parseAlloy(text);
        expect(write.blocks[0].attributes).toEqual({ url: "http://x/\"q\"\\path\n", headers: { "X-Scope-OrgID": "a b", plain: "c" }, max_backoff_retries: 3, retry_on_http_429: false });
        expect(process.attributes.forward_to).toEqual([{ ref: "loki.write.out.receiver" }]);
    });
    test("leaves out undefined attributes, refuses names and references Alloy would not read", () => {
        expect(renderAlloy([{ name: "discovery.relabel", label: "x", attributes: [["targets", []], ["unused", undefined]] }])).not.toContain("unused");
        expect(() => renderAlloy([{ name: "bad name", attributes: [] }])).toThrow(/block name/);
        expect(() => renderAlloy([{ name: "loki.write", attributes: [["bad-attr", 1]] }])).toThrow(/attribute name/);
        expect(() => new Ref("not a ref")).toThrow(/reference/);
        expect(() => renderAlloy([{ name: "x.y", attributes: [["n", Number.NaN]] }])).toThrow(/finite/);
    });
});

test("the checker is the real one: it knows Alloy's components", () => {
    expect(execFileSync(CHECKER, ["-describe", "loki.source.docker"], { encoding: "utf8" })).toMatch(/relabel_rules/);
});
