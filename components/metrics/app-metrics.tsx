"use client";

// The app page's metrics: container CPU, memory, network and restarts (from the engine or the
// cluster), and HTTP requests by status class and latency (from the ingress), over a range. What
// the runtime cannot show is said in words, never left as an empty chart.
import { useMemo, useState } from "react";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import type { MetricRange } from "@/server/metrics/constants";
import type { AppMetricPoint, AppMetricsDto } from "@/server/metrics/schemas";
import { CHART_COLORS, MetricChart, type ChartRow } from "./metric-chart";
import { formatBytes, formatNumber, latestAndPeak } from "./metric-format";
import { useAppMetrics } from "./queries";
import { RangePicker } from "./range-picker";

const pct = (n: number) => `${formatNumber(n)} %`;
const perSec = (n: number) => `${formatNumber(n)}/s`;
const ms = (n: number) => `${formatNumber(n)} ms`;
const bytesPerSec = (n: number) => `${formatBytes(n)}/s`;
const count = (n: number) => formatNumber(n, 0);

function rowsOf(d: AppMetricsDto): ChartRow[] {
  // Status counts are per bucket: as rates they stack to the requests per second.
  const rate = (n: number | null) => (n === null ? null : n / d.stepSeconds);
  return d.points.map((p) => ({
    t: Date.parse(p.time),
    cpu: p.cpuPercent,
    memory: p.memoryBytes,
    rx: p.netRxBytesPerSec,
    tx: p.netTxBytesPerSec,
    restarts: p.restarts,
    s2xx: rate(p.status2xx),
    s3xx: rate(p.status3xx),
    s4xx: rate(p.status4xx),
    s5xx: rate(p.status5xx),
    p50: p.latencyP50Ms,
    p95: p.latencyP95Ms,
    p99: p.latencyP99Ms,
  }));
}

function summary(points: AppMetricPoint[], pick: (p: AppMetricPoint) => number | null, format: (n: number) => string): string {
  const { latest, peak } = latestAndPeak(points, pick);
  return latest === null ? "No samples in this range." : `Latest ${format(latest)} · peak ${format(peak ?? latest)}`;
}

const hasAny = (points: AppMetricPoint[], pick: (p: AppMetricPoint) => number | null) => points.some((p) => pick(p) !== null);

export function AppMetrics({ appId }: { appId: string }) {
  const [range, setRange] = useState<MetricRange>("1h");
  const q = useAppMetrics(appId, range);
  const d = q.data;
  const rows = useMemo(() => (d ? rowsOf(d) : []), [d]);
  const withDate = range === "7d" || range === "30d";

  const containersWhy = (pick: (p: AppMetricPoint) => number | null): string | null => {
    if (!d) return null;
    if (d.sources.containers === "none") return d.sources.note ?? "This runtime does not report container figures.";
    return hasAny(d.points, pick) ? null : "No sample in this range yet: figures appear while a replica runs (every few seconds).";
  };
  const httpWhy = (pick: (p: AppMetricPoint) => number | null): string | null => {
    if (!d) return null;
    if (d.sources.http === "none") return d.sources.note ?? "Requests are not measured for this app's runtime.";
    return hasAny(d.points, pick) ? null : "No request in this range yet.";
  };

  return (
    <Card data-testid="app-metrics">
      <CardTitle className="flex flex-wrap items-center gap-3">
        Metrics
        <RangePicker value={range} onChange={setRange} label="Metrics range" />
        {d ? <span className="text-xs font-normal text-slate-600">{d.resolution === "fine" ? `every ${d.stepSeconds} s` : `${Math.round(d.stepSeconds / 60)}-minute averages`} · refreshed every 10 s</span> : null}
      </CardTitle>
      <ErrorText error={q.error} />
      {d?.sources.note ? <p className="mb-3 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700" data-testid="metrics-note">{d.sources.note}</p> : null}
      {!d && !q.error ? <p className="text-sm text-slate-600">Loading…</p> : null}
      {d ? (
        <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-3">
          <MetricChart
            title="CPU (% of one core)"
            testId="chart-cpu"
            rows={rows}
            series={[{ key: "cpu", name: "CPU", color: CHART_COLORS.blue }]}
            kind="line"
            format={pct}
            summary={summary(d.points, (p) => p.cpuPercent, pct)}
            empty={containersWhy((p) => p.cpuPercent)}
            withDate={withDate}
          />
          <MetricChart
            title="Memory"
            testId="chart-memory"
            rows={rows}
            series={[{ key: "memory", name: "Memory", color: CHART_COLORS.violet }]}
            kind="line"
            format={formatBytes}
            summary={summary(d.points, (p) => p.memoryBytes, formatBytes)}
            empty={containersWhy((p) => p.memoryBytes)}
            withDate={withDate}
          />
          <MetricChart
            title="Network"
            testId="chart-network"
            rows={rows}
            series={[
              { key: "rx", name: "received", color: CHART_COLORS.green },
              { key: "tx", name: "sent", color: CHART_COLORS.amber },
            ]}
            kind="line"
            format={bytesPerSec}
            summary={`Received: ${summary(d.points, (p) => p.netRxBytesPerSec, bytesPerSec)} Sent: ${summary(d.points, (p) => p.netTxBytesPerSec, bytesPerSec)}`}
            empty={containersWhy((p) => p.netRxBytesPerSec ?? p.netTxBytesPerSec)}
            withDate={withDate}
          />
          <MetricChart
            title="Restarts"
            testId="chart-restarts"
            rows={rows}
            series={[{ key: "restarts", name: "restarts", color: CHART_COLORS.red }]}
            kind="bar"
            integer
            format={count}
            summary={`${d.points.reduce((t, p) => t + (p.restarts ?? 0), 0)} in this range (crashes and replacements).`}
            empty={containersWhy((p) => p.restarts)}
            withDate={withDate}
          />
          <MetricChart
            title="Requests per second, by status"
            testId="chart-requests"
            rows={rows}
            series={[
              { key: "s2xx", name: "2xx", color: CHART_COLORS.green },
              { key: "s3xx", name: "3xx", color: CHART_COLORS.blue },
              { key: "s4xx", name: "4xx", color: CHART_COLORS.amber },
              { key: "s5xx", name: "5xx", color: CHART_COLORS.red },
            ]}
            kind="stacked"
            format={perSec}
            summary={requestSummary(d)}
            empty={httpWhy((p) => p.requestsPerSec)}
            withDate={withDate}
          />
          <MetricChart
            title="Latency"
            testId="chart-latency"
            rows={rows}
            series={[
              { key: "p50", name: "p50", color: CHART_COLORS.green },
              { key: "p95", name: "p95", color: CHART_COLORS.amber },
              { key: "p99", name: "p99", color: CHART_COLORS.red },
            ]}
            kind="line"
            format={ms}
            summary={latencySummary(d.points)}
            empty={httpWhy((p) => p.latencyP50Ms)}
            withDate={withDate}
          />
        </div>
      ) : null}
    </Card>
  );
}

function requestSummary(d: AppMetricsDto): string {
  const { latest, peak } = latestAndPeak(d.points, (p) => p.requestsPerSec);
  if (latest === null) return "No samples in this range.";
  const total = (pick: (p: AppMetricPoint) => number | null) => d.points.reduce((t, p) => t + (pick(p) ?? 0), 0);
  const classes = `2xx ${total((p) => p.status2xx)}, 3xx ${total((p) => p.status3xx)}, 4xx ${total((p) => p.status4xx)}, 5xx ${total((p) => p.status5xx)}`;
  return `Latest ${perSec(latest)} · peak ${perSec(peak ?? latest)} · requests in this range: ${classes}`;
}

function latencySummary(points: AppMetricPoint[]): string {
  const last = [...points].reverse().find((p) => p.latencyP50Ms !== null);
  if (!last) return "No request in this range.";
  const f = (n: number | null) => (n === null ? "—" : ms(n));
  return `Latest p50 ${f(last.latencyP50Ms)}, p95 ${f(last.latencyP95Ms)}, p99 ${f(last.latencyP99Ms)}`;
}
