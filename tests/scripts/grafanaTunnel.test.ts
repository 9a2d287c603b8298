import { tunnelPlan } from "../../scripts/grafanaTunnel";

test("staging and prod, on their ssh:// hosts, forward their published Grafana port; dev, on the local engine, needs none", () => {
    expect(tunnelPlan("staging")).toEqual({
        args: ["-l", "deploy", "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "-f", "-N", "-L", "127.0.0.1:3001:127.0.0.1:3001", "--", "logs-staging.example.com"],
        say: "tunnel: 127.0.0.1:3001 -> ssh://deploy@logs-staging.example.com 127.0.0.1:3001",
    });
    expect(tunnelPlan("prod").args).toContain("127.0.0.1:3002:127.0.0.1:3002");
    expect(tunnelPlan("dev")).toEqual({ say: "no tunnel: dev's engine is unix:///var/run/docker.sock, not an ssh:// host" });
});
