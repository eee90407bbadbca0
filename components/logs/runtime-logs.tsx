"use client";

import { useEffect, useRef, useState } from "react";
import { Card, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import type { LogLine } from "@/server/runtime/runtime-driver";
import { useEventStream } from "./use-event-stream";

/** The app's runtime logs, following live, with a client-side filter. */
export function RuntimeLogs({ appId, releaseId }: { appId: string; releaseId: string | null }) {
  // A new live release means new containers: reconnect to follow them.
  const url = releaseId ? `/api/v1/apps/${appId}/logs?tail=200&r=${releaseId}` : null;
  const { lines, state } = useEventStream<LogLine>(url, { max: 1000 });
  const [filter, setFilter] = useState("");
  const ref = useRef<HTMLPreElement>(null);
  useEffect(() => {
    ref.current?.scrollTo({ top: ref.current.scrollHeight });
  }, [lines.length]);
  const shown = filter ? lines.filter((l) => l.line.toLowerCase().includes(filter.toLowerCase())) : lines;

  return (
    <Card>
      <CardTitle className="flex items-center gap-3">
        Runtime logs
        <span className="text-xs font-normal text-slate-500">{state === "open" ? "● live" : state === "error" ? "reconnecting…" : ""}</span>
        <Input className="ml-auto h-8 w-56" placeholder="Filter" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter logs" />
      </CardTitle>
      {!releaseId ? <p className="text-sm text-slate-500">Logs appear once a release is live.</p> : null}
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
