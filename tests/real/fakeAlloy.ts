/**
 * Stands in for Alloy's HTTP port where Alloy cannot run (no build of it here): its own /metrics and its two
 * exporters' endpoints (/api/v0/component/<id>/metrics), serving metrics in the names and labels node_exporter
 * and cAdvisor use, with values made for the tests: Loki's disk 90% full, Prometheus's 50%; every stack
 * container using CPU and memory under its limit. The real Prometheus scrapes it with the rendered config.
 */
import * as http from "http";
import { CONTAINER_EXPORTER, DATA_MOUNT_DIR, HOST_EXPORTER } from "../../configs/alloy/config";

export interface FakeAlloy {
    readonly address: string;
    stop(): Promise<void>;
}

export const DISK_USED: Readonly<Record<string, number>> = { loki: 0.9, prometheus: 0.5 };

function hostMetrics(): string {
    const size = 100 * 1024 ** 3;
    return Object.entries(DISK_USED)
        .flatMap(([service, used]) => {
            const labels = `device="/dev/sda1",fstype="ext4",mountpoint="${DATA_MOUNT_DIR}/${service}"`;
            return [`node_filesystem_size_bytes{${labels}} ${size}`, `node_filesystem_avail_bytes{${labels}} ${Math.round(size * (1 - used))}`];
        })
        .join("\n");
}

function containerMetrics(containers: readonly string[], startedAt: number): string {
    const seconds = (Date.now() - startedAt) / 1000;
    return containers
        .flatMap((name, i) => {
            const labels = `id="/docker/${i}",image="stand-in",name="${name}"`;
            return [
                `container_memory_working_set_bytes{${labels}} ${(50 + i) * 1024 * 1024}`,
                `container_spec_memory_limit_bytes{${labels}} ${256 * 1024 * 1024}`,
                `container_cpu_usage_seconds_total{${labels},cpu="total"} ${(0.05 * seconds).toFixed(3)}`,
                `container_spec_cpu_quota{${labels}} 25000`,
                `container_spec_cpu_period{${labels}} 100000`,
            ];
        })
        .join("\n");
}

export function startFakeAlloy(port: number, containers: readonly string[]): Promise<FakeAlloy> {
    const startedAt = Date.now() - 60_000;
    const server = http.createServer((req, res) => {
        const body =
            req.url === "/metrics"
                ? "alloy_build_info{version=\"v1.18.1\"} 1"
                : req.url === `/api/v0/component/${HOST_EXPORTER}/metrics`
                  ? hostMetrics()
                  : req.url === `/api/v0/component/${CONTAINER_EXPORTER}/metrics`
                    ? containerMetrics(containers, startedAt)
                    : undefined;
        res.statusCode = body === undefined ? 404 : 200;
        res.setHeader("content-type", "text/plain; version=0.0.4");
        res.end(body === undefined ? "" : `${body}\n`);
    });
    return new Promise((resolve) =>
        server.listen(port, "127.0.0.1", () => resolve({ address: `127.0.0.1:${port}`, stop: () => new Promise((r) => server.close(() => r())) })),
    );
}
