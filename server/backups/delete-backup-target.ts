import "server-only";
// Removes a backup target the team no longer uses. Refused while a volume backs up to it or a
// backup is stored on it: deleting it would make those archives unreachable.
import { getDb } from "../db";
import { AppError, notFound } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";

export async function deleteBackupTarget({ actor, targetId }: { actor: Actor; targetId: string }): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const target = await tx.backupTarget.findFirst({ where: { id: targetId, teamId: actor.teamId } });
    if (!target) throw notFound("Backup target");
    const [volumes, backups] = await Promise.all([tx.volume.count({ where: { backupTargetId: target.id } }), tx.volumeBackup.count({ where: { targetId: target.id } })]);
    if (volumes > 0 || backups > 0) {
      const uses = [volumes ? `${volumes} volume(s) back up to it` : "", backups ? `${backups} backup(s) are stored on it` : ""].filter(Boolean).join(" and ");
      throw new AppError("CONFLICT", `The backup target ${target.name} is in use: ${uses}. Point those volumes elsewhere and delete those backups first.`);
    }
    await tx.backupTarget.delete({ where: { id: target.id } });
    await recordAudit(tx, { actor, action: "backup_target.delete", targetType: "backup_target", targetId: target.id, data: { name: target.name, endpoint: target.endpoint, bucket: target.bucket } });
  });
}
