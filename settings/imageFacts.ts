import { Service } from "./types";

/**
 * What each pinned image contains, read in its upstream Dockerfile at the pinned tag. Components rely
 * on these facts (which user runs, which directories that user owns, which tool a healthcheck can
 * call); the engine tests build stand-in images from them, so a wrong fact fails there, not in production.
 */
export interface ImageFacts {
    /** uid[:gid] the image runs as (its USER), as Docker resolves it. */
    readonly user: string;
    /** Directories the image creates for that user: a named volume mounted there inherits the owner. */
    readonly ownedDirs: ReadonlyArray<{ readonly path: string; readonly owner: string; readonly mode: string }>;
    /** The healthcheck's executable, and why it exists in the image. */
    readonly healthcheckTool: string;
    /** Repository, tag and file the facts were read in. */
    readonly source: string;
    /** The image's ENTRYPOINT, where the program wraps it (Grafana's start script). */
    readonly entrypoint?: readonly string[];
    /** The image's ENV that the program relies on. */
    readonly env?: Readonly<Record<string, string>>;
}

export const IMAGE_FACTS: Readonly<Record<Service, ImageFacts>> = {
    loki: {
        // distroless/static:nonroot; `USER 10001`; /loki chowned to 10001 (COPY --chown=10001:10001).
        user: "10001",
        ownedDirs: [{ path: "/loki", owner: "10001:10001", mode: "755" }],
        // No shell, no wget: the binary's own `-health` flag (cmd/loki/health.go, same tag) probes /ready.
        healthcheckTool: "/usr/bin/loki",
        source: "grafana/loki v3.7.6 cmd/loki/Dockerfile",
    },
    alloy: {
        // Ubuntu noble base; no USER (runs as root: "non-root support ... experimental"); creates /var/lib/alloy/data
        // owned by alloy (473) mode 770. bash from the base image; no curl, no wget installed.
        user: "0",
        ownedDirs: [{ path: "/var/lib/alloy/data", owner: "473:473", mode: "770" }],
        healthcheckTool: "bash",
        source: "grafana/alloy v1.18.1 Dockerfile",
    },
    promtail: {
        // Ubuntu noble base, no USER: root. bash comes with the base image; no curl, no wget installed.
        user: "0",
        ownedDirs: [],
        healthcheckTool: "bash",
        source: "grafana/loki v3.6.11 clients/cmd/promtail/Dockerfile",
    },
    socketProxy: {
        // The official haproxy:3.2 Alpine image (docker-library/haproxy 3.2/alpine/Dockerfile): `USER haproxy`, created
        // with uid/gid 99; ENTRYPOINT docker-entrypoint.sh, which runs `haproxy -W -db "$@"`; STOPSIGNAL SIGUSR1; no
        // haproxy.cfg shipped. busybox wget from the Alpine base. The program runs it as root (SocketProxy).
        user: "99:99",
        ownedDirs: [{ path: "/var/lib/haproxy", owner: "99:99", mode: "755" }],
        healthcheckTool: "wget",
        source: "docker-library/haproxy 3.2/alpine/Dockerfile and docker-entrypoint.sh (3.2.21)",
    },
    prometheus: {
        // quay.io/prometheus/busybox base (wget); `USER nobody`; /prometheus chowned to nobody.
        user: "65534",
        ownedDirs: [{ path: "/prometheus", owner: "65534:65534", mode: "775" }],
        healthcheckTool: "wget",
        source: "prometheus/prometheus v3.14.0 Dockerfile",
    },
    alertmanager: {
        // quay.io/prometheus/busybox base (wget); `USER nobody`; /alertmanager chowned to nobody, g+w; ENTRYPOINT
        // /bin/alertmanager, WORKDIR /alertmanager (the data directory, a VOLUME).
        user: "65534",
        ownedDirs: [{ path: "/alertmanager", owner: "65534:65534", mode: "775" }],
        healthcheckTool: "wget",
        source: "prometheus/alertmanager v0.30.1 Dockerfile",
    },
    grafana: {
        // alpine base with curl installed explicitly; `USER 472` (GF_UID), group 0; /var/lib/grafana mode 777.
        user: "472:0",
        ownedDirs: [{ path: "/var/lib/grafana", owner: "472:0", mode: "777" }],
        healthcheckTool: "curl",
        source: "grafana/grafana Dockerfile (alpine final stage, GF_UID=472, GF_GID=0) and packaging/docker/run.sh, as built for 13.1.2",
        // `ENTRYPOINT [ "/run.sh" ]`; run.sh starts `grafana server` with these paths, and `grafana` is on PATH.
        entrypoint: ["/run.sh"],
        env: {
            PATH: "/usr/share/grafana/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            GF_PATHS_CONFIG: "/etc/grafana/grafana.ini",
            GF_PATHS_DATA: "/var/lib/grafana",
            GF_PATHS_HOME: "/usr/share/grafana",
            GF_PATHS_LOGS: "/var/log/grafana",
            GF_PATHS_PLUGINS: "/var/lib/grafana/plugins",
            GF_PATHS_PROVISIONING: "/etc/grafana/provisioning",
        },
    },
    falco: {
        // Wolfi base with `apk add curl ca-certificates jq libstdc++`: curl, no wget. No USER: root. HOST_ROOT=/host.
        user: "0",
        ownedDirs: [],
        healthcheckTool: "curl",
        source: "falcosecurity/falco 0.44.1 docker/falco/Dockerfile",
    },
    demoPostgres: {
        // alpine: postgres is uid/gid 70; PGDATA=/var/lib/postgresql/data (1777, postgres-owned); /var/run/postgresql 3777.
        user: "70:70",
        ownedDirs: [
            { path: "/var/lib/postgresql/data", owner: "70:70", mode: "1777" },
            { path: "/var/run/postgresql", owner: "70:70", mode: "3777" },
        ],
        healthcheckTool: "pg_isready",
        source: "docker-library/postgres 17/alpine3.22/Dockerfile (PG_VERSION 17.6)",
    },
    demoExporter: {
        // quay.io/prometheus/busybox base (wget); `USER nobody`.
        user: "65534",
        ownedDirs: [],
        healthcheckTool: "wget",
        source: "prometheus-community/postgres_exporter v0.17.1 Dockerfile",
    },
};
