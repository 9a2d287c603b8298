import { byType } from "../harness/mocks";
import { programFor } from "../harness/stackSpec";

// The staging stack file on an ssh:// engine, as a deploy from CI reaches it.
const program = programFor("staging", { "observability:dockerHost": "ssh://deploy@logs.example.com:2222" });

test("the Docker provider reaches an ssh:// engine with the host key pinned and no prompt", () => {
    const [provider] = byType(program.run(), "pulumi:providers:docker");
    const decode = (v: unknown) => (typeof v === "string" && v.startsWith("[") ? JSON.parse(v) : v);
    expect({ host: provider.inputs.host, sshOpts: decode(provider.inputs.sshOpts) }).toEqual({
        host: "ssh://deploy@logs.example.com:2222",
        sshOpts: ["-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes"],
    });
});
