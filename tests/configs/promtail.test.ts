import { PYTHON_FIRSTLINE } from "../../configs/collection";
import { promtailConfig } from "../../configs/promtail";
import { parseSettings } from "../../settings/parse";
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
