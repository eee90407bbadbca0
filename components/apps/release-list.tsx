"use client";

import { Badge, statusTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { useReleases, useRollback } from "./queries";

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
          <li key={r.id} className="flex items-center gap-2 py-2 text-sm">
            <span className="font-medium">v{r.version}</span>
            <Badge tone={statusTone(r.status)}>{r.status.toLowerCase()}</Badge>
            <span className="truncate font-mono text-xs text-slate-500" title={r.imageDigest}>{r.imageDigest.slice(0, 19)}</span>
            {r.statusReason ? <span className="truncate text-xs text-slate-500" title={r.statusReason}>{r.statusReason}</span> : null}
            {r.id !== liveReleaseId && (r.status === "SUPERSEDED" || r.status === "LIVE") ? (
              <Button variant="secondary" size="sm" className="ml-auto" disabled={rollback.isPending} onClick={() => rollback.mutate(r.id)}>
                Roll back
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
    </Card>
  );
}
