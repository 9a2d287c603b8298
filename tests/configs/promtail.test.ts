import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PYTHON_FIRSTLINE } from "../../configs/collection";
import { promtailConfig, renderPromtailConfig } from "../../configs/promtail";
import { parseSettings } from "../../settings/parse";
import { rawConfig } from "../../settings/load";
import { selected } from "../harness/selectors";
import { tool } from "../harness/tools";
import { stackConfig, dockerStacks } from "../harness/stackFiles";
import { pythonEntries } from "../real/appLogs";

// The entries the real-binaries tier writes: a record's first line starts an entry, every other line continues it.
const entries = [...pythonEntries("quiet", 3, 3), ...pythonEntries("trigger", 3, 3)];
const firstline = new RegExp(PYTHON_FIRSTLINE);

test.each(entries.map((e) => [e[0], e] as const))("%s starts a record; its other lines continue it", (_, entry) => {
    expect(firstline.test(entry[0])).toBe(true);
    for (const line of entry.slice(1)) expect({ line, starts: firstline.test(line) }).toEqual({ line, starts: false });
});

test("the multiline stage applies to the Python applications only, with that first line", () => {
    const settings = parseSettings("dev", {
        applications: [
            { name: "shop", kind: "python" },
            { name: "db", kind: "postgres" },
        ],
        falco: { enabled: false },
    });
    const stages = promtailConfig(settings).scrape_configs[0].pipeline_stages as any[];
    expect(stages).toEqual([{ match: { selector: '{container=~"shop"}', stages: [{ multiline: expect.objectContaining({ firstline: PYTHON_FIRSTLINE }) }] } }]);
});

test("tracebacks are joined for each Python application and no other container; with none, no multiline stage", () => {
    const stagesFor = (applications: unknown[]) =>
        promtailConfig(parseSettings("dev", { applications, falco: { enabled: false } })).scrape_configs[0].pipeline_stages as any[];
    const [joined] = stagesFor([
        { name: "shop", kind: "python" },
        { name: "cart", kind: "python" },
        { name: "db", kind: "postgres" },
    ]);
    const reads = (container: string) => selected(joined.match.selector, [{ container }]).length > 0;
    expect(["shop", "cart", "db", "shopcart", "shop-old"].map(reads)).toEqual([true, true, false, false, false]);
    expect(stagesFor([{ name: "db", kind: "postgres" }])).toEqual([]);
});

// The rendered file as Promtail 3.6 itself reads it (`-check-syntax`: parse, durations, log level), in the unit
// tier so that a mutation run sees it; test:real also starts Promtail on it.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "promtail-check-"));

function checkSyntax(name: string, text: string): { status: number | null; out: string } {
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(file, text);
    const r = tool("promtail").run(["-check-syntax", `-config.file=${file}`]);
    return { status: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

test.each(dockerStacks())("the %s stack's Promtail file, run with Promtail, passes promtail -check-syntax", (stack) => {
    const text = renderPromtailConfig(parseSettings(stack, { ...rawConfig(stackConfig(stack)), collector: "promtail" }));
    expect(checkSyntax(stack, text)).toEqual({ status: 0, out: expect.stringMatching(/Valid config file/) });
});

test("the check is not a rubber stamp: an empty duration is refused", () => {
    const good = renderPromtailConfig(parseSettings("prod", rawConfig(stackConfig("prod"))));
    const broken = good.replace(/sync_period: \S+/, 'sync_period: ""');
    expect(broken).not.toBe(good);
    expect(checkSyntax("broken", broken).status).not.toBe(0);
});
