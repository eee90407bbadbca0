import "server-only";
// Queues a backup of a volume now (202): slipwayd's backup worker archives it to the volume's
// backup target. A consistent backup stops the attached app's replicas for the copy and starts the
// same release again afterwards; a plain one copies while the app runs (see the README).
import { getDb } from "../db";
import { AppError } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { nudgeSlipwayd } from "../runtime/embedded/nudge-slipwayd";
import { getVolumeOrThrow } from "../volumes/get-volume";
import type { BackupDto } from "../volumes/schemas";
import { assertVolumeOperable } from "./backup-rules";
import { queueBackupInput, type QueueBackupInput } from "./schemas";
import { backupDtoInclude, toBackupDto } from "./to-backup-dto";

export async function queueBackup({ actor, volumeId, input }: { actor: Actor; volumeId: string; input: QueueBackupInput }): Promise<{ backup: BackupDto }> {
  const data = queueBackupInput.parse(input);
  const db = getDb();
  const backup = await db.$transaction(async (tx) => {
    const volume = await getVolumeOrThrow({ actor, volumeId, db: tx });
    assertVolumeOperable(volume, "backed up");
    const busy = await tx.volumeBackup.findFirst({ where: { volumeId: volume.id, status: { in: ["QUEUED", "RUNNING"] } }, select: { status: true } });
    if (busy) throw new AppError("CONFLICT", `A backup of volume ${volume.name} is already ${busy.status.toLowerCase()}; wait for it to finish.`);
    const consistent = data.consistent ?? volume.backupConsistent;
    const row = await tx.volumeBackup.create({
      data: {
        teamId: actor.teamId,
        volumeId: volume.id,
        volumeName: volume.name,
        projectId: volume.projectId,
        trigger: "manual",
        consistent,
        targetId: volume.backupTargetId,
        createdById: actor.userId,
      },
      include: backupDtoInclude,
    });
    await recordAudit(tx, { actor, action: "backup.create", targetType: "backup", targetId: row.id, data: { volume: volume.name, consistent, target: row.target?.name ?? "local" } });
    return row;
  });
  await nudgeSlipwayd(`backup ${backup.id} queued`);
  return { backup: toBackupDto(backup) };
}
