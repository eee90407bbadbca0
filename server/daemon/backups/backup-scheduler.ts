// Queues scheduled backups: a volume whose schedule has fired since its last scheduled backup gets
// one (missed runs while slipwayd was down make one backup, not a burst). The compare-and-set on
// lastScheduledBackupAt makes two daemons (or two ticks) queue it once. A volume whose schedule was
// just set starts counting from that moment.
import type { Db } from "../../db";
import { recordAudit } from "../../audit/record-audit";
import { previousBackupRun } from "../../backups/backup-schedule";
import type { Logger } from "../logger";
import { errorMessage } from "./operation-context";

export async function queueScheduledBackups(db: Db, log: Logger, now = new Date()): Promise<string[]> {
  const volumes = await db.volume.findMany({
    where: { backupSchedule: { not: "" }, deleteRequestedAt: null, project: { clusterId: null } },
    select: { id: true, teamId: true, projectId: true, name: true, backupSchedule: true, backupConsistent: true, backupTargetId: true, lastScheduledBackupAt: true },
  });
  const queued: string[] = [];
  for (const v of volumes) {
    let due: Date | null;
    try {
      due = previousBackupRun(v.backupSchedule, now);
    } catch (e) {
      log.warn({ volumeId: v.id, err: errorMessage(e) }, "skipping a volume's backup schedule");
      continue;
    }
    if (!v.lastScheduledBackupAt) {
      await db.volume.updateMany({ where: { id: v.id, lastScheduledBackupAt: null }, data: { lastScheduledBackupAt: now } });
      continue;
    }
    if (!due || due <= v.lastScheduledBackupAt) continue;
    const id = await db.$transaction(async (tx) => {
      const claimed = await tx.volume.updateMany({ where: { id: v.id, lastScheduledBackupAt: v.lastScheduledBackupAt }, data: { lastScheduledBackupAt: now } });
      if (claimed.count !== 1) return null;
      // One in flight at a time: a backup slower than its schedule skips runs instead of piling up.
      const busy = await tx.volumeBackup.count({ where: { volumeId: v.id, status: { in: ["QUEUED", "RUNNING"] } } });
      if (busy > 0) return null;
      const row = await tx.volumeBackup.create({
        data: { teamId: v.teamId, volumeId: v.id, volumeName: v.name, projectId: v.projectId, trigger: "schedule", consistent: v.backupConsistent, targetId: v.backupTargetId },
      });
      await recordAudit(tx, {
        actor: { system: "system", label: "backup schedule", teamId: v.teamId },
        action: "backup.create",
        targetType: "backup",
        targetId: row.id,
        data: { volume: v.name, schedule: v.backupSchedule, due: due.toISOString(), consistent: v.backupConsistent },
      });
      return row.id;
    });
    if (id) {
      queued.push(id);
      log.info({ volumeId: v.id, backupId: id, schedule: v.backupSchedule }, "scheduled backup queued");
    }
  }
  return queued;
}
