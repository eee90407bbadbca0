// One usage bar: used against a limit (no limit: the bar is drawn against `scale`, e.g. the team's
// ceiling for a project without a limit of its own).
export function QuotaMeter({ label, used, limit, unit, scale, testId }: { label: string; used: number; limit: number | null; unit: string; scale?: number; testId?: string }) {
  const against = limit ?? scale ?? 0;
  const pct = against > 0 ? Math.min(100, Math.round((used / against) * 100)) : used > 0 ? 100 : 0;
  const over = limit !== null && used > limit;
  return (
    <div data-testid={testId}>
      <div className="flex justify-between gap-2 text-xs text-slate-600">
        <span>{label}</span>
        <span className={over ? "font-medium text-red-700" : undefined}>
          {used} / {limit ?? "—"} {unit}
        </span>
      </div>
      <div className="mt-1 h-2 rounded bg-slate-100">
        <div className={`h-2 rounded ${over || pct > 90 ? "bg-red-500" : limit === null ? "bg-slate-400" : "bg-slate-700"}`} style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
