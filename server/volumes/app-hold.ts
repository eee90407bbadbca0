// Which apps are held by work on their volumes: the one place that decides it, read by the control
// loop (a held app runs no replica, like a stopped one, and its route answers 503 with the reason)
// and by the backup and restore workers (they wait until the app's replicas are gone). Held while:
//   - a restore into one of its volumes is QUEUED or RUNNING (the files are replaced under it);
//   - a consistent backup of one of its volumes is RUNNING (the copy must not change meanwhile);
//   - one of its embedded volumes is being grown offline (state "pending" with a smaller size
//     already made: this machine cannot resize a mounted filesystem, volume-reconciler.ts).
// When the row ends, the hold ends and the same live release starts again.
import type { Db, Tx } from "../db";

/** Why an app is held, in words for its route's 503 and its page. */
export type HoldReason = string;

/**
 * appId → why it is held, for the apps among `appIds` (every app when omitted) that are held now.
 * An app held for several reasons gets the first: restores, then backups, then grows.
 */
export async function appsHeldByVolumeOperations(db: Db | Tx, appIds?: string[]): Promise<Map<string, HoldReason>> {
  const held = new Map<string, HoldReason>();
  if (appIds && appIds.length === 0) return held;
  const attached = appIds ? { appId: { in: appIds } } : { appId: { not: null } };
  const [restores, backups, growing] = await Promise.all([
    db.volumeRestore.findMany({
      where: { status: { in: ["QUEUED", "RUNNING"] }, volume: attached },
      select: { volume: { select: { appId: true, name: true } } },
      orderBy: { createdAt: "asc" },
    }),
    db.volumeBackup.findMany({
      where: { status: "RUNNING", consistent: true, volume: attached },
      select: { volume: { select: { appId: true, name: true } } },
      orderBy: { createdAt: "asc" },
    }),
    db.volume.findMany({
      where: { ...attached, state: "pending", provisionedGib: { gt: 0 }, deleteRequestedAt: null, project: { clusterId: null } },
      select: { appId: true, name: true, sizeGib: true, provisionedGib: true },
    }),
  ]);
  const hold = (appId: string | null | undefined, reason: string) => {
    if (appId && !held.has(appId)) held.set(appId, reason);
  };
  for (const r of restores) hold(r.volume.appId, `volume ${r.volume.name} is being restored from a backup`);
  for (const b of backups) hold(b.volume?.appId, `volume ${b.volume?.name ?? ""} is being backed up (a consistent backup stops the app for the copy)`);
  for (const v of growing) {
    if (v.sizeGib > v.provisionedGib) hold(v.appId, `volume ${v.name} is being grown from ${v.provisionedGib} GiB to ${v.sizeGib} GiB`);
  }
  return held;
}
