import "server-only";
// A rolling restart: the same release, fresh processes. The web raises restartGeneration (desired
// state); slipwayd sees the generation change and replaces the live release's replicas one at a
// time, each new one healthy before an old one stops, so no request is dropped.
import { getDb } from "../../db";
import { AppError, notFound } from "../../errors";
import type { Actor } from "../../auth/actor";
import { recordAudit } from "../../audit/record-audit";
import { nudgeSlipwayd } from "../../runtime/embedded/nudge-slipwayd";
import { getAppOrThrow } from "../get-app";
import { appDtoInclude } from "../to-app-dto";
import { eventActor } from "../events/event-actor";
import { recordAppEvent } from "../events/record-app-event";
import { operationResult, type AppOperationResult } from "./operation-result";

export async function restartApp({ actor, appId }: { actor: Actor; appId: string }): Promise<AppOperationResult> {
  const { id } = await getAppOrThrow({ actor, appId });
  const db = getDb();
  const who = await eventActor(db, actor);
  const app = await db.$transaction(async (tx) => {
    const current = await tx.app.findFirst({ where: { id, teamId: actor.teamId } });
    if (!current) throw notFound("App");
    const live = current.liveReleaseId ? await tx.release.findFirst({ where: { id: current.liveReleaseId, appId: id, status: "LIVE" } }) : null;
    if (!live) {
      throw new AppError("CONFLICT", `${current.slug} has no live release to restart: a restart replaces the replicas of the live release. Deploy it first.`);
    }
    if (current.stopped) {
      throw new AppError("CONFLICT", `${current.slug} is stopped, so it has no replica to restart: start it instead (its replicas start fresh from v${live.version}).`);
    }
    // An increment, not a write of the value read: two restarts at once are two generations.
    const updated = await tx.app.update({ where: { id }, data: { restartGeneration: { increment: 1 } }, include: appDtoInclude });
    await recordAudit(tx, { actor, action: "app.restart", targetType: "app", targetId: id, data: { slug: current.slug, version: live.version, restartGeneration: updated.restartGeneration } });
    await recordAppEvent(tx, { teamId: actor.teamId, appId: id, kind: "restarted", message: `restarted v${live.version} by ${who.label} (replicas replaced one at a time)`, releaseId: live.id, actor: who });
    return updated;
  });
  await nudgeSlipwayd(`restart of app ${id}`);
  return operationResult(app, true);
}
