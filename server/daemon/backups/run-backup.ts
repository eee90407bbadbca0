// One claimed backup: (for a consistent one, wait until the held app's replicas are gone) archive
// the volume's data to its target, record checksum and sizes, let the app start again, and prune
// scheduled backups beyond the volume's retention.
import { stat } from "node:fs/promises";
import { volumeDataPath } from "../volumes/volume-paths";
import { archiveKey } from "./backup-store";
import { waitForAppStopped } from "./app-quiesce";
import { errorMessage, type OperationContext } from "./operation-context";
import { pruneScheduledBackups } from "./prune-backups";
import { storeForTarget } from "./store-for-target";

export async function runBackup(ctx: OperationContext, backupId: string): Promise<void> {
  const { db, log, owner } = ctx;
  const backup = await db.volumeBackup.findUniqueOrThrow({ where: { id: backupId }, include: { volume: true } });
  const finish = async (data: { status: "SUCCEEDED" | "FAILED"; error?: string | null; sha256?: string; sizeBytes?: number; dataBytes?: number; bytesDone?: number; objectKey?: string }) => {
    const r = await db.volumeBackup.updateMany({
      where: { id: backupId, leaseOwner: owner, status: "RUNNING" },
      data: { ...data, finishedAt: new Date(), leaseOwner: null, leaseExpiresAt: null },
    });
    if (backup.volume?.appId && backup.consistent) ctx.nudgeApp(backup.volume.appId);
    return r.count === 1;
  };
  const volume = backup.volume;
  if (!volume) {
    await finish({ status: "FAILED", error: `The volume ${backup.volumeName} was deleted before it could be backed up.` });
    return;
  }
  const started = Date.now();
  try {
    if (backup.consistent && volume.appId) {
      ctx.nudgeApp(volume.appId);
      await waitForAppStopped({ engine: ctx.engine, appId: volume.appId, timeoutMs: ctx.holdTimeoutMs, nudge: () => ctx.nudgeApp(volume.appId!), signal: ctx.signal });
    }
    const dir = volumeDataPath(ctx.dataDir, volume.id);
    try {
      await stat(dir);
    } catch {
      throw new Error(`the volume's data (${dir}) is not there: the volume is not mounted on this machine`);
    }
    const store = await storeForTarget(db, backup.targetId);
    const key = archiveKey(backup.teamId, volume.id, backup.id);
    const result = await store.putArchive(key, {
      dir,
      signal: ctx.signal,
      onProgress: (bytesDone) => {
        db.volumeBackup.updateMany({ where: { id: backupId, leaseOwner: owner, status: "RUNNING" }, data: { bytesDone } }).catch((e: unknown) => log.warn({ backupId, err: errorMessage(e) }, "recording backup progress failed"));
      },
    });
    if (result.warnings) log.info({ backupId, warnings: result.warnings.slice(0, 2000) }, "tar noted files that changed while they were read (the app was running)");
    const ok = await finish({ status: "SUCCEEDED", error: null, sha256: result.sha256, sizeBytes: result.sizeBytes, dataBytes: result.dataBytes, bytesDone: result.dataBytes, objectKey: key });
    if (!ok) {
      // The lease was lost meanwhile (this worker was presumed dead): the row is another's now.
      log.warn({ backupId }, "backup finished after its lease was lost; its result was not recorded");
      return;
    }
    log.info({ backupId, volumeId: volume.id, ms: Date.now() - started, sizeBytes: result.sizeBytes, dataBytes: result.dataBytes, target: store.label }, "backup succeeded");
    if (backup.trigger === "schedule") await pruneScheduledBackups(ctx, volume.id);
  } catch (e) {
    if (ctx.signal.aborted) throw e; // slipwayd stops or the lease was lost: the row is handed back, not failed
    log.warn({ backupId, err: errorMessage(e) }, "backup failed");
    await finish({ status: "FAILED", error: `Backup failed: ${errorMessage(e)}` });
  }
}
