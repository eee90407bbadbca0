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
  if (volume.onCluster) {
    return (
      <p className="mt-3 border-t border-slate-100 pt-3 text-sm text-slate-600" data-testid="backups-unsupported">
        Backups of volumes on a Kubernetes cluster are not supported yet: the data is in the cluster&apos;s storage, which Slipway cannot read. Use your storage&apos;s snapshots (a CSI VolumeSnapshot) meanwhile.
      </p>
    );
  }
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
