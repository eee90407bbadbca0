// A durable build queue over the Build table. Claims are compare-and-set updates guarded by the
// row's previous status and attempt count, so two workers (in one process or many) can never
// both win; a lease that is not renewed expires and the build is retried elsewhere. Scheduling:
// teams take turns (fairTeamOrder, within each team's concurrent-builds quota), and an app never
// has two builds running at once (a push during a build waits, queued, for it to end).
import type { Db } from "../db";
import type { BuildStatus } from "../generated/sqlite/client";

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

/** One team waiting for a build slot: how many it runs, its limit, and its oldest waiting build. */
export interface TeamInQueue {
  teamId: string;
  running: number;
  limit: number;
  oldestQueuedAt: Date;
}

/**
 * Fair order between teams (pure): teams at their concurrent-builds limit wait; the others are
 * served fewest running builds first, then by their oldest waiting build. A team with a long
 * queue therefore gets one slot after another only while no other team is waiting with fewer.
 */
export function fairTeamOrder(teams: TeamInQueue[]): string[] {
  return teams
    .filter((t) => t.running < t.limit)
    .sort((a, b) => a.running - b.running || a.oldestQueuedAt.getTime() - b.oldestQueuedAt.getTime() || a.teamId.localeCompare(b.teamId))
    .map((t) => t.teamId);
}

async function runningCount(db: Db, teamId: string, now: Date): Promise<number> {
  return db.build.count({ where: { teamId, status: "RUNNING", leaseExpiresAt: { gt: now } } });
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
  // Waiting builds: queued, or running under a lease that expired (the worker died).
  const waiting = {
    OR: [
      { status: "QUEUED" as const },
      { status: "RUNNING" as const, leaseExpiresAt: { lt: now }, attempts: { lt: opts.maxAttempts } },
    ],
  };
  const perTeam = await db.build.groupBy({ by: ["teamId"], where: waiting, _min: { queuedAt: true } });
  if (perTeam.length === 0) return null;
  const teamIds = perTeam.map((t) => t.teamId);
  const running = await db.build.groupBy({ by: ["teamId"], where: { teamId: { in: teamIds }, status: "RUNNING", leaseExpiresAt: { gt: now } }, _count: { _all: true } });
  const quotas = await db.teamQuota.findMany({ where: { teamId: { in: teamIds } }, select: { teamId: true, maxConcurrentBuilds: true } });
  const runningBy = new Map(running.map((r) => [r.teamId, r._count._all]));
  // One build per app at a time: a push during a build waits (as one queued build) for it to end.
  const busyApps = await appsBuildingNow(db, now);
  const limitBy = new Map(quotas.map((q) => [q.teamId, q.maxConcurrentBuilds]));
  const order = fairTeamOrder(
    perTeam.map((t) => ({
      teamId: t.teamId,
      running: runningBy.get(t.teamId) ?? 0,
      limit: limitBy.get(t.teamId) ?? DEFAULT_MAX_CONCURRENT,
      oldestQueuedAt: t._min.queuedAt ?? now,
    })),
  );
  for (const teamId of order) {
    const limit = limitBy.get(teamId) ?? DEFAULT_MAX_CONCURRENT;
    const candidates = await db.build.findMany({
      where: { AND: [waiting, { teamId, appId: { notIn: busyApps } }] },
      orderBy: { queuedAt: "asc" },
      take: 5,
      select: { id: true, teamId: true, appId: true, status: true, attempts: true },
    });
    for (const c of candidates) {
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
      if (won.count !== 1) continue; // another worker took it: try the team's next one
      // The limit check and the claim are not one statement: re-check, and step back if another
      // worker filled the team's last slot at the same moment.
      if ((await runningCount(db, teamId, now)) > limit) {
        await stepBack(db, c, opts.owner, now);
        break;
      }
      // Two workers may claim two builds of one app at the same moment: the lower build number keeps it.
      if (await earlierBuildOfAppRunning(db, c.appId, c.id, now)) {
        await stepBack(db, c, opts.owner, now);
        continue;
      }
      return { id: c.id, teamId: c.teamId, appId: c.appId, attempts: c.attempts + 1 };
    }
  }
  return null;
}

/** Apps with a build running under a live lease. */
async function appsBuildingNow(db: Db, now: Date): Promise<string[]> {
  const rows = await db.build.findMany({ where: { status: "RUNNING", leaseExpiresAt: { gt: now } }, select: { appId: true }, distinct: ["appId"] });
  return rows.map((r) => r.appId);
}

/** True when another build of the app runs under a live lease and was numbered before this one. */
async function earlierBuildOfAppRunning(db: Db, appId: string, buildId: string, now: Date): Promise<boolean> {
  const mine = await db.build.findUnique({ where: { id: buildId }, select: { number: true } });
  if (!mine) return false;
  const other = await db.build.count({ where: { appId, id: { not: buildId }, status: "RUNNING", leaseExpiresAt: { gt: now }, number: { lt: mine.number } } });
  return other > 0;
}

/** Undo a claim: the build goes back to what it was, its attempt not counted. */
async function stepBack(db: Db, c: { id: string; status: BuildStatus; attempts: number }, owner: string, now: Date): Promise<void> {
  await db.build.updateMany({
    where: { id: c.id, leaseOwner: owner, status: "RUNNING" },
    data: { status: c.status, attempts: c.attempts, leaseOwner: null, leaseExpiresAt: c.status === "QUEUED" ? null : now, ...(c.status === "QUEUED" ? { startedAt: null } : {}) },
  });
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
