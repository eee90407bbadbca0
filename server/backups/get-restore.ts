import "server-only";
import { getDb } from "../db";
import { notFound } from "../errors";
import type { Actor } from "../auth/actor";
import type { RestoreDto } from "../volumes/schemas";
import { toRestoreDto } from "./to-backup-dto";

export async function getRestore({ actor, restoreId }: { actor: Actor; restoreId: string }): Promise<{ restore: RestoreDto }> {
  const restore = await getDb().volumeRestore.findFirst({ where: { id: restoreId, teamId: actor.teamId } });
  if (!restore) throw notFound("Restore");
  return { restore: toRestoreDto(restore) };
}
