"use client";

import { Badge, statusTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { useReleases, useRollback } from "./queries";
import { exitSummary, splitReason } from "./release-failure";
import type { ReleaseDto, RunAsDto } from "@/server/releases/schemas";

/** Exit code and restarts, the reason's sentence, and the last lines the app printed (blank ones too). */
function failureText(r: ReleaseDto): string {
  const { sentence, lines } = splitReason(r, 3);
  return [...[exitSummary(r), sentence].filter(Boolean), ...lines].join("\n");
}

/** "runs as 1000" or "runs as 10001:10001 (image runs as root)"; the whole sentence is its title. */
function runAsText(r: RunAsDto): string {
  const ids = r.gid === null ? String(r.uid) : `${r.uid}:${r.gid}`;
  const why = r.reason === "no-user" ? " (image has no USER)" : r.reason === "root" ? " (image's USER is root)" : "";
  return `runs as ${ids}${why}`;
}

export function ReleaseList({ appId, liveReleaseId, busy }: { appId: string; liveReleaseId: string | null; busy: boolean }) {
  const releases = useReleases(appId, busy);
  const rollback = useRollback(appId);
  return (
    <Card>
      <CardTitle>Releases</CardTitle>
      <ErrorText error={releases.error ?? rollback.error} />
      {releases.data?.length === 0 ? <p className="text-sm text-slate-500">No releases yet: deploy to make one.</p> : null}
      <ul className="divide-y divide-slate-100" data-testid="releases">
        {releases.data?.map((r) => (
          <li key={r.id} className="py-2 text-sm" data-testid="release-row">
            <div className="flex items-center gap-2">
              <span className="font-medium">v{r.version}</span>
              <Badge tone={statusTone(r.status)}>{r.status.toLowerCase().replace("_", " ")}</Badge>
              <span className="truncate font-mono text-xs text-slate-500" title={r.imageDigest}>{r.imageDigest.slice(0, 19)}</span>
              {r.runAs ? (
                <span className={`shrink-0 text-xs ${r.runAs.reason === "image" ? "text-slate-500" : "text-amber-700"}`} title={r.runAs.summary} data-testid="release-run-as">
                  {runAsText(r.runAs)}
                </span>
              ) : null}
              {r.statusReason && r.status !== "FAILED" ? <span className="truncate text-xs text-slate-500" title={r.statusReason}>{r.statusReason}</span> : null}
              {/* A rollout whose containers crash says so before its deadline ends it. */}
              {r.status === "ROLLING_OUT" && exitSummary(r) ? <span className="text-xs text-amber-700" data-testid="release-crashing">crashing: {exitSummary(r)}</span> : null}
              {r.id !== liveReleaseId && (r.status === "SUPERSEDED" || r.status === "LIVE") ? (
                <Button variant="secondary" size="sm" className="ml-auto" disabled={rollback.isPending} onClick={() => rollback.mutate(r.id)}>
                  Roll back
                </Button>
              ) : null}
            </div>
            {/* Why it failed, whole: the exit code and the last log lines are the point. */}
            {r.status === "FAILED" && r.statusReason ? (
              <pre className="mt-1 max-h-48 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-2 font-mono text-xs text-red-900" data-testid="release-reason">
                {failureText(r)}
              </pre>
            ) : null}
          </li>
        ))}
      </ul>
    </Card>
  );
}
