"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { Card, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { cn } from "@/components/ui/cn";
import type { LogLine } from "@/server/runtime/runtime-driver";
import { useEventStream } from "./use-event-stream";

/** A release whose replicas' logs can be followed, e.g. "v2 (rolling out)". */
export interface LogSource {
  releaseId: string;
  label: string;
}

/**
 * The runtime logs of one release's replicas, following live, with a client-side filter. The
 * first source is followed unless another is picked: during a rollout that is the new release,
 * so the line that says why it crashes is on the page while it happens.
 */
export function RuntimeLogs({ appId, sources }: { appId: string; sources: LogSource[] }) {
  const [picked, setPicked] = useState<string | null>(null);
  const source = sources.find((s) => s.releaseId === picked) ?? sources[0] ?? null;
  // One stream per release: its replicas, exited ones included while the runtime keeps them.
  const url = source ? `/api/v1/apps/${appId}/logs?tail=200&release=${encodeURIComponent(source.releaseId)}` : null;
  const { lines, state } = useEventStream<LogLine>(url, { max: 1000 });
  const [filter, setFilter] = useState("");
  const ref = useRef<HTMLPreElement>(null);
  // The stream ends when every replica's container stops (a crash) and reconnects with the tail
  // again: the same line must not show twice.
  const unique = useMemo(() => {
    const seen = new Set<string>();
    return lines.filter((l) => {
      const key = `${l.time}\u0000${l.replica}\u0000${l.line}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }, [lines]);
  useEffect(() => {
    ref.current?.scrollTo({ top: ref.current.scrollHeight });
  }, [unique.length]);
  const shown = filter ? unique.filter((l) => l.line.toLowerCase().includes(filter.toLowerCase())) : unique;

  return (
    <Card>
      <CardTitle className="flex flex-wrap items-center gap-3">
        Runtime logs
        {sources.length > 1 ? (
          <span className="flex gap-1" role="group" aria-label="Release">
            {sources.map((s) => (
              <button
                key={s.releaseId}
                type="button"
                data-testid="log-source"
                aria-pressed={s.releaseId === source?.releaseId}
                onClick={() => setPicked(s.releaseId)}
                className={cn(
                  "rounded-md border px-2 py-0.5 text-xs font-medium",
                  s.releaseId === source?.releaseId ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-100",
                )}
              >
                {s.label}
              </button>
            ))}
          </span>
        ) : source ? (
          <span className="text-xs font-normal text-slate-500" data-testid="log-source">{source.label}</span>
        ) : null}
        <span className="text-xs font-normal text-slate-500">{state === "open" ? "● live" : state === "error" ? "reconnecting…" : ""}</span>
        <Input className="ml-auto h-8 w-56" placeholder="Filter" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter logs" />
      </CardTitle>
      {!source ? <p className="text-sm text-slate-500">Logs appear once a release is running or rolling out.</p> : null}
      <pre ref={ref} data-testid="runtime-log" className="max-h-96 overflow-auto rounded-md bg-slate-950 p-3 font-mono text-xs leading-relaxed text-slate-100">
        {shown.map((l, i) => (
          <div key={i} className={l.stream === "stderr" ? "text-amber-300" : undefined}>
            <span className="text-slate-500">{l.time.slice(11, 19)} {l.replica} </span>
            {l.line}
          </div>
        ))}
      </pre>
    </Card>
  );
}
