import "server-only";
import { getDb, type Db, type Tx } from "../db";
import { notFound } from "../errors";
import type { Actor } from "../auth/actor";
import type { BackupDto } from "../volumes/schemas";
import { backupDtoInclude, toBackupDto, type BackupWithTarget } from "./to-backup-dto";

/** A backup of the actor's team; another team's is "not found". */
export async function getBackupOrThrow({ actor, backupId, db = getDb() }: { actor: Pick<Actor, "teamId">; backupId: string; db?: Db | Tx }): Promise<BackupWithTarget> {
  const backup = await db.volumeBackup.findFirst({ where: { id: backupId, teamId: actor.teamId }, include: backupDtoInclude });
  if (!backup) throw notFound("Backup");
  return backup;
}

export async function getBackup({ actor, backupId }: { actor: Actor; backupId: string }): Promise<{ backup: BackupDto }> {
  return { backup: toBackupDto(await getBackupOrThrow({ actor, backupId })) };
}
