// A progress bar with its accessible name and value (a backup or restore that is copying bytes).
import { formatBytes, percentDone } from "./volume-format";

/** `approximate`: the total is an estimate (a running backup knows its data size only at the end). */
export function ProgressBar({ label, done, total, approximate = false, testId }: { label: string; done: number; total: number | null; approximate?: boolean; testId?: string }) {
  const pct = percentDone(done, total);
  const text = `${formatBytes(done)}${total ? ` of ${approximate ? "about " : ""}${formatBytes(total)}` : ""}${pct !== null ? ` (${pct}%)` : ""}`;
  return (
    <div data-testid={testId} className="min-w-40">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
        aria-valuetext={text}
        className="h-2 rounded bg-slate-100"
      >
        <div className="h-2 rounded bg-blue-600 transition-all" style={{ width: `${pct ?? 5}%` }} />
      </div>
      <p className="mt-0.5 text-xs text-slate-600">{text}</p>
    </div>
  );
}
