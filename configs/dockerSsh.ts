/**
 * How the Docker provider reaches an `ssh://` engine, as data: kreuzwerker v4.5.0 (internal/provider/config.go)
 * hands the host and the provider's `sshOpts` to docker/cli v28.5.2's connection helper, which runs
 * `ssh [-l user] [-p port] <sshOpts> [-o ConnectTimeout=30] [-T] -- host docker system dial-stdio` and speaks the
 * Engine API over its stdin/stdout (cli/connhelper/connhelper.go getConnectionHelper, ssh/ssh.go args/Command).
 * The preflight runs the very same command, so a host it reaches is a host the provider reaches.
 */

/**
 * The program's ssh options: the engine's host key must already be known (pinned in ~/.ssh/known_hosts, which the
 * workflows write from the repository's `known_hosts` file), and no prompt may wait for a password.
 */
export const DOCKER_SSH_OPTS: readonly string[] = ["-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes"];

/** The ssh arguments the provider's connection helper runs for `dockerHost` (ssh://[user@]host[:port][/socket]). */
export function dockerSshCommand(dockerHost: string, sshOpts: readonly string[] = DOCKER_SSH_OPTS): string[] {
    const url = new URL(dockerHost);
    if (url.protocol !== "ssh:") throw new Error(`not an ssh:// Docker host: ${dockerHost}`);
    const flags = [...sshOpts];
    if (!flags.join("").includes("ConnectTimeout")) flags.push("-o ConnectTimeout=30");
    if (!flags.includes("-T")) flags.push("-T");
    const socket = url.pathname.replace(/^\/+|\/+$/g, "");
    const remote = socket ? `docker --host=unix:///${socket} system dial-stdio` : "docker system dial-stdio";
    return [...(url.username ? ["-l", url.username] : []), ...(url.port ? ["-p", url.port] : []), ...flags, "--", url.hostname, remote];
}

/**
 * ssh arguments that forward this machine's `address:port` to the same address and port on the engine's host, where
 * the stack publishes Grafana: Pulumi's Grafana provider then reaches it at the URL the program gives it
 * (http://<publish.address>:<port>). Backgrounds once the forward is up (-f, ExitOnForwardFailure).
 */
export function grafanaTunnelCommand(dockerHost: string, address: string, port: number, sshOpts: readonly string[] = DOCKER_SSH_OPTS): string[] {
    const url = new URL(dockerHost);
    if (url.protocol !== "ssh:") throw new Error(`not an ssh:// Docker host: ${dockerHost}`);
    const forward = `${address}:${port}:${address}:${port}`;
    return [...(url.username ? ["-l", url.username] : []), ...(url.port ? ["-p", url.port] : []), ...sshOpts, "-o", "ExitOnForwardFailure=yes", "-f", "-N", "-L", forward, "--", url.hostname];
}
