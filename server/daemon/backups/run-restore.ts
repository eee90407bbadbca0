// One claimed restore: fetch the archive and prove it whole (SHA-256, size, decompress and list)
// before the volume is touched; wait until the held app's replicas are gone; unpack into a sibling
// of the data directory and swap it in; then the hold ends and the same release starts again. A
// corrupt or truncated archive fails the restore with the reason and leaves the volume as it was.
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { volumeDataPath, volumeMountPoint } from "../volumes/volume-paths";
import { CorruptArchive, extractArchive, verifyArchive } from "./archive-reader";
import { waitForAppStopped } from "./app-quiesce";
import { localBackupDir } from "./local-store";
import { errorMessage, type OperationContext } from "./operation-context";
import { storeForTarget } from "./store-for-target";
import { prepareStaging, recoverInterruptedSwap, swapIn } from "./volume-swap";

export async function runRestore(ctx: OperationContext, restoreId: string): Promise<void> {
  const { db, log, owner } = ctx;
  const restore = await db.volumeRestore.findUniqueOrThrow({ where: { id: restoreId }, include: { backup: true, volume: true } });
  const { backup, volume } = restore;
  const update = (data: { bytesDone?: number; totalBytes?: number }) =>
    db.volumeRestore.updateMany({ where: { id: restoreId, leaseOwner: owner, status: "RUNNING" }, data }).catch((e: unknown) => log.warn({ restoreId, err: errorMessage(e) }, "recording restore progress failed"));
  const finish = async (status: "SUCCEEDED" | "FAILED", error: string | null, extra: { bytesDone?: number } = {}) => {
    const r = await db.volumeRestore.updateMany({
      where: { id: restoreId, leaseOwner: owner, status: "RUNNING" },
      data: { status, error, ...extra, finishedAt: new Date(), leaseOwner: null, leaseExpiresAt: null },
    });
    // The hold ends with the row: the same live release starts again.
    if (volume.appId) ctx.nudgeApp(volume.appId);
    return r.count === 1;
  };
  const mountPoint = volumeMountPoint(ctx.dataDir, volume.id);
  const dataDir = volumeDataPath(ctx.dataDir, volume.id);
  const stagingRoot = path.join(localBackupDir(), ".staging");
  const download = path.join(stagingRoot, `${restoreId}.tar.zst`);
  const started = Date.now();
  try {
    if (backup.status !== "SUCCEEDED" || !backup.objectKey) throw new Error(`the backup is ${backup.status.toLowerCase()}, not a finished archive`);
    await update({ bytesDone: 0, totalBytes: backup.dataBytes ?? undefined });
    const store = await storeForTarget(db, backup.targetId);
    await mkdir(stagingRoot, { recursive: true, mode: 0o700 });
    const file = await store.fetchToFile(backup.objectKey, download, ctx.signal);
    try {
      await verifyArchive({ file, sha256: backup.sha256, sizeBytes: backup.sizeBytes, signal: ctx.signal });
    } catch (e) {
      if (e instanceof CorruptArchive) {
        log.warn({ restoreId, backupId: backup.id, err: e.message }, "restore refused: corrupt archive");
        await finish("FAILED", `The archive in ${store.label} is damaged, so nothing was restored and volume ${volume.name} is unchanged: ${e.message}.`);
        return;
      }
      throw e;
    }
    if (volume.appId) {
      ctx.nudgeApp(volume.appId);
      await waitForAppStopped({ engine: ctx.engine, appId: volume.appId, timeoutMs: ctx.holdTimeoutMs, nudge: () => ctx.nudgeApp(volume.appId!), signal: ctx.signal });
    }
    for (const step of await recoverInterruptedSwap(mountPoint, dataDir)) log.info({ restoreId, volumeId: volume.id }, step);
    const staging = await prepareStaging(mountPoint, restoreId);
    try {
      await extractArchive({ file, dest: staging, signal: ctx.signal, progressMs: 500, onProgress: (bytesDone) => void update({ bytesDone }) });
    } catch (e) {
      await rm(staging, { recursive: true, force: true });
      const reason = errorMessage(e);
      const full = /No space left on device/i.test(reason);
      throw new Error(full ? `volume ${volume.name} has no room for the restored files beside its current ones (a restore unpacks first and swaps after, so that a failure leaves the data as it was): grow the volume or restore into a new one` : reason);
    }
    await swapIn({ staging, dataDir, restoreId });
    if (!(await finish("SUCCEEDED", null, { bytesDone: backup.dataBytes ?? 0 }))) log.warn({ restoreId }, "restore finished after its lease was lost");
    else log.info({ restoreId, volumeId: volume.id, backupId: backup.id, ms: Date.now() - started }, "restore succeeded");
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    log.warn({ restoreId, err: errorMessage(e) }, "restore failed");
    await finish("FAILED", `Restore failed, volume ${volume.name} is unchanged: ${errorMessage(e)}`);
  } finally {
    await rm(download, { force: true }).catch((e: unknown) => log.warn({ restoreId, err: errorMessage(e) }, "removing the downloaded archive failed"));
  }
}
