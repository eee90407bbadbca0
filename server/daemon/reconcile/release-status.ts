// Release status transitions, each one transaction, each guarded so a repeated call (after a
// crash) is harmless.
import type { Db } from "../../db";
import type { DesiredApp } from "./desired-state";
import { recordAppEvent } from "../../apps/events/record-app-event";

/** What the control loop persists about a rollout in progress (see the Release model). */
export interface RolloutState {
  rolloutStartedAt: Date;
  restartCount: number;
  lastExitCode: number | null;
  lastExitAt: Date | null;
  lastExitOomKilled: boolean;
  lastLogLines: string | null;
}

/**
 * Whether a rollout ran past its deadline, counted from its persisted start (a restarted slipwayd
 * keeps the original deadline). The one deadline rule of both runtimes.
 */
export function rolloutOverdue(state: { rolloutStartedAt: Date | null }, timeoutMs: number, now = Date.now()): boolean {
  return state.rolloutStartedAt !== null && now - state.rolloutStartedAt.getTime() > timeoutMs;
}

const rolloutSelect = {
  rolloutStartedAt: true,
  restartCount: true,
  lastExitCode: true,
  lastExitAt: true,
  lastExitOomKilled: true,
  lastLogLines: true,
} as const;

/**
 * Marks the release ROLLING_OUT, starting its clock and clearing what an earlier rollout of it
 * recorded, and returns its rollout state. Already rolling out: the persisted start stands, so a
 * restarted daemon keeps the original deadline.
 */
export async function markRollingOut(db: Db, releaseId: string): Promise<RolloutState> {
  // Called on every tick of a rollout: once it is rolling out with its clock set, only read.
  const current = await db.release.findUniqueOrThrow({ where: { id: releaseId }, select: { ...rolloutSelect, status: true } });
  if (current.status === "ROLLING_OUT" && current.rolloutStartedAt) {
    const { status: _status, ...state } = current;
    return { ...state, rolloutStartedAt: current.rolloutStartedAt };
  }
  const now = new Date();
  await db.release.updateMany({
    where: { id: releaseId, status: { in: ["PENDING", "SUPERSEDED"] } },
    data: {
      status: "ROLLING_OUT",
      statusReason: null,
      rolloutStartedAt: now,
      restartCount: 0,
      lastExitCode: null,
      lastExitAt: null,
      lastExitOomKilled: false,
      lastLogLines: null,
    },
  });
  // Rolling out since before the column existed.
  await db.release.updateMany({ where: { id: releaseId, status: "ROLLING_OUT", rolloutStartedAt: null }, data: { rolloutStartedAt: now } });
  const r = await db.release.findUniqueOrThrow({ where: { id: releaseId }, select: rolloutSelect });
  return { ...r, rolloutStartedAt: r.rolloutStartedAt ?? now };
}

/**
 * Records the exit(s) of a container of the release, once: only an exit newer than the last one
 * recorded counts, so ticks (and daemons) that see the same exited container again change
 * nothing. `restarts` of them are (or will be) restarted; exitCode null when unknown. Returns the
 * state after, or null when the exit was already recorded.
 */
export async function recordExit(
  db: Db,
  releaseId: string,
  exit: { exitCode: number | null; oomKilled: boolean; finishedAt: Date; lines: string[]; restarts: number },
): Promise<RolloutState | null> {
  const { count } = await db.release.updateMany({
    where: { id: releaseId, status: "ROLLING_OUT", OR: [{ lastExitAt: null }, { lastExitAt: { lt: exit.finishedAt } }] },
    data: {
      ...(exit.restarts > 0 ? { restartCount: { increment: exit.restarts } } : {}),
      lastExitCode: exit.exitCode,
      lastExitAt: exit.finishedAt,
      lastExitOomKilled: exit.oomKilled,
      lastLogLines: exit.lines.join("\n"),
    },
  });
  if (!count) return null;
  const r = await db.release.findUniqueOrThrow({ where: { id: releaseId }, select: rolloutSelect });
  return { ...r, rolloutStartedAt: r.rolloutStartedAt ?? exit.finishedAt };
}

/** Makes the release the app's live one (its crash streak starts clean) and tells the app's timeline. */
export async function promoteRelease(db: Db, app: Pick<DesiredApp, "appId" | "teamId" | "live">, releaseId: string): Promise<void> {
  const { appId } = app;
  await db.$transaction(async (tx) => {
    const now = new Date();
    await tx.release.updateMany({
      where: { appId, status: "LIVE", id: { not: releaseId } },
      data: { status: "SUPERSEDED" },
    });
    const r = await tx.release.update({
      where: { id: releaseId },
      data: { status: "LIVE", liveAt: now, statusReason: null, crashingSince: null, liveRestartCount: 0 },
      select: { version: true },
    });
    await tx.app.update({ where: { id: appId }, data: { liveReleaseId: releaseId } });
    const replaced = app.live && app.live.id !== releaseId ? ` (replacing v${app.live.version})` : "";
    // Whoever asked for this release (a deploy or a rollback) is who deployed it.
    const asked = await tx.appEvent.findFirst({
      where: { appId, releaseId, kind: { in: ["deploy_started", "rolled_back"] }, actorId: { not: null } },
      orderBy: { createdAt: "desc" },
      select: { actorId: true, actorLabel: true },
    });
    const actor = asked?.actorId ? { id: asked.actorId, label: asked.actorLabel ?? "" } : null;
    const by = actor?.label ? ` by ${actor.label}` : "";
    await recordAppEvent(tx, { teamId: app.teamId, appId, kind: "deployed", releaseId, actor, message: `deployed v${r.version}${by}${replaced}` });
  });
}

/**
 * Marks the release FAILED (when reason is given) and points the app back at its live release.
 * The reason is what the app's timeline says, whole; the lines the container printed are kept
 * apart in lastLogLines (as printed, for the release's failure card), never in the reason.
 */
export async function failRollout(
  db: Db,
  app: DesiredApp,
  releaseId: string,
  reason: string | null,
  lastLogLines?: string[],
): Promise<void> {
  await db.$transaction(async (tx) => {
    if (reason !== null) {
      const { count } = await tx.release.updateMany({
        where: { id: releaseId, status: { not: "LIVE" } },
        data: { status: "FAILED", statusReason: reason, ...(lastLogLines?.length ? { lastLogLines: lastLogLines.join("\n") } : {}) },
      });
      if (count) {
        const r = await tx.release.findUniqueOrThrow({ where: { id: releaseId }, select: { version: true } });
        const keeps = app.live ? `; v${app.live.version} keeps serving` : "";
        await recordAppEvent(tx, { teamId: app.teamId, appId: app.appId, kind: "deploy_failed", releaseId, message: `v${r.version} failed${keeps}: ${reason.replace(/\s+/g, " ").trim()}` });
      }
    }
    // Only if nobody has set a newer target meanwhile.
    await tx.app.updateMany({ where: { id: app.appId, targetReleaseId: releaseId }, data: { targetReleaseId: app.liveReleaseId } });
  });
}

/**
 * A release that is neither an app's live release nor its target (a newer release or a rollback
 * took its place) can never finish its rollout: it becomes SUPERSEDED instead of reading
 * PENDING/ROLLING_OUT forever. Level-triggered: each tick settles whatever is left, whoever moved
 * the target and whenever. Returns how many releases it settled.
 */
export async function supersedeAbandoned(db: Db): Promise<number> {
  const stale = await db.release.findMany({
    where: { status: { in: ["PENDING", "ROLLING_OUT"] } },
    select: { id: true, version: true, app: { select: { liveReleaseId: true, targetReleaseId: true } }, appId: true },
  });
  const abandoned = stale.filter((r) => r.id !== r.app.targetReleaseId && r.id !== r.app.liveReleaseId);
  if (!abandoned.length) return 0;
  const targetIds = [...new Set(abandoned.map((r) => r.app.targetReleaseId).filter((x): x is string => !!x))];
  const versions = new Map(
    (await db.release.findMany({ where: { id: { in: targetIds } }, select: { id: true, version: true } })).map((r) => [r.id, r.version]),
  );
  let settled = 0;
  for (const r of abandoned) {
    const v = r.app.targetReleaseId ? versions.get(r.app.targetReleaseId) : undefined;
    const reason = v !== undefined ? `Replaced by v${v} before it went live` : "Abandoned before it went live: the app no longer targets it";
    // Guarded by the target too: it may have moved back to this release since the read above.
    const { count } = await db.release.updateMany({
      where: {
        id: r.id,
        status: { in: ["PENDING", "ROLLING_OUT"] },
        // Spelled out with null: `not` alone leaves out rows whose column is NULL.
        app: {
          AND: [
            { OR: [{ targetReleaseId: null }, { targetReleaseId: { not: r.id } }] },
            { OR: [{ liveReleaseId: null }, { liveReleaseId: { not: r.id } }] },
          ],
        },
      },
      data: { status: "SUPERSEDED", statusReason: reason },
    });
    settled += count;
  }
  return settled;
}
