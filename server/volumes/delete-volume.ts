import "server-only";
// Deletes a detached volume: the web records the wish, the runtime removes the data and then the
// row. Its backups are kept (restorable into a new volume) until deleted themselves.
import { getDb } from "../db";
import { AppError } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { nudgeSlipwayd } from "../runtime/embedded/nudge-slipwayd";
import { getVolumeOrThrow } from "./get-volume";
import type { VolumeDto } from "./schemas";
import { toVolumeDto } from "./to-volume-dto";

export async function deleteVolume({ actor, volumeId }: { actor: Actor; volumeId: string }): Promise<{ volume: VolumeDto; changed: boolean }> {
  const result = await getDb().$transaction(async (tx) => {
    const volume = await getVolumeOrThrow({ actor, volumeId, db: tx });
    if (volume.deleteRequestedAt) return { volume, changed: false };
    if (volume.appId) {
      throw new AppError("CONFLICT", `The volume ${volume.name} is attached to ${volume.app?.slug ?? "an app"} at ${volume.mountPath}; detach it first (its data would be lost to a running app).`);
    }
    const busyBackup = await tx.volumeBackup.findFirst({ where: { volumeId, status: { in: ["QUEUED", "RUNNING"] } }, select: { id: true } });
    const busyRestore = await tx.volumeRestore.findFirst({ where: { volumeId, status: { in: ["QUEUED", "RUNNING"] } }, select: { id: true } });
    if (busyBackup || busyRestore) {
      throw new AppError("CONFLICT", `The volume ${volume.name} has a ${busyBackup ? "backup" : "restore"} in progress; delete it when that has finished.`);
    }
    await tx.volume.update({ where: { id: volume.id }, data: { deleteRequestedAt: new Date() } });
    await recordAudit(tx, { actor, action: "volume.delete", targetType: "volume", targetId: volume.id, data: { name: volume.name, project: volume.project.slug, sizeGib: volume.sizeGib } });
    return { volume: await getVolumeOrThrow({ actor, volumeId, db: tx }), changed: true };
  });
  if (result.changed) await nudgeSlipwayd(`volume ${volumeId} deleted`);
  return { volume: toVolumeDto(result.volume), changed: result.changed };
}
