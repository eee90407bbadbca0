"use client";

import { cn } from "@/components/ui/cn";
import { metricRanges, type MetricRange } from "@/server/metrics/constants";

export function RangePicker({ value, onChange, label }: { value: MetricRange; onChange: (r: MetricRange) => void; label: string }) {
  return (
    <span className="flex gap-1" role="group" aria-label={label}>
      {metricRanges.map((r) => (
        <button
          key={r}
          type="button"
          aria-pressed={r === value}
          data-testid={`range-${r}`}
          onClick={() => onChange(r)}
          className={cn(
            "rounded-md border px-2 py-0.5 text-xs font-medium focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600",
            r === value ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-100",
          )}
        >
          {r}
        </button>
      ))}
    </span>
  );
}
