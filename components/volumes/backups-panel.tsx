"use client";

// A volume's backups: back up now, the schedule, and the list with status, progress and restore.
import { ErrorText } from "@/components/ui/error-text";
import type { VolumeDto } from "@/server/volumes/schemas";
import { BackUpNow } from "./back-up-now";
import { BackupRow } from "./backup-row";
import { BackupScheduleForm } from "./backup-schedule-form";
import { useBackups, useBackupTargets } from "./queries";

export function BackupsPanel({ volume, canWrite }: { volume: VolumeDto; canWrite: boolean }) {
  const backups = useBackups(volume.id);
  const targets = useBackupTargets();
  return (
    <section className="mt-3 space-y-3 border-t border-slate-100 pt-3" aria-label={`Backups of ${volume.name}`} data-testid="backups-panel">
      {canWrite ? (
        <>
          <BackUpNow volume={volume} />
          {/* Once the targets are known: the location select starts on the volume's own. */}
          {targets.isPending ? null : <BackupScheduleForm volume={volume} targets={targets.data?.targets} />}
          <ErrorText error={targets.error} />
        </>
      ) : null}
      {backups.isPending ? <p className="text-sm text-slate-500">Loading backups…</p> : null}
      <ErrorText error={backups.error} />
      {backups.data?.backups.length === 0 ? <p className="text-sm text-slate-500">No backups yet.</p> : null}
      <ul className="divide-y divide-slate-100" data-testid="backups">
        {backups.data?.backups.map((b) => <BackupRow key={b.id} backup={b} volumeId={volume.id} usedBytes={volume.usedBytes} canWrite={canWrite} />)}
      </ul>
    </section>
  );
}
