import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import type { BackupDto } from "../volumes/schemas";
import { getVolumeOrThrow } from "../volumes/get-volume";
import { backupDtoInclude, toBackupDto } from "./to-backup-dto";

/** The team's backups, newest first; of one volume with volumeId (another team's volume: 404). */
export async function listBackups({ actor, volumeId }: { actor: Actor; volumeId?: string }): Promise<{ backups: BackupDto[] }> {
  const db = getDb();
  if (volumeId) await getVolumeOrThrow({ actor, volumeId, db });
  const rows = await db.volumeBackup.findMany({
    where: { teamId: actor.teamId, ...(volumeId ? { volumeId } : {}) },
    include: backupDtoInclude,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 500,
  });
  return { backups: rows.map(toBackupDto) };
}
