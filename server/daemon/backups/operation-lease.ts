// Leases on backup and restore rows, like builds': a claim is a compare-and-set from QUEUED (or
// from RUNNING under a lease that expired: its worker died) to RUNNING under this worker's name; a
// heartbeat extends it; a lost lease stops the work. The volume's runtime must be this machine's
// (embedded) and its data made; a volume is never backed up and restored at the same time.
import type { Db } from "../../db";

export interface LeaseOptions {
  owner: string;
  leaseMs: number;
}

const waiting = (now: Date) => ({ OR: [{ status: "QUEUED" }, { status: "RUNNING", leaseExpiresAt: { lt: now } }] });

/** Volumes a live restore is (or will be) replacing, and volumes a live backup is reading. */
async function busyVolumes(db: Db, now: Date) {
  const [restoring, backingUp] = await Promise.all([
    db.volumeRestore.findMany({ where: { OR: [{ status: "QUEUED" }, { status: "RUNNING" }] }, select: { volumeId: true, status: true, leaseExpiresAt: true } }),
    db.volumeBackup.findMany({ where: { status: "RUNNING", leaseExpiresAt: { gt: now }, volumeId: { not: null } }, select: { volumeId: true } }),
  ]);
  return { restoring: new Set(restoring.map((r) => r.volumeId)), backingUp: new Set(backingUp.map((b) => b.volumeId!)) };
}

export async function claimBackup(db: Db, opts: LeaseOptions, now = new Date()): Promise<string | null> {
  const candidates = await db.volumeBackup.findMany({
    where: { AND: [waiting(now), { OR: [{ volumeId: null }, { volume: { project: { clusterId: null } } }] }] },
    select: { id: true, status: true, volumeId: true, leaseExpiresAt: true, volume: { select: { state: true } } },
    orderBy: { createdAt: "asc" },
    take: 20,
  });
  if (candidates.length === 0) return null;
  const busy = await busyVolumes(db, now);
  for (const c of candidates) {
    // A deleted volume's backup is claimed so that it fails with a reason; a volume not made yet waits.
    if (c.volumeId && (busy.restoring.has(c.volumeId) || c.volume?.state !== "ready")) continue;
    const won = await db.volumeBackup.updateMany({
      where: { id: c.id, status: c.status, leaseExpiresAt: c.leaseExpiresAt },
      data: { status: "RUNNING", leaseOwner: opts.owner, leaseExpiresAt: new Date(now.getTime() + opts.leaseMs), startedAt: now, error: null },
    });
    if (won.count === 1) return c.id;
  }
  return null;
}

export async function claimRestore(db: Db, opts: LeaseOptions, now = new Date()): Promise<string | null> {
  const candidates = await db.volumeRestore.findMany({
    where: { AND: [waiting(now), { volume: { project: { clusterId: null } } }] },
    select: { id: true, status: true, volumeId: true, leaseExpiresAt: true, volume: { select: { state: true } } },
    orderBy: { createdAt: "asc" },
    take: 20,
  });
  if (candidates.length === 0) return null;
  const busy = await busyVolumes(db, now);
  const claimedVolumes = new Set(
    (await db.volumeRestore.findMany({ where: { status: "RUNNING", leaseExpiresAt: { gt: now } }, select: { volumeId: true } })).map((r) => r.volumeId),
  );
  for (const c of candidates) {
    // A new volume to restore into is made by the volume reconciler first.
    if (c.volume.state !== "ready" || busy.backingUp.has(c.volumeId) || claimedVolumes.has(c.volumeId)) continue;
    const won = await db.volumeRestore.updateMany({
      where: { id: c.id, status: c.status, leaseExpiresAt: c.leaseExpiresAt },
      data: { status: "RUNNING", leaseOwner: opts.owner, leaseExpiresAt: new Date(now.getTime() + opts.leaseMs), startedAt: now, error: null },
    });
    if (won.count === 1) return c.id;
  }
  return null;
}

export async function renewBackupLease(db: Db, id: string, opts: LeaseOptions): Promise<boolean> {
  const r = await db.volumeBackup.updateMany({ where: { id, leaseOwner: opts.owner, status: "RUNNING" }, data: { leaseExpiresAt: new Date(Date.now() + opts.leaseMs) } });
  return r.count === 1;
}

export async function renewRestoreLease(db: Db, id: string, opts: LeaseOptions): Promise<boolean> {
  const r = await db.volumeRestore.updateMany({ where: { id, leaseOwner: opts.owner, status: "RUNNING" }, data: { leaseExpiresAt: new Date(Date.now() + opts.leaseMs) } });
  return r.count === 1;
}
