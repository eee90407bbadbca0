"use client";

// The live half of the log view: the newest lines of a release (or of every release), following
// as they are printed, with pause/resume and a filter over what is on screen.
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { cn } from "@/components/ui/cn";
import type { LogLineDto } from "@/server/logs/schemas";
import { LogLine } from "./log-line";
import { useLogStream, type LiveState } from "./use-log-stream";
import { useStickToBottom } from "./use-stick-to-bottom";

/** A release whose replicas' logs can be followed, e.g. "v2 (rolling out)". */
export interface LogSource {
  releaseId: string;
  label: string;
}

/** Lines kept on the page: the newest ones (the store keeps them all; search finds older ones). */
export const LIVE_MAX_LINES = 2000;

const STATE_TEXT: Record<LiveState, string> = { connecting: "connecting…", open: "● live", reconnecting: "reconnecting…", paused: "paused" };

export function LiveLogs({ appId, sources, onOpenLine }: { appId: string; sources: LogSource[]; onOpenLine: (line: LogLineDto) => void }) {
  // null = the first source (during a rollout, the new release: why it does not start is on the
  // page while it happens); "all" = every release of the app, e.g. when none runs.
  const [picked, setPicked] = useState<string | null>(null);
  const all = picked === "all" || sources.length === 0;
  const source = all ? null : (sources.find((s) => s.releaseId === picked) ?? sources[0] ?? null);
  const [paused, setPaused] = useState(false);
  const [filter, setFilter] = useState("");
  const { lines, state, trimmed } = useLogStream({ appId, releaseId: source?.releaseId ?? null, paused, max: LIVE_MAX_LINES });
  const ref = useRef<HTMLDivElement>(null);
  useStickToBottom(ref, lines);
  const needle = filter.toLowerCase();
  const shown = needle ? lines.filter((l) => l.line.toLowerCase().includes(needle)) : lines;
  const pickable = sources.length > 1 || (all && sources.length > 0);

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        {pickable ? (
          <span className="flex flex-wrap gap-1" role="group" aria-label="Release">
            {sources.map((s) => (
              <SourceButton key={s.releaseId} pressed={s.releaseId === source?.releaseId} onClick={() => setPicked(s.releaseId)} testId="log-source">
                {s.label}
              </SourceButton>
            ))}
            <SourceButton pressed={all} onClick={() => setPicked("all")} testId="log-source-all">all releases</SourceButton>
          </span>
        ) : source ? (
          <>
            <span className="text-xs text-slate-600" data-testid="log-source">{source.label}</span>
            <SourceButton pressed={false} onClick={() => setPicked("all")} testId="log-source-all">all releases</SourceButton>
          </>
        ) : (
          <span className="text-xs text-slate-600">all releases</span>
        )}
        <span className="text-xs text-slate-600" data-testid="live-state" aria-live="polite">{STATE_TEXT[state]}</span>
        <Button type="button" size="sm" variant="secondary" onClick={() => setPaused((p) => !p)} aria-pressed={paused} data-testid="live-pause">
          {paused ? "Resume" : "Pause"}
        </Button>
        <Input className="ml-auto h-8 w-56" placeholder="Filter shown lines" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter shown lines" />
      </div>
      <div
        ref={ref}
        role="log"
        aria-label="Live runtime logs"
        // Announcing every line would drown a screen reader; the region is read on demand.
        aria-live="off"
        tabIndex={0}
        data-testid="runtime-log"
        className="h-96 overflow-auto rounded-md bg-slate-950 p-3 font-mono text-xs leading-relaxed text-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
      >
        {shown.map((l) => <LogLine key={l.seq} line={l} withDate={false} onOpen={onOpenLine} />)}
        {lines.length === 0 ? <p className="text-slate-400">{paused ? "Paused." : "No lines yet. Lines the app prints appear here as they are printed."}</p> : null}
      </div>
      <p className="text-xs text-slate-600" data-testid="live-count">
        {trimmed > 0 ? `Showing the newest ${lines.length} lines; older ones are kept: search finds them.` : `${lines.length} lines`}
        {needle ? ` · ${shown.length} match the filter` : ""}
        {paused ? " · paused: resuming picks up every line printed meanwhile" : ""}
      </p>
    </div>
  );
}

function SourceButton({ pressed, onClick, testId, children }: { pressed: boolean; onClick: () => void; testId: string; children: React.ReactNode }) {
  return (
    <button
      type="button"
      data-testid={testId}
      aria-pressed={pressed}
      onClick={onClick}
      className={cn(
        "rounded-md border px-2 py-0.5 text-xs font-medium focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600",
        pressed ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-100",
      )}
    >
      {children}
    </button>
  );
}
