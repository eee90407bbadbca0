import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import type { BackupTargetDto } from "../volumes/schemas";
import { toBackupTargetDto } from "./to-backup-dto";

export async function listBackupTargets({ actor }: { actor: Actor }): Promise<{ targets: BackupTargetDto[] }> {
  const rows = await getDb().backupTarget.findMany({ where: { teamId: actor.teamId }, orderBy: { name: "asc" } });
  return { targets: rows.map(toBackupTargetDto) };
}
