// Release status transitions, each one transaction, each guarded so a repeated call (after a
// crash) is harmless.
import type { Db } from "../../db";
import type { DesiredApp } from "./desired-state";

export async function markRollingOut(db: Db, releaseId: string): Promise<void> {
  await db.release.updateMany({ where: { id: releaseId, status: { in: ["PENDING", "SUPERSEDED"] } }, data: { status: "ROLLING_OUT", statusReason: null } });
}

export async function promoteRelease(db: Db, appId: string, releaseId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const now = new Date();
    await tx.release.updateMany({
      where: { appId, status: "LIVE", id: { not: releaseId } },
      data: { status: "SUPERSEDED" },
    });
    await tx.release.update({ where: { id: releaseId }, data: { status: "LIVE", liveAt: now, statusReason: null } });
    await tx.app.update({ where: { id: appId }, data: { liveReleaseId: releaseId } });
  });
}

/** Marks the release FAILED (when reason is given) and points the app back at its live release. */
export async function failRollout(db: Db, app: DesiredApp, releaseId: string, reason: string | null): Promise<void> {
  await db.$transaction(async (tx) => {
    if (reason !== null) {
      await tx.release.updateMany({ where: { id: releaseId, status: { not: "LIVE" } }, data: { status: "FAILED", statusReason: reason } });
    }
    // Only if nobody has set a newer target meanwhile.
    await tx.app.updateMany({ where: { id: app.appId, targetReleaseId: releaseId }, data: { targetReleaseId: app.liveReleaseId } });
  });
}
