import "server-only";
// A rollback never edits history: it makes a new release with an earlier release's image and
// config snapshot, and the runtime rolls to it like to any other release.
import { getDb } from "../db";
import { AppError, notFound } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { getAppOrThrow } from "../apps/get-app";
import { assertWithinQuota } from "../quotas/assert-within-quota";
import { configSnapshotSchema } from "./create-release";
import { nudgeSlipwayd } from "../runtime/embedded/nudge-slipwayd";
import { eventActor } from "../apps/events/event-actor";
import { recordAppEvent } from "../apps/events/record-app-event";

export async function rollbackRelease({ actor, appId, releaseId }: { actor: Actor; appId: string; releaseId: string }) {
  const app = await getAppOrThrow({ actor, appId });
  const db = getDb();
  const who = await eventActor(db, actor);
  const release = await db.$transaction(async (tx) => {
    const from = await tx.release.findFirst({ where: { id: releaseId, appId: app.id, teamId: actor.teamId } });
    if (!from) throw notFound("Release");
    if (from.status === "FAILED") throw new AppError("CONFLICT", `Release v${from.version} never went live; pick a release that did.`);
    // The snapshot is the size the release runs at (older releases have no size columns yet).
    const snapshot = configSnapshotSchema.parse(JSON.parse(from.configSnapshot));
    await assertWithinQuota(tx, {
      teamId: actor.teamId,
      action: `Rolling ${app.slug} back to v${from.version}`,
      app: { id: app.id, change: { kind: "release", cpuMillicores: snapshot.cpuMillicores, memoryMib: snapshot.memoryMib } },
    });
    const max = await tx.release.aggregate({ where: { appId: app.id }, _max: { version: true } });
    const created = await tx.release.create({
      data: {
        teamId: actor.teamId,
        appId: app.id,
        version: (max._max.version ?? 0) + 1,
        imageRef: from.imageRef,
        imageDigest: from.imageDigest,
        // The same image runs as the same user it did.
        imageUser: from.imageUser,
        runAsUid: from.runAsUid,
        runAsGid: from.runAsGid,
        configSnapshot: from.configSnapshot,
        cpuMillicores: snapshot.cpuMillicores,
        memoryMib: snapshot.memoryMib,
        status: "PENDING",
        statusReason: `Rollback to v${from.version}`,
      },
    });
    await tx.app.update({ where: { id: app.id }, data: { targetReleaseId: created.id } });
    await recordAudit(tx, { actor, action: "release.rollback", targetType: "release", targetId: created.id, data: { toVersion: from.version } });
    await recordAppEvent(tx, { teamId: actor.teamId, appId: app.id, kind: "rolled_back", message: `rolled back to v${from.version} by ${who.label} (as v${created.version})`, releaseId: created.id, actor: who });
    return created;
  });
  // slipwayd's reconcilers roll out releases on every target.
  await nudgeSlipwayd(`rollback of app ${app.id}`);
  return { id: release.id, version: release.version };
}
