import { DOCKER_SSH_OPTS, dockerSshCommand, grafanaTunnelCommand } from "../../configs/dockerSsh";

// Expected argv as docker/cli v28.5.2 builds it: ssh/ssh.go args() puts -l, -p, the flags (with connhelper.go's
// "-o ConnectTimeout=30" and "-T" appended), then "--", the host and the quoted remote command.
test("user, port, the program's options, the helper's timeout and -T, then the host and dial-stdio", () => {
    expect(dockerSshCommand("ssh://deploy@logs.example.com:2222")).toEqual([
        "-l", "deploy", "-p", "2222", "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o ConnectTimeout=30", "-T", "--", "logs.example.com", "docker system dial-stdio",
    ]);
    expect(DOCKER_SSH_OPTS).toEqual(["-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes"]);
});

test("no user or port: ssh's own defaults; a socket path: the remote docker is told where the engine is", () => {
    expect(dockerSshCommand("ssh://logs.example.com/run/user/1000/docker.sock", [])).toEqual([
        "-o ConnectTimeout=30", "-T", "--", "logs.example.com", "docker --host=unix:///run/user/1000/docker.sock system dial-stdio",
    ]);
});

test("a timeout or -T already given is not added again; only ssh:// is accepted", () => {
    expect(dockerSshCommand("ssh://h", ["-o", "ConnectTimeout=5", "-T"])).toEqual(["-o", "ConnectTimeout=5", "-T", "--", "h", "docker system dial-stdio"]);
    expect(() => dockerSshCommand("tcp://h:2375")).toThrow(/not an ssh/);
});

test("Grafana's tunnel: the same user, port and options, a forward of the published address and port, in the background", () => {
    expect(grafanaTunnelCommand("ssh://deploy@logs.example.com:2222", "127.0.0.1", 3001)).toEqual([
        "-l", "deploy", "-p", "2222", "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "-f", "-N", "-L", "127.0.0.1:3001:127.0.0.1:3001", "--", "logs.example.com",
    ]);
});
