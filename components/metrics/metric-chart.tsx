"use client";

// One chart as a figure: a title, a text summary (the latest figures, read by everyone and by
// screen readers: the drawing itself is hidden from them), and the drawing (recharts). A chart
// with nothing to draw says why instead of showing empty axes.
import { useId } from "react";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatTick } from "./metric-format";

export interface ChartSeries {
  key: string;
  name: string;
  /** at least 3:1 against white (WCAG 1.4.11) */
  color: string;
}

export type ChartRow = { t: number } & Record<string, number | null>;

export interface MetricChartProps {
  title: string;
  testId: string;
  rows: ChartRow[];
  series: ChartSeries[];
  kind: "line" | "stacked" | "bar";
  format: (n: number) => string;
  summary: string;
  /** why there is nothing to draw (null: draw) */
  empty: string | null;
  withDate: boolean;
  quota?: { value: number; label: string };
  /** counts: ticks at whole numbers only */
  integer?: boolean;
}

export const CHART_COLORS = { blue: "#2563eb", green: "#047857", amber: "#b45309", red: "#dc2626", violet: "#7c3aed", slate: "#475569" } as const;

export function MetricChart(p: MetricChartProps) {
  const titleId = useId();
  const common = { data: p.rows, margin: { top: 4, right: 8, bottom: 0, left: 0 }, accessibilityLayer: false };
  const axes = (
    <>
      <CartesianGrid stroke="#e2e8f0" vertical={false} />
      <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={(v: number) => formatTick(v, p.withDate)} tick={{ fontSize: 11, fill: "#475569" }} minTickGap={24} />
      <YAxis tickFormatter={(v: number) => p.format(v)} tick={{ fontSize: 11, fill: "#475569" }} width={64} allowDecimals={!p.integer} />
      <Tooltip labelFormatter={(v) => new Date(Number(v)).toLocaleString()} formatter={(v) => (typeof v === "number" ? p.format(v) : String(v))} />
      {p.series.length > 1 ? <Legend wrapperStyle={{ fontSize: 11 }} /> : null}
      {p.quota ? <ReferenceLine y={p.quota.value} stroke={CHART_COLORS.red} strokeDasharray="4 3" label={{ value: p.quota.label, position: "insideTopRight", fontSize: 11, fill: "#b91c1c" }} ifOverflow="extendDomain" /> : null}
    </>
  );
  return (
    <figure className="min-w-0 rounded-md border border-slate-200 p-3" aria-labelledby={titleId} data-testid={p.testId}>
      <figcaption>
        <h3 id={titleId} className="text-sm font-semibold text-slate-900">{p.title}</h3>
        <p className="text-xs text-slate-600" data-testid={`${p.testId}-summary`}>{p.summary}</p>
      </figcaption>
      {p.empty ? (
        <p className="mt-2 flex h-40 items-center justify-center rounded bg-slate-50 px-4 text-center text-sm text-slate-600" data-testid={`${p.testId}-empty`}>{p.empty}</p>
      ) : (
        <div className="mt-2 h-40" aria-hidden="true">
          <ResponsiveContainer width="100%" height="100%">
            {p.kind === "bar" ? (
              <BarChart {...common}>
                {axes}
                {p.series.map((s) => <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.color} isAnimationActive={false} />)}
              </BarChart>
            ) : p.kind === "stacked" ? (
              <AreaChart {...common}>
                {axes}
                {p.series.map((s) => <Area key={s.key} dataKey={s.key} name={s.name} stackId="1" stroke={s.color} fill={s.color} fillOpacity={0.5} isAnimationActive={false} connectNulls={false} type="monotone" />)}
              </AreaChart>
            ) : (
              <LineChart {...common}>
                {axes}
                {p.series.map((s) => <Line key={s.key} dataKey={s.key} name={s.name} stroke={s.color} dot={false} strokeWidth={2} isAnimationActive={false} connectNulls={false} type="monotone" />)}
              </LineChart>
            )}
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}
