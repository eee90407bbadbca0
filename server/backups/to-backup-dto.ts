import "server-only";
import type { BackupTarget, VolumeBackup, VolumeRestore } from "../generated/sqlite/client";
import type { BackupDto, BackupTargetDto, OperationStatus, RestoreDto } from "../volumes/schemas";

export const LOCAL_TARGET_NAME = "local backup directory";

/** What a BackupDto needs besides the row: its target's name, and its newest restore. */
export const backupDtoInclude = {
  target: { select: { name: true } },
  restores: { orderBy: { createdAt: "desc" as const }, take: 1 },
};

export type BackupWithTarget = VolumeBackup & { target: { name: string } | null; restores: VolumeRestore[] };

const status = (s: string): OperationStatus => (["QUEUED", "RUNNING", "SUCCEEDED", "FAILED"].includes(s) ? (s as OperationStatus) : "FAILED");

export function toBackupDto(b: BackupWithTarget): BackupDto {
  return {
    id: b.id,
    volumeId: b.volumeId,
    volumeName: b.volumeName,
    projectId: b.projectId,
    trigger: b.trigger === "schedule" ? "schedule" : "manual",
    consistent: b.consistent,
    status: status(b.status),
    target: { id: b.targetId, name: b.target?.name ?? LOCAL_TARGET_NAME },
    bytesDone: b.bytesDone,
    dataBytes: b.dataBytes,
    sizeBytes: b.sizeBytes,
    sha256: b.sha256,
    error: b.error,
    createdAt: b.createdAt.toISOString(),
    startedAt: b.startedAt?.toISOString() ?? null,
    finishedAt: b.finishedAt?.toISOString() ?? null,
    lastRestore: b.restores[0] ? toRestoreDto(b.restores[0]) : null,
  };
}

export function toRestoreDto(r: VolumeRestore): RestoreDto {
  return {
    id: r.id,
    backupId: r.backupId,
    volumeId: r.volumeId,
    status: status(r.status),
    bytesDone: r.bytesDone,
    totalBytes: r.totalBytes,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

/** The secret never leaves the row: not even its length. */
export function toBackupTargetDto(t: BackupTarget): BackupTargetDto {
  return {
    id: t.id,
    name: t.name,
    endpoint: t.endpoint,
    region: t.region,
    bucket: t.bucket,
    prefix: t.prefix,
    accessKeyId: t.accessKeyId,
    forcePathStyle: t.forcePathStyle,
    createdAt: t.createdAt.toISOString(),
  };
}
