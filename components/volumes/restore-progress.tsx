"use client";

// Follows one restore until it ends: verifying and copying bytes, then succeeded (the app starts
// again with the same release) or failed with the reason (the volume is left as it was).
import { useEffect, useRef } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Badge, statusTone } from "@/components/ui/badge";
import { ErrorText } from "@/components/ui/error-text";
import { refreshQueries } from "@/components/providers/refresh-queries";
import { ProgressBar } from "./progress-bar";
import { useRestore, volumeKeys } from "./queries";
import { isActive } from "./volume-format";

export function RestoreProgress({ restoreId }: { restoreId: string }) {
  const restore = useRestore(restoreId);
  const qc = useQueryClient();
  const r = restore.data?.restore;
  const ended = r !== undefined && !isActive(r.status);
  const refreshed = useRef(false);
  // The restored volume's usage and a new volume's row change when it ends.
  useEffect(() => {
    if (ended && !refreshed.current) {
      refreshed.current = true;
      void refreshQueries(qc, { queryKey: volumeKeys.all });
    }
  }, [ended, qc]);

  return (
    <div className="mt-2 rounded-md border border-slate-200 bg-slate-50 p-2 text-sm" data-testid="restore-progress" aria-live="polite">
      {r ? (
        <div className="flex flex-wrap items-center gap-3">
          <span>Restore</span>
          <Badge tone={statusTone(r.status)} data-testid="restore-status">{r.status}</Badge>
          {r.status === "RUNNING" ? <ProgressBar label="Restore progress" done={r.bytesDone} total={r.totalBytes} /> : null}
          {r.status === "QUEUED" ? <span className="text-xs text-slate-600">waiting for the runtime (a restore into an attached volume holds its app until it ends)</span> : null}
          {r.status === "SUCCEEDED" ? <span className="text-xs text-emerald-800">restored; the app runs the same release again</span> : null}
        </div>
      ) : (
        <p className="text-slate-500">Starting the restore…</p>
      )}
      {r?.error ? <ErrorText error={r.error} /> : null}
      <ErrorText error={restore.error} />
    </div>
  );
}
