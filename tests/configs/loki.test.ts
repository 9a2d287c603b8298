import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { lokiConfig, renderLokiConfig } from "../../configs/loki";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { stackConfig, stacks } from "../harness/stackFiles";
import { tool } from "../harness/tools";

// The rendered file as Loki 3.7 itself reads it (`-verify-config`: parse, defaults, validation), in the unit
// tier so that a mutation run sees it; test:real also starts Loki on it.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loki-verify-"));

function verify(name: string, text: string): { status: number | null; out: string } {
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(file, text);
    const r = tool("loki").run(["-verify-config", `-config.file=${file}`]);
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test.each(stacks())("the %s stack's Loki file passes loki -verify-config", (stack) => {
    const settings = parseSettings(stack, rawConfig(stackConfig(stack)));
    const r = verify(stack, renderLokiConfig(settings));
    expect({ status: r.status, out: r.out }).toEqual({ status: 0, out: expect.stringMatching(/config is valid/) });
});

test("the check is not a rubber stamp: retention without a delete request store is refused", () => {
    const settings = parseSettings("dev", rawConfig(stackConfig("dev")));
    const broken = renderLokiConfig(settings).replace(/delete_request_store: \S+/, 'delete_request_store: ""');
    expect(broken).not.toBe(renderLokiConfig(settings));
    expect(verify("broken", broken).status).not.toBe(0);
});

describe.each(stacks())("the %s stack's Loki: what keeps stored logs readable and Loki starting anywhere", (stack) => {
    const cfg = () => lokiConfig(parseSettings(stack, rawConfig(stackConfig(stack))));

    test("the storage schema Loki 3 documents for new installs (TSDB, v13, a daily index): changing it strands stored logs", () => {
        expect(cfg().schema_config.configs).toEqual([{ from: "2024-01-01", store: "tsdb", object_store: "filesystem", schema: "v13", index: { prefix: "index_", period: "24h" } }]);
    });

    test("one instance, its ring in memory, announced on loopback (no guessing an interface by name)", () => {
        expect(cfg().common).toEqual(expect.objectContaining({ instance_addr: "127.0.0.1", replication_factor: 1, ring: { kvstore: { store: "inmemory" } } }));
    });
});
