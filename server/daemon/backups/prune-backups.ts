// Retention: after a scheduled backup, the volume's scheduled backups beyond its backupRetention
// (the newest kept) are deleted from their target and then from the database. Manual backups are
// never pruned; neither is one a queued or running restore reads (it goes at a later pass).
import { recordAudit } from "../../audit/record-audit";
import { errorMessage, type OperationContext } from "./operation-context";
import { storeForTarget } from "./store-for-target";

export async function pruneScheduledBackups(ctx: Pick<OperationContext, "db" | "log">, volumeId: string): Promise<number> {
  const { db, log } = ctx;
  const volume = await db.volume.findUnique({ where: { id: volumeId }, select: { backupRetention: true, teamId: true, name: true } });
  if (!volume) return 0;
  const scheduled = await db.volumeBackup.findMany({
    where: { volumeId, trigger: "schedule", status: "SUCCEEDED" },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true, targetId: true, objectKey: true, createdAt: true },
  });
  const beyond = scheduled.slice(Math.max(1, volume.backupRetention));
  let pruned = 0;
  for (const b of beyond) {
    const reading = await db.volumeRestore.count({ where: { backupId: b.id, status: { in: ["QUEUED", "RUNNING"] } } });
    if (reading > 0) continue;
    try {
      if (b.objectKey) await (await storeForTarget(db, b.targetId)).delete(b.objectKey);
    } catch (e) {
      // Kept (row and all): the next scheduled backup tries again.
      log.warn({ backupId: b.id, err: errorMessage(e) }, "pruning a scheduled backup failed; kept for now");
      continue;
    }
    await db.$transaction(async (tx) => {
      const gone = await tx.volumeBackup.deleteMany({ where: { id: b.id, status: "SUCCEEDED", restores: { none: { status: { in: ["QUEUED", "RUNNING"] } } } } });
      if (gone.count === 1) {
        await recordAudit(tx, {
          actor: { system: "system", label: "backup retention", teamId: volume.teamId },
          action: "backup.prune",
          targetType: "backup",
          targetId: b.id,
          data: { volume: volume.name, createdAt: b.createdAt.toISOString(), retention: volume.backupRetention },
        });
        pruned += 1;
      }
    });
  }
  if (pruned) log.info({ volumeId, pruned, retention: volume.backupRetention }, "pruned scheduled backups beyond the retention count");
  return pruned;
}
