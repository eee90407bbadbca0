import "server-only";
// Queues a restore of a backup (202): into the volume it was taken from, another volume of the
// team, or a new volume made here (quota-checked in the same transaction). slipwayd's restore
// worker proves the archive whole before it touches the volume, holds the attached app while it
// replaces the files, and the same release starts again afterwards.
import { getDb, type Tx } from "../db";
import { AppError, notFound } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { assertWithinQuota } from "../quotas/assert-within-quota";
import { nudgeSlipwayd } from "../runtime/embedded/nudge-slipwayd";
import { getVolumeOrThrow } from "../volumes/get-volume";
import type { RestoreDto } from "../volumes/schemas";
import type { VolumeWithRelations } from "../volumes/to-volume-dto";
import { volumeDtoInclude } from "../volumes/to-volume-dto";
import { assertVolumeOperable } from "./backup-rules";
import { getBackupOrThrow } from "./get-backup";
import { restoreBackupInput, type RestoreBackupInput } from "./schemas";
import { toRestoreDto, type BackupWithTarget } from "./to-backup-dto";

const GIB = 1024 ** 3;

/** The smallest size in GiB that holds the archive's files (tar's headers counted: a little over). */
function neededGib(backup: BackupWithTarget): number {
  return Math.max(1, Math.ceil(((backup.dataBytes ?? 0) * 1.05) / GIB));
}

async function newVolumeFor(tx: Tx, actor: Actor, backup: BackupWithTarget, spec: { name: string; projectId?: string; sizeGib?: number }): Promise<VolumeWithRelations> {
  const project = await tx.project.findFirst({ where: { id: spec.projectId ?? backup.projectId, teamId: actor.teamId }, select: { id: true, slug: true, clusterId: true } });
  if (!project) throw notFound("Project");
  if (project.clusterId) throw new AppError("CONFLICT", `The project ${project.slug} runs on a cluster: backups of cluster volumes are not supported yet, so a backup cannot be restored into one.`);
  const source = backup.volumeId ? await tx.volume.findUnique({ where: { id: backup.volumeId }, select: { sizeGib: true } }) : null;
  const sizeGib = spec.sizeGib ?? Math.max(source?.sizeGib ?? 1, neededGib(backup));
  await assertWithinQuota(tx, { teamId: actor.teamId, action: `Creating the volume ${spec.name} (${sizeGib} GiB) to restore a backup into`, projectId: project.id, addStorageGib: sizeGib });
  const taken = await tx.volume.findUnique({ where: { projectId_name: { projectId: project.id, name: spec.name } }, select: { id: true } });
  if (taken) throw new AppError("CONFLICT", `The project ${project.slug} already has a volume named ${spec.name}.`, { fields: [{ path: "newVolume.name", message: "is taken in this project" }] });
  const volume = await tx.volume.create({ data: { teamId: actor.teamId, projectId: project.id, name: spec.name, sizeGib }, include: volumeDtoInclude });
  await recordAudit(tx, { actor, action: "volume.create", targetType: "volume", targetId: volume.id, data: { name: spec.name, project: project.slug, sizeGib, restoredFrom: backup.id } });
  return volume;
}

export async function restoreBackup({ actor, backupId, input }: { actor: Actor; backupId: string; input: RestoreBackupInput }): Promise<{ restore: RestoreDto }> {
  const data = restoreBackupInput.parse(input);
  const db = getDb();
  const restore = await db.$transaction(async (tx) => {
    const backup = await getBackupOrThrow({ actor, backupId, db: tx });
    if (backup.status !== "SUCCEEDED") throw new AppError("CONFLICT", `This backup of ${backup.volumeName} is ${backup.status.toLowerCase()}: only a finished backup can be restored.`);
    let volume: VolumeWithRelations;
    if ("newVolume" in data) {
      volume = await newVolumeFor(tx, actor, backup, data.newVolume);
    } else {
      const volumeId = data.volumeId ?? backup.volumeId;
      if (!volumeId) throw new AppError("VALIDATION", `The volume ${backup.volumeName} no longer exists: restore into another volume (volumeId) or a new one (newVolume).`, { fields: [{ path: "volumeId", message: "is required: the backed-up volume is gone" }] });
      volume = await getVolumeOrThrow({ actor, volumeId, db: tx });
      assertVolumeOperable(volume, "restored into");
      const needed = neededGib(backup);
      if (volume.sizeGib < needed) {
        throw new AppError("VALIDATION", `The backup holds ${Math.round((backup.dataBytes ?? 0) / 1024 ** 2)} MiB, more than volume ${volume.name} (${volume.sizeGib} GiB) can hold: grow it to at least ${needed} GiB or restore into a new volume.`, { fields: [{ path: "volumeId", message: "is too small for this backup" }] });
      }
      const busy = await tx.volumeRestore.findFirst({ where: { volumeId: volume.id, status: { in: ["QUEUED", "RUNNING"] } }, select: { id: true } });
      if (busy) throw new AppError("CONFLICT", `A restore into volume ${volume.name} is already in progress; wait for it to finish.`);
    }
    const row = await tx.volumeRestore.create({ data: { teamId: actor.teamId, backupId: backup.id, volumeId: volume.id, totalBytes: backup.dataBytes, createdById: actor.userId } });
    await recordAudit(tx, {
      actor,
      action: "backup.restore",
      targetType: "volume",
      targetId: volume.id,
      data: { restoreId: row.id, backupId: backup.id, from: backup.volumeName, into: volume.name, newVolume: "newVolume" in data, app: volume.app?.slug ?? null },
    });
    return row;
  });
  await nudgeSlipwayd(`restore ${restore.id} queued`);
  return { restore: toRestoreDto(restore) };
}
