"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Badge, statusTone } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { appKeys } from "@/components/apps/queries";
import { useEventStream } from "@/components/logs/use-event-stream";
import type { BuildDto, BuildLogLineDto } from "@/server/builds/schemas";
import { triggerText } from "./build-text";
import { refreshQueries } from "@/components/providers/refresh-queries";

function duration(b: { startedAt: string | null; finishedAt: string | null }): string {
  if (!b.startedAt) return "";
  const ms = (b.finishedAt ? Date.parse(b.finishedAt) : Date.now()) - Date.parse(b.startedAt);
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "main @ 1a2b3c4d5e" for a branch deploy; just the short SHA for a push, whose ref is the commit itself (set from the payload when queued). */
function revision(b: BuildDto): string {
  const short = (sha: string) => sha.slice(0, 10);
  if (b.commitSha && b.gitRef.toLowerCase() === b.commitSha.toLowerCase()) return short(b.commitSha);
  return b.commitSha ? `${b.gitRef} @ ${short(b.commitSha)}` : b.gitRef;
}

/** One build: its steps and its log, both live while it runs. */
export function BuildPanel({ build }: { build: BuildDto }) {
  const qc = useQueryClient();
  const { lines, state } = useEventStream<BuildLogLineDto>(`/api/v1/builds/${build.id}/logs`, {
    onEvent: (event) => {
      if (event === "build" || event === "end") {
        void refreshQueries(qc, { queryKey: appKeys.builds(build.appId) }, { queryKey: appKeys.one(build.appId) });
      }
    },
  });
  const logRef = useRef<HTMLPreElement>(null);
  useEffect(() => {
    logRef.current?.scrollTo({ top: logRef.current.scrollHeight });
  }, [lines.length]);

  return (
    <Card data-testid="build-panel">
      <CardTitle className="flex items-center gap-3">
        Build #{build.number}
        <Badge tone={statusTone(build.status)} data-testid="build-status">{build.status}</Badge>
        <span className="text-xs font-normal text-slate-500">
          {revision(build)} · {duration(build)}
        </span>
        <span className="text-xs font-normal text-slate-500" data-testid="build-panel-trigger">{triggerText(build)}{build.deliveryId ? ` · delivery ${build.deliveryId}` : ""}</span>
      </CardTitle>
      {build.steps.length ? (
        <ol className="mb-3 flex flex-wrap gap-2" data-testid="build-steps">
          {build.steps.map((s) => (
            <li key={s.name} className="flex items-center gap-1 text-sm">
              <span className="text-slate-500">{s.position + 1}.</span>
              {s.name}
              <Badge tone={statusTone(s.status)} title={s.error ?? undefined}>{s.error === "canceled" ? "canceled" : s.status.toLowerCase()}</Badge>
              <span className="text-xs text-slate-500">{duration(s)}</span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="mb-3 text-sm text-slate-500">Waiting for a build worker…</p>
      )}
      {build.error ? <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{build.error}</p> : null}
      {/* Reachable from the keyboard (it scrolls); its grey text meets AA on the dark panel. */}
      <pre
        ref={logRef}
        data-testid="build-log"
        role="log"
        aria-label={`Build #${build.number} log`}
        tabIndex={0}
        className="max-h-80 overflow-auto rounded-md bg-slate-950 p-3 font-mono text-xs leading-relaxed text-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
      >
        {lines.map((l) => (
          <div key={l.id} className={l.stream === "stderr" ? "text-amber-300" : undefined}>
            <span className="text-slate-400">[{l.step}] </span>
            {l.line}
          </div>
        ))}
        {state === "open" && !lines.length ? <span className="text-slate-400">Waiting for log output…</span> : null}
      </pre>
    </Card>
  );
}
