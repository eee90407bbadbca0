import "server-only";
// Grows a volume, or changes its backup settings. Sizes only grow: shrinking a filesystem under
// an app's data can lose it, so a smaller size is refused (make a new volume and restore a backup
// into it instead).
import { getDb } from "../db";
import { AppError, notFound } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { checkBackupSchedule } from "../backups/backup-schedule";
import { assertWithinQuota } from "../quotas/assert-within-quota";
import { nudgeSlipwayd } from "../runtime/embedded/nudge-slipwayd";
import { getVolumeOrThrow } from "./get-volume";
import { updateVolumeInput, type UpdateVolumeInput, type VolumeDto } from "./schemas";
import { toVolumeDto } from "./to-volume-dto";

const invalid = (path: string, message: string) => new AppError("VALIDATION", message, { fields: [{ path, message }] });

export async function updateVolume({ actor, volumeId, input }: { actor: Actor; volumeId: string; input: UpdateVolumeInput }): Promise<{ volume: VolumeDto }> {
  const data = updateVolumeInput.parse(input);
  if (data.backupSchedule) {
    const problem = checkBackupSchedule(data.backupSchedule);
    if (problem) throw invalid("backupSchedule", problem);
  }
  const db = getDb();
  const updated = await db.$transaction(async (tx) => {
    const volume = await getVolumeOrThrow({ actor, volumeId, db: tx });
    if (volume.deleteRequestedAt) throw new AppError("CONFLICT", `The volume ${volume.name} is being deleted.`);
    const grow = data.sizeGib !== undefined && data.sizeGib !== volume.sizeGib ? data.sizeGib - volume.sizeGib : 0;
    if (grow < 0) {
      throw invalid("sizeGib", `Volumes only grow: ${volume.name} is ${volume.sizeGib} GiB, and shrinking a filesystem under its data could lose it. Create a smaller volume and restore a backup into it instead.`);
    }
    if (grow > 0) {
      await assertWithinQuota(tx, { teamId: actor.teamId, action: `Growing the volume ${volume.name} from ${volume.sizeGib} to ${data.sizeGib} GiB`, projectId: volume.projectId, addStorageGib: grow });
    }
    if (data.backupTargetId) {
      const target = await tx.backupTarget.findFirst({ where: { id: data.backupTargetId, teamId: actor.teamId }, select: { id: true } });
      if (!target) throw notFound("Backup target");
    }
    await tx.volume.update({ where: { id: volume.id }, data });
    const changes = Object.fromEntries(Object.entries(data).filter(([k, v]) => v !== undefined && v !== volume[k as keyof typeof data]).map(([k, v]) => [k, { from: volume[k as keyof typeof data], to: v }]));
    await recordAudit(tx, { actor, action: "volume.update", targetType: "volume", targetId: volume.id, data: { name: volume.name, changes } });
    return { volume: await getVolumeOrThrow({ actor, volumeId, db: tx }), grew: grow > 0 };
  });
  if (updated.grew) await nudgeSlipwayd(`volume ${volumeId} grown`);
  return { volume: toVolumeDto(updated.volume) };
}
