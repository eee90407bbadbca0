// A durable build queue over the Build table. Claims are compare-and-set updates guarded by the
// row's previous status and attempt count, so two workers (in one process or many) can never
// both win; a lease that is not renewed expires and the build is retried elsewhere.
import type { Db } from "../db";

export interface QueueOptions {
  owner: string;
  leaseMs: number;
  maxAttempts: number;
  now?: () => Date;
}

export interface ClaimedBuild {
  id: string;
  teamId: string;
  appId: string;
  attempts: number;
}

const DEFAULT_MAX_CONCURRENT = 2;

async function runningCount(db: Db, teamId: string, now: Date): Promise<number> {
  return db.build.count({ where: { teamId, status: "RUNNING", leaseExpiresAt: { gt: now } } });
}

async function teamLimit(db: Db, teamId: string): Promise<number> {
  const quota = await db.teamQuota.findUnique({ where: { teamId } });
  return quota?.maxConcurrentBuilds ?? DEFAULT_MAX_CONCURRENT;
}

/** Builds whose worker died too often are failed instead of retried forever. */
export async function failExhaustedBuilds(db: Db, opts: QueueOptions): Promise<number> {
  const now = opts.now?.() ?? new Date();
  const r = await db.build.updateMany({
    where: { status: "RUNNING", leaseExpiresAt: { lt: now }, attempts: { gte: opts.maxAttempts } },
    data: {
      status: "FAILED",
      finishedAt: now,
      leaseOwner: null,
      leaseExpiresAt: null,
      error: `The build worker stopped responding ${opts.maxAttempts} times; the build was abandoned. Queue it again to retry.`,
    },
  });
  return r.count;
}

export async function claimNextBuild(db: Db, opts: QueueOptions): Promise<ClaimedBuild | null> {
  const now = opts.now?.() ?? new Date();
  await failExhaustedBuilds(db, opts);
  const candidates = await db.build.findMany({
    where: {
      OR: [
        { status: "QUEUED" },
        { status: "RUNNING", leaseExpiresAt: { lt: now }, attempts: { lt: opts.maxAttempts } },
      ],
    },
    orderBy: { queuedAt: "asc" },
    take: 25,
    select: { id: true, teamId: true, appId: true, status: true, attempts: true },
  });
  const fullTeams = new Set<string>();
  for (const c of candidates) {
    if (fullTeams.has(c.teamId)) continue;
    const limit = await teamLimit(db, c.teamId);
    if ((await runningCount(db, c.teamId, now)) >= limit) {
      fullTeams.add(c.teamId);
      continue;
    }
    const won = await db.build.updateMany({
      where: { id: c.id, status: c.status, attempts: c.attempts },
      data: {
        status: "RUNNING",
        attempts: c.attempts + 1,
        leaseOwner: opts.owner,
        leaseExpiresAt: new Date(now.getTime() + opts.leaseMs),
        startedAt: now,
        finishedAt: null,
        error: null,
      },
    });
    if (won.count !== 1) continue;
    // The quota check and the claim are not one statement: re-check, and step back if another
    // worker filled the team's last slot at the same moment.
    if ((await runningCount(db, c.teamId, now)) > limit) {
      await db.build.updateMany({
        where: { id: c.id, leaseOwner: opts.owner, status: "RUNNING" },
        data: { status: c.status, attempts: c.attempts, leaseOwner: null, leaseExpiresAt: c.status === "QUEUED" ? null : now },
      });
      fullTeams.add(c.teamId);
      continue;
    }
    return { id: c.id, teamId: c.teamId, appId: c.appId, attempts: c.attempts + 1 };
  }
  return null;
}

/** Extends the lease; false means it was lost (expired and reclaimed, or canceled). */
export async function renewLease(db: Db, buildId: string, opts: QueueOptions): Promise<boolean> {
  const now = opts.now?.() ?? new Date();
  const r = await db.build.updateMany({
    where: { id: buildId, leaseOwner: opts.owner, status: "RUNNING" },
    data: { leaseExpiresAt: new Date(now.getTime() + opts.leaseMs) },
  });
  return r.count === 1;
}

/** Graceful shutdown: hand the build back without counting the attempt against it. */
export async function releaseLease(db: Db, buildId: string, owner: string): Promise<void> {
  const b = await db.build.findUnique({ where: { id: buildId }, select: { attempts: true } });
  if (!b) return;
  await db.build.updateMany({
    where: { id: buildId, leaseOwner: owner, status: "RUNNING" },
    data: { status: "QUEUED", leaseOwner: null, leaseExpiresAt: null, attempts: Math.max(0, b.attempts - 1) },
  });
}
