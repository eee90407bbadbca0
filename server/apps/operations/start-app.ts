import "server-only";
// Start a stopped app: its replicas run the live release again (or the target, if one was rolling
// out). It consumes again, so it is quota-checked like a scale up, in the same transaction.
// Starting a running app is answered with the app as it is.
import { getDb } from "../../db";
import type { Actor } from "../../auth/actor";
import { recordAudit } from "../../audit/record-audit";
import { assertWithinQuota } from "../../quotas/assert-within-quota";
import { nudgeSlipwayd } from "../../runtime/embedded/nudge-slipwayd";
import { getAppOrThrow } from "../get-app";
import { appDtoInclude } from "../to-app-dto";
import { eventActor } from "../events/event-actor";
import { recordAppEvent } from "../events/record-app-event";
import { operationResult, type AppOperationResult } from "./operation-result";

export async function startApp({ actor, appId }: { actor: Actor; appId: string }): Promise<AppOperationResult> {
  const current = await getAppOrThrow({ actor, appId });
  const id = current.id;
  const db = getDb();
  if (!current.stopped) return operationResult(current, false);
  const who = await eventActor(db, actor);
  const result = await db.$transaction(async (tx) => {
    // The quota lock comes first; the check reads the app's stopped flag under it.
    await assertWithinQuota(tx, { teamId: actor.teamId, action: `Starting ${current.slug} (${current.replicas} ${current.replicas === 1 ? "replica" : "replicas"})`, app: { id, change: { kind: "start" } } });
    const changed = (await tx.app.updateMany({ where: { id, teamId: actor.teamId, stopped: true }, data: { stopped: false } })).count === 1;
    const app = await tx.app.findUniqueOrThrow({ where: { id }, include: appDtoInclude });
    if (changed) {
      await recordAudit(tx, { actor, action: "app.start", targetType: "app", targetId: id, data: { slug: app.slug, replicas: app.replicas } });
      await recordAppEvent(tx, { teamId: actor.teamId, appId: id, kind: "started", message: `started by ${who.label} (${app.replicas} ${app.replicas === 1 ? "replica" : "replicas"})`, releaseId: app.liveReleaseId, actor: who });
    }
    return { app, changed };
  });
  if (result.changed) await nudgeSlipwayd(`start of app ${id}`);
  return operationResult(result.app, result.changed);
}
