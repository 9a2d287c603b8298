/**
 * The stack's Falco rule "Shell in observability stack container", evaluated on every process the stack's own
 * containers start in normal operation, and on a person's shell in each of them.
 *
 * Falco cannot run here (no kernel probe); its rule semantics are modelled, the rule itself is the rendered one:
 * - `spawned_process` is an execve/execveat exit, `container` any process in a container, and `shell_binaries` the
 *   list [ash, bash, csh, ksh, sh, tcsh, zsh, dash] (falcosecurity/rules falco_rules.yaml, as shipped with 0.44.1);
 * - proc.name is the process's comm: the basename of the file execve was given, which for a script run through
 *   its `#!` line is the script's name (Linux fs/exec.c, begin_new_exec: __set_task_comm(kbasename(bprm->filename)));
 *   proc.cmdline is proc.name and the arguments; proc.vpid is 1 only for the container's first process.
 * - The processes are each image's ENTRYPOINT (read in its Dockerfile at the pinned tag, IMAGE_FACTS) or the
 *   program's override, with the program's command, then what that entrypoint execs, and each healthcheck.
 * The e2e workflow runs the real Falco on the real images (.github/workflows/e2e.yml).
 */
import * as path from "path";
import * as yaml from "js-yaml";
import { renderFalcoRules } from "../../configs/falco";
import { grafanaValues } from "../../configs/kubernetes/grafana";
import { rawConfig } from "../../settings/load";
import { parseSettings } from "../../settings/parse";
import { stackConfig } from "../harness/stackFiles";
import { byType, isSeed, seed, uploaded } from "../harness/mocks";
import { label, programFor } from "../harness/stackSpec";

const CONTAINER = "docker:index/container:Container";
const SHELLS = ["ash", "bash", "csh", "ksh", "sh", "tcsh", "zsh", "dash"];

/** A process start as Falco sees it. */
interface Exec {
    readonly container: string;
    readonly vpid: number;
    /** argv, with argv[0] the path execve was given. */
    readonly argv: readonly string[];
}

/**
 * Each image's ENTRYPOINT, and what a script entrypoint execs next (scripts: comm is the script's name).
 * Sources: grafana/loki v3.7.6 cmd/loki/Dockerfile, clients/cmd/promtail/Dockerfile; grafana/alloy v1.18.1
 * Dockerfile; docker-library/haproxy 3.2/alpine (docker-entrypoint.sh, `#!/bin/sh`, execs haproxy -W -db);
 * prometheus v3.14.0 and alertmanager v0.30.1 Dockerfiles; grafana packaging/docker/run.sh (`#!/bin/bash -e`,
 * execs grafana server); falcosecurity/falco 0.44.1 docker/falco/Dockerfile (no ENTRYPOINT).
 */
const IMAGE_ENTRYPOINT: Record<string, string[]> = {
    loki: ["/usr/bin/loki"],
    promtail: ["/usr/bin/promtail"],
    alloy: ["/bin/alloy"],
    "socket-proxy": ["docker-entrypoint.sh"],
    prometheus: ["/bin/prometheus"],
    alertmanager: ["/bin/alertmanager"],
    grafana: ["/run.sh"],
    falco: [],
};
const SCRIPT_EXECS: Record<string, (args: readonly string[]) => string[][]> = {
    "docker-entrypoint.sh": (args) => [["haproxy", "-W", "-db", ...args.slice(1)]],
    // The stack's start script resets the admin password with Grafana's CLI, then execs the image's run.sh.
    "/config/start.sh": () => [["/run.sh"]],
    "/run.sh": () => [["grafana", "server"]],
};

/** The processes a running container starts: its first process and what it execs (vpid 1), a CLI child, healthchecks. */
function processes(c: any): Exec[] {
    const component = label(c, "observability.component")!;
    const argv = [...(c.inputs.entrypoints ?? IMAGE_ENTRYPOINT[component] ?? []), ...(c.inputs.command ?? [])];
    const chain: string[][] = [argv];
    for (let i = 0; i < 5; i++) {
        const current = chain[chain.length - 1];
        // `/bin/sh script` runs the script in the same process; a script named first is exec'd through its #! line.
        const script = SHELLS.includes(path.basename(current[0])) ? current[1] : current[0];
        const next = SCRIPT_EXECS[script]?.(current);
        if (!next) break;
        chain.push(...next);
    }
    const execs = chain.map((a) => ({ container: c.inputs.name, vpid: 1, argv: a }));
    if (component === "grafana") execs.push({ container: c.inputs.name, vpid: 7, argv: ["grafana", "cli", "admin", "reset-admin-password", "--password-from-stdin"] });
    const [kind, ...check] = c.inputs.healthcheck?.tests ?? [];
    if (kind === "CMD") execs.push({ container: c.inputs.name, vpid: 42, argv: check });
    return execs;
}

/** The fields the rule reads, as Falco derives them. */
function fields(e: Exec): Record<string, string> {
    const name = path.basename(e.argv[0]);
    return { "container.name": e.container, "proc.name": name, "proc.cmdline": [name, ...e.argv.slice(1)].join(" "), "proc.vpid": String(e.vpid) };
}

/** Evaluates a Falco condition of this shape: and/or/not, parentheses, `=`, `in (...)`, `contains`, `startswith`, macros and lists. */
function evaluate(condition: string, values: Record<string, string>, lists: Record<string, string[]>, macros: Record<string, boolean>): boolean {
    const tokens = condition.match(/"[^"]*"|[()]|,|[^\s(),"]+/g) ?? [];
    let i = 0;
    const peek = () => tokens[i];
    const next = () => tokens[i++];
    const value = (t: string) => (t.startsWith('"') ? t.slice(1, -1) : t);
    const orExpr = (): boolean => {
        let v = andExpr();
        while (peek() === "or") (next(), (v = andExpr() || v));
        return v;
    };
    const andExpr = (): boolean => {
        let v = unary();
        while (peek() === "and") (next(), (v = unary() && v));
        return v;
    };
    const unary = (): boolean => {
        if (peek() === "not") return next(), !unary();
        if (peek() === "(") {
            next();
            const v = orExpr();
            if (next() !== ")") throw new Error(`expected ) in ${condition}`);
            return v;
        }
        const t = next();
        if (t in macros) return macros[t];
        if (!(t in values)) throw new Error(`unknown field or macro ${t}`);
        const op = next();
        if (op === "=") return values[t] === value(next());
        if (op === "contains") return values[t].includes(value(next()));
        if (op === "startswith") return values[t].startsWith(value(next()));
        if (op === "in") {
            if (next() !== "(") throw new Error("expected (");
            const items: string[] = [];
            while (peek() !== ")") {
                const item = value(next());
                if (item !== ",") items.push(...(lists[item] ?? [item]));
            }
            next();
            return items.includes(values[t]);
        }
        throw new Error(`unknown operator ${op}`);
    };
    const result = orExpr();
    if (i !== tokens.length) throw new Error(`unparsed: ${tokens.slice(i).join(" ")}`);
    return result;
}

for (const stack of ["dev", "staging", "prod"]) {
    describe(stack, () => {
        const program = programFor(stack, { "observability:falco": { enabled: true } });
        const rule = () => {
            const items = uploaded(seed(program.run(), "falco"), "stack_rules.yaml");
            const lists = Object.fromEntries([["shell_binaries", SHELLS], ...items.filter((x: any) => x.list).map((x: any) => [x.list, x.items])]);
            const shell = items.find((x: any) => x.rule === "Shell in observability stack container");
            return (e: Exec) => evaluate(shell.condition, fields(e), lists, { spawned_process: true, container: true });
        };
        const running = () => byType(program.run(), CONTAINER).filter((c) => !isSeed(c) && !label(c, "observability.component")!.startsWith("demo-"));

        test("no event from the stack's own starts, execs and healthchecks", () => {
            const execs = running().flatMap(processes);
            // The model sees the shells that are there: Grafana's entrypoint and the collector's bash healthcheck.
            expect(execs.filter((e) => SHELLS.includes(fields(e)["proc.name"])).length).toBeGreaterThanOrEqual(2);
            expect(execs.filter(rule()).map((e) => fields(e)["proc.cmdline"])).toEqual([]);
        });

        test("a person's shell in any stack container raises one, even the command Grafana starts with", () => {
            for (const c of running()) {
                for (const argv of [["sh"], ["/bin/bash", "-i"], ["sh", "-c", "id"], ["sh", "/config/start.sh"]]) {
                    expect([c.inputs.name, argv, rule()({ container: c.inputs.name, vpid: 57, argv })]).toEqual([c.inputs.name, argv, true]);
                }
            }
        });
    });
}

/**
 * On Kubernetes: the processes the charts' containers start (no healthcheck execs there: the charts' probes are HTTP).
 * Entrypoints as above; the chart's args replace Falco's CMD with /usr/bin/falco (falco-9.1.0 pod-template.tpl:61-66),
 * Alloy's config-reloader is prometheus-config-reloader (alloy-1.11.1 values.yaml:245-277), Prometheus' configmap-reload
 * likewise. Fields from the container plugin 0.7.1: k8s.ns.name, k8s.pod.label[...].
 */
describe("cluster (Kubernetes)", () => {
    const settings = parseSettings("cluster", rawConfig(stackConfig("cluster")));
    const ns = settings.kubernetes!.namespace;
    const shell = (yaml.load(renderFalcoRules(settings)) as any[]).find((x) => x.rule === "Shell in observability stack container");
    const PODS: Array<[string, string, string[][]]> = [
        ["loki", "loki", [["/usr/bin/loki", "-config.file=/etc/loki/config/config.yaml"]]],
        ["alloy", "alloy", [["/bin/alloy", "run", "/etc/alloy/config.alloy"]]],
        ["alloy", "config-reloader", [["/bin/prometheus-config-reloader", "--watched-dir=/etc/alloy"]]],
        ["prometheus", "prometheus-server", [["/bin/prometheus", "--config.file=/etc/config/prometheus.yml"]]],
        ["prometheus", "prometheus-server-configmap-reload", [["/bin/prometheus-config-reloader", "--watched-dir=/etc/config"]]],
        ["prometheus", "alertmanager", [["/bin/alertmanager", "--config.file=/etc/alertmanager/alertmanager.yml"]]],
        // The start script (the command the values give the chart), Grafana's CLI it runs, then the image's /run.sh.
        ["grafana", "grafana", [grafanaValues(settings).command as string[], ["grafana", "cli", "admin", "reset-admin-password", "--password-from-stdin"], ["/run.sh"], ["grafana", "server"]]],
        ["falco", "falco", [["/usr/bin/falco"]]],
    ];
    const fires = (namespace: string, release: string, argv: readonly string[], vpid = 1) => {
        const name = path.basename(argv[0]);
        const values = { "k8s.ns.name": namespace, "k8s.pod.label[app.kubernetes.io/instance]": release, "proc.name": name, "proc.cmdline": [name, ...argv.slice(1)].join(" "), "proc.vpid": String(vpid) };
        return evaluate(shell.condition, values, { shell_binaries: SHELLS }, { spawned_process: true, container: true });
    };

    test("no event from what the stack's pods start", () => {
        const events = PODS.flatMap(([chart, , execs]) => execs.filter((argv) => fires(ns, `${settings.namePrefix}-${chart}`, argv)).map((a) => a.join(" ")));
        expect(events).toEqual([]);
    });

    test("Grafana's start script is excused only as its container's first process, with that command, in the stack's Grafana", () => {
        const start = grafanaValues(settings).command as string[];
        expect(start[0]).toBe("/bin/sh");
        expect(fires(ns, `${settings.namePrefix}-grafana`, start, 1)).toBe(false);
        // A `kubectl exec` of the same command, another script, the same command in another release of the stack.
        expect(fires(ns, `${settings.namePrefix}-grafana`, start, 57)).toBe(true);
        expect(fires(ns, `${settings.namePrefix}-grafana`, ["/bin/sh", "/tmp/start.sh"], 1)).toBe(true);
        expect(fires(ns, `${settings.namePrefix}-loki`, start, 1)).toBe(true);
    });

    test("a person's shell in any of the stack's pods raises one; in an application's pod, or another stack's, none", () => {
        for (const [chart] of PODS) {
            for (const argv of [["sh"], ["/bin/bash", "-i"], ["sh", "-c", "id"]]) expect([chart, argv, fires(ns, `${settings.namePrefix}-${chart}`, argv, 57)]).toEqual([chart, argv, true]);
        }
        expect(fires("shop", "shop", ["sh"], 57)).toBe(false);
        expect(fires(ns, "someone-else", ["sh"], 57)).toBe(false);
        expect(fires("other", `${settings.namePrefix}-loki`, ["sh"], 57)).toBe(false);
    });
});
