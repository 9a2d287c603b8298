import * as bargauge from "@grafana/grafana-foundation-sdk/bargauge";
import * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as logs from "@grafana/grafana-foundation-sdk/logs";
import * as loki from "@grafana/grafana-foundation-sdk/loki";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";

/** A query in the language of its datasource; tests parse every one with that language's grammar. */
export interface Query {
    readonly language: "logql" | "promql";
    readonly expr: string;
    readonly legend?: string;
    /** Evaluate once over the dashboard range instead of as a series. */
    readonly instant?: boolean;
}

export interface PanelSpec {
    readonly title: string;
    readonly kind: "timeseries" | "logs" | "stat" | "bargauge";
    readonly description: string;
    readonly queries: readonly Query[];
    readonly unit?: string;
    /** Width in grid columns (of 24). */
    readonly width?: number;
}

export interface DashboardSpec {
    readonly uid: string;
    readonly title: string;
    readonly tags: readonly string[];
    readonly panels: readonly PanelSpec[];
}

export interface Datasources {
    readonly loki: string;
    readonly prometheus: string;
}

function target(q: Query, ds: Datasources, refId: string): cog.Builder<cog.Dataquery> {
    if (q.language === "logql") {
        const b = new loki.DataqueryBuilder().expr(q.expr).refId(refId).datasource({ type: "loki", uid: ds.loki });
        if (q.legend) b.legendFormat(q.legend);
        if (q.instant) b.queryType("instant");
        return b;
    }
    const b = new prometheus.DataqueryBuilder().expr(q.expr).refId(refId).datasource({ type: "prometheus", uid: ds.prometheus });
    if (q.legend) b.legendFormat(q.legend);
    return q.instant ? b.instant() : b.range();
}

function panel(spec: PanelSpec) {
    switch (spec.kind) {
        case "logs":
            return new logs.PanelBuilder().showTime(true).wrapLogMessage(true).enableLogDetails(true).sortOrder(common_descending());
        case "stat":
            return new stat.PanelBuilder();
        case "bargauge":
            return new bargauge.PanelBuilder();
        case "timeseries":
            return new timeseries.PanelBuilder();
    }
}

function common_descending() {
    return "Descending" as Parameters<logs.PanelBuilder["sortOrder"]>[0];
}

/** Builds a classic-model dashboard with the foundation SDK: rows of panels, stable UID, read-only in the UI. */
export function buildDashboard(spec: DashboardSpec, ds: Datasources): dashboard.Dashboard {
    const builder = new dashboard.DashboardBuilder(spec.title)
        .uid(spec.uid)
        .tags([...spec.tags])
        .refresh("1m")
        .time({ from: "now-6h", to: "now" })
        .timezone("browser")
        // Dashboards are code: the UI offers no save, and an edit made anyway is drift the next `up` reverts.
        .readonly()
        .tooltip(dashboard.DashboardCursorSync.Crosshair);
    for (const p of spec.panels) {
        const b = panel(p)
            .title(p.title)
            .description(p.description)
            .span(p.width ?? 12)
            .height(p.kind === "logs" ? 10 : 8)
            .targets(p.queries.map((q, i) => target(q, ds, String.fromCharCode(65 + i))));
        if (p.unit) b.unit(p.unit);
        builder.withPanel(b);
    }
    return builder.build();
}
