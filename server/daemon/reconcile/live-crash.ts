// A live release whose containers start crashing after it went live: each exit recorded once (by
// its time, so ticks and daemons that see the same exited container change nothing), the streak
// cleared once the container stays up, and, within a window after promotion, an automatic
// rollback to the release that was live before. Each step one guarded write.
import type { Db } from "../../db";
import { recordAppEvent } from "../../apps/events/record-app-event";

export interface LiveCrashState {
  liveRestartCount: number;
  crashingSince: Date | null;
  lastExitAt: Date | null;
}

export interface LiveExit {
  exitCode: number | null;
  oomKilled: boolean;
  finishedAt: Date;
  lines: string[];
}

/** Records a crash of a live release; null when this exit was recorded already (or it is no longer live). */
export async function recordLiveExit(db: Db, releaseId: string, exit: LiveExit): Promise<LiveCrashState | null> {
  const before = await db.release.findUniqueOrThrow({ where: { id: releaseId }, select: { crashingSince: true } });
  const { count } = await db.release.updateMany({
    where: { id: releaseId, status: "LIVE", OR: [{ lastExitAt: null }, { lastExitAt: { lt: exit.finishedAt } }] },
    data: {
      liveRestartCount: { increment: 1 },
      crashingSince: before.crashingSince ?? exit.finishedAt,
      lastExitCode: exit.exitCode,
      lastExitAt: exit.finishedAt,
      lastExitOomKilled: exit.oomKilled,
      lastLogLines: exit.lines.join("\n"),
    },
  });
  if (!count) return null;
  return db.release.findUniqueOrThrow({ where: { id: releaseId }, select: { liveRestartCount: true, crashingSince: true, lastExitAt: true } });
}

/** Clears the crash streak of a live release whose containers stayed up; true when it was crashing. */
export async function markRecovered(db: Db, release: { id: string; teamId: string; appId: string; version: number }): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.release.updateMany({
      where: { id: release.id, crashingSince: { not: null } },
      data: { crashingSince: null, liveRestartCount: 0 },
    });
    if (count) {
      await recordAppEvent(tx, { teamId: release.teamId, appId: release.appId, kind: "recovered", releaseId: release.id, message: `v${release.version} is running again` });
    }
    return count > 0;
  });
}

/** The release that was live before this one (the rollback target), or null when there is none. */
export async function previousLiveRelease(db: Db, appId: string, releaseId: string): Promise<{ id: string; version: number } | null> {
  return db.release.findFirst({
    where: { appId, id: { not: releaseId }, liveAt: { not: null }, status: { in: ["SUPERSEDED", "LIVE"] } },
    orderBy: { liveAt: "desc" },
    select: { id: true, version: true },
  });
}

/**
 * Ends a live release that keeps crashing: FAILED with the reason, and the app's target moved to
 * the previous release, which the reconciler then rolls out like any other. Only while the app
 * still targets the crashing release (a deploy or rollback made meanwhile wins).
 */
export async function rollBackCrashingRelease(
  db: Db,
  crashing: { id: string; teamId: string; appId: string; version: number },
  previous: { id: string; version: number },
  reason: string,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.app.updateMany({
      where: { id: crashing.appId, targetReleaseId: crashing.id, liveReleaseId: crashing.id },
      data: { targetReleaseId: previous.id },
    });
    if (!count) return false;
    await tx.release.update({ where: { id: crashing.id }, data: { status: "FAILED", statusReason: reason } });
    // The previous release rolls out again from the start.
    await tx.release.updateMany({ where: { id: previous.id, status: { in: ["SUPERSEDED", "FAILED"] } }, data: { status: "PENDING" } });
    await recordAppEvent(tx, {
      teamId: crashing.teamId,
      appId: crashing.appId,
      kind: "auto_rolled_back",
      releaseId: crashing.id,
      message: `v${crashing.version} kept crashing after it went live: rolling back to v${previous.version}`,
    });
    return true;
  });
}
