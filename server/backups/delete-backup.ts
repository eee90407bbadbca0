import "server-only";
// Deletes a finished backup: its archive from the target, then its row (and the restores that
// read it, which are history). Refused while it is being made or a restore is reading it.
import { getDb } from "../db";
import { AppError } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { logger } from "../logger";
import { storeForTarget, TargetRefused } from "../daemon/backups/store-for-target";
import { getBackupOrThrow } from "./get-backup";

export async function deleteBackup({ actor, backupId }: { actor: Actor; backupId: string }): Promise<void> {
  const db = getDb();
  const backup = await getBackupOrThrow({ actor, backupId, db });
  if (backup.status === "QUEUED" || backup.status === "RUNNING") {
    throw new AppError("CONFLICT", `This backup of ${backup.volumeName} is ${backup.status.toLowerCase()}; delete it once it has finished.`);
  }
  const reading = await db.volumeRestore.count({ where: { backupId: backup.id, status: { in: ["QUEUED", "RUNNING"] } } });
  if (reading > 0) throw new AppError("CONFLICT", `A restore from this backup of ${backup.volumeName} is in progress; delete the backup once it has finished.`);
  if (backup.objectKey) {
    try {
      const store = await storeForTarget(db, backup.targetId);
      await store.delete(backup.objectKey);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      logger.warn({ backupId: backup.id, reason }, "deleting a backup's archive failed");
      if (e instanceof TargetRefused) throw new AppError("CONFLICT", `The archive could not be deleted: ${reason}`);
      throw new AppError("RUNTIME_UNAVAILABLE", `The archive could not be deleted from ${backup.target?.name ?? "the local backup directory"}: ${reason}. The backup is kept; try again.`);
    }
  }
  await db.$transaction(async (tx) => {
    // A restore queued meanwhile keeps its row (and fails saying the archive is gone) rather than
    // vanishing with the backup and silently releasing the app it holds.
    const gone = await tx.volumeBackup.deleteMany({ where: { id: backup.id, status: { in: ["SUCCEEDED", "FAILED"] }, restores: { none: { status: { in: ["QUEUED", "RUNNING"] } } } } });
    if (gone.count === 0) throw new AppError("CONFLICT", `A restore from this backup of ${backup.volumeName} started meanwhile; its archive is already deleted, so that restore will fail and say so.`);
    await recordAudit(tx, { actor, action: "backup.delete", targetType: "backup", targetId: backup.id, data: { volume: backup.volumeName, status: backup.status, createdAt: backup.createdAt.toISOString() } });
  });
}
