"use client";

// The team page's usage over time, each resource against its quota line: what the team ran (CPU,
// memory, storage, apps) and what its kept logs take.
import { useMemo, useState } from "react";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import type { MetricRange } from "@/server/metrics/constants";
import type { TeamUsageHistoryDto, TeamUsagePoint } from "@/server/metrics/schemas";
import { CHART_COLORS, MetricChart, type ChartRow } from "./metric-chart";
import { formatNumber, latestAndPeak } from "./metric-format";
import { useTeamUsage } from "./queries";
import { RangePicker } from "./range-picker";

const MIB = 1024 * 1024;

interface Resource {
  key: string;
  title: string;
  unit: string;
  color: string;
  pick: (p: TeamUsagePoint) => number | null;
  quota: (d: TeamUsageHistoryDto) => number;
}

const RESOURCES: Resource[] = [
  { key: "cpu", title: "CPU", unit: "millicores", color: CHART_COLORS.blue, pick: (p) => p.cpuMillicores, quota: (d) => d.quota.cpuMillicores },
  { key: "memory", title: "Memory", unit: "MiB", color: CHART_COLORS.violet, pick: (p) => p.memoryMib, quota: (d) => d.quota.memoryMib },
  { key: "storage", title: "Storage", unit: "GiB", color: CHART_COLORS.green, pick: (p) => p.storageGib, quota: (d) => d.quota.storageGib },
  { key: "apps", title: "Apps", unit: "", color: CHART_COLORS.slate, pick: (p) => p.apps, quota: (d) => d.quota.maxApps },
  { key: "logs", title: "Kept logs", unit: "MiB", color: CHART_COLORS.amber, pick: (p) => (p.logBytes === null ? null : p.logBytes / MIB), quota: (d) => d.quota.logMib },
];

export function TeamUsageCard() {
  const [range, setRange] = useState<MetricRange>("24h");
  const q = useTeamUsage(range);
  const d = q.data;
  const rows = useMemo<ChartRow[]>(() => (d ? d.points.map((p) => ({ t: Date.parse(p.time), ...Object.fromEntries(RESOURCES.map((r) => [r.key, r.pick(p)])) })) : []), [d]);
  return (
    <Card data-testid="team-usage" className="lg:col-span-2">
      <CardTitle className="flex flex-wrap items-center gap-3">
        Usage over time
        <RangePicker value={range} onChange={setRange} label="Usage range" />
      </CardTitle>
      <ErrorText error={q.error} />
      {!d && !q.error ? <p className="text-sm text-slate-600">Loading…</p> : null}
      {d ? (
        <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-3">
          {RESOURCES.map((r) => {
            const quota = r.quota(d);
            const format = (n: number) => `${formatNumber(n, r.key === "apps" ? 0 : 1)}${r.unit ? ` ${r.unit}` : ""}`;
            const { latest, peak } = latestAndPeak(d.points, r.pick);
            const summary =
              latest === null
                ? "No sample in this range."
                : `Now ${format(latest)} of ${format(quota)} (${quota > 0 ? Math.round((latest / quota) * 100) : 0} %) · peak ${format(peak ?? latest)}`;
            const empty =
              d.points.length === 0
                ? "No sample in this range yet: slipwayd records the team's usage every minute."
                : latest === null
                  ? r.key === "logs"
                    ? "The log store's size was not reported in this range."
                    : "No sample in this range."
                  : null;
            return (
              <MetricChart
                key={r.key}
                title={`${r.title}${r.unit ? ` (${r.unit})` : ""}`}
                testId={`usage-${r.key}`}
                rows={rows}
                series={[{ key: r.key, name: r.title, color: r.color }]}
                kind="line"
                format={format}
                summary={summary}
                empty={empty}
                withDate={range === "7d" || range === "30d"}
                quota={{ value: quota, label: `quota ${format(quota)}` }}
                integer={r.key === "apps"}
              />
            );
          })}
        </div>
      ) : null}
    </Card>
  );
}
