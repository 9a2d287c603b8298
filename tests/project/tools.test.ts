import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { resolveTool } from "../harness/tools";

// The image path (step 3) needs an engine: tests/engine/tools.test.ts runs it with a stand-in image carrying the real Loki.
const emptyDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "no-tools-"));

test("an explicit variable wins over everything else", () => {
    const fake = path.join(emptyDir(), "loki");
    fs.writeFileSync(fake, "#!/bin/sh\necho from-variable\n", { mode: 0o755 });
    const shared = emptyDir();
    fs.writeFileSync(path.join(shared, "loki-0.0.0-test.xz"), execFileSync("xz", ["-c"], { input: "#!/bin/sh\necho from-shared\n" }));
    const t = resolveTool("loki", { env: { LOKI_BIN: fake }, sharedTools: shared });
    expect(t.source).toBe("LOKI_BIN");
    expect(t.run([]).stdout).toBe("from-variable\n");
});

test("a variable naming a missing file is an error, not a fallback", () => {
    expect(() => resolveTool("promtail", { env: { PROMTAIL_BIN: "/nowhere/promtail" } })).toThrow("PROMTAIL_BIN=/nowhere/promtail does not exist");
});

test("without a variable, the shared tools folder (packed with xz, as ../shared/tools keeps them), unpacked once", () => {
    const dir = emptyDir();
    const name = `loki-0.0.${process.pid}-test.xz`;
    fs.writeFileSync(path.join(dir, name), execFileSync("xz", ["-c"], { input: "#!/bin/sh\necho from-shared \"$@\"\n" }));
    const t = resolveTool("loki", { env: {}, sharedTools: dir });
    expect(t.source).toBe("../shared/tools");
    expect(t.run(["-version"]).stdout).toBe("from-shared -version\n");
    expect(fs.existsSync(path.join(os.tmpdir(), "observability-tools", name.replace(/\.xz$/, "")))).toBe(true);
});

test.each(["loki", "promtail", "alloy"] as const)("%s found nowhere (no variable, no shared folder, no Docker): one error naming all three ways", (name) => {
    const r = () => resolveTool(name, { env: {}, sharedTools: emptyDir(), docker: "/nowhere/docker" });
    expect(r).toThrow(new RegExp(`^${name} not found: set [A-Z_]+ to the binary, keep \\.\\./shared/tools beside the project .*, or run Docker so the tests can run grafana/`));
});
