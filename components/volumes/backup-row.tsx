"use client";

// One backup: when and how it was made, its status with progress while it copies, its size and
// checksum, and restore / delete.
import { useState } from "react";
import { Badge, statusTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import type { BackupDto } from "@/server/volumes/schemas";
import { ProgressBar } from "./progress-bar";
import { useDeleteBackup } from "./queries";
import { RestoreForm } from "./restore-form";
import { RestoreProgress } from "./restore-progress";
import { formatBytes, formatUtc, isActive } from "./volume-format";

/** `usedBytes`: the volume's measured usage, the estimate of a running backup's total. */
export function BackupRow({ backup: b, volumeId, usedBytes, canWrite }: { backup: BackupDto; volumeId: string; usedBytes: number | null; canWrite: boolean }) {
  const [restoring, setRestoring] = useState(false);
  const [startedRestoreId, setRestoreId] = useState<string | null>(null);
  // One started here, or the newest one the server knows (a reload mid-restore keeps following it).
  const restoreId = startedRestoreId ?? b.lastRestore?.id ?? null;
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const remove = useDeleteBackup(volumeId);
  return (
    <li className="py-2" data-testid="backup-row" data-status={b.status}>
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <span className="font-mono text-xs text-slate-700">{formatUtc(b.createdAt)}</span>
        <Badge tone={statusTone(b.status)} data-testid="backup-status">{b.status}</Badge>
        <span className="text-xs text-slate-600">{b.trigger === "schedule" ? "scheduled" : "manual"}{b.consistent ? " · consistent" : ""}</span>
        <span className="text-xs text-slate-600">→ {b.target.name}</span>
        {b.status === "RUNNING" ? <ProgressBar label={`Backup of ${formatUtc(b.createdAt)} progress`} done={b.bytesDone} total={b.dataBytes ?? usedBytes} approximate={b.dataBytes === null} /> : null}
        {b.status === "SUCCEEDED" && b.sizeBytes !== null ? (
          <span className="text-xs text-slate-600">
            {formatBytes(b.sizeBytes)} archive{b.dataBytes !== null ? ` of ${formatBytes(b.dataBytes)}` : ""} · <span className="font-mono" title={`SHA-256 ${b.sha256}`}>sha256 {b.sha256.slice(0, 12)}</span>
          </span>
        ) : null}
        {canWrite && b.status === "SUCCEEDED" && !restoring && !restoreId ? (
          <Button size="sm" variant="secondary" className="ml-auto" data-testid="restore-backup" onClick={() => setRestoring(true)}>Restore…</Button>
        ) : null}
        {canWrite && !isActive(b.status) && !confirmingDelete ? (
          <Button size="sm" variant="ghost" className={b.status === "SUCCEEDED" && !restoring && !restoreId ? "text-red-700" : "ml-auto text-red-700"} onClick={() => { remove.reset(); setConfirmingDelete(true); }}>
            Delete…
          </Button>
        ) : null}
        {confirmingDelete ? (
          <span className="ml-auto flex items-center gap-2">
            <span className="text-sm text-red-800">Delete this backup&apos;s archive?</span>
            <Button size="sm" variant="danger" data-testid="confirm-delete-backup" disabled={remove.isPending} onClick={() => remove.mutate(b.id, { onSettled: () => setConfirmingDelete(false) })}>
              Delete
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setConfirmingDelete(false)}>Cancel</Button>
          </span>
        ) : null}
      </div>
      {b.error ? <ErrorText error={b.error} /> : null}
      <ErrorText error={remove.error} />
      {restoring ? (
        <RestoreForm
          backup={b}
          onCancel={() => setRestoring(false)}
          onStarted={(id) => {
            setRestoring(false);
            setRestoreId(id);
          }}
        />
      ) : null}
      {restoreId ? <RestoreProgress restoreId={restoreId} /> : null}
    </li>
  );
}
