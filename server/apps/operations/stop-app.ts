import "server-only";
// Stop: scale to zero, keep everything else (settings, replicas, releases, domains). slipwayd stops
// the replicas and the ingress answers 503 "app stopped"; the app no longer counts against the
// team's quota. Stopping a stopped app is answered with the app as it is (a retry is harmless).
import { getDb } from "../../db";
import type { Actor } from "../../auth/actor";
import { recordAudit } from "../../audit/record-audit";
import { nudgeSlipwayd } from "../../runtime/embedded/nudge-slipwayd";
import { getAppOrThrow } from "../get-app";
import { appDtoInclude } from "../to-app-dto";
import { eventActor } from "../events/event-actor";
import { recordAppEvent } from "../events/record-app-event";
import { operationResult, type AppOperationResult } from "./operation-result";

export async function stopApp({ actor, appId }: { actor: Actor; appId: string }): Promise<AppOperationResult> {
  const { id } = await getAppOrThrow({ actor, appId });
  const db = getDb();
  const who = await eventActor(db, actor);
  const result = await db.$transaction(async (tx) => {
    // Compare-and-set: of two stops at once, one stops the app and the other finds it stopped.
    const changed = (await tx.app.updateMany({ where: { id, teamId: actor.teamId, stopped: false }, data: { stopped: true } })).count === 1;
    const app = await tx.app.findUniqueOrThrow({ where: { id }, include: appDtoInclude });
    if (changed) {
      await recordAudit(tx, { actor, action: "app.stop", targetType: "app", targetId: id, data: { slug: app.slug, replicas: app.replicas } });
      await recordAppEvent(tx, { teamId: actor.teamId, appId: id, kind: "stopped", message: `stopped by ${who.label} (was ${app.replicas} ${app.replicas === 1 ? "replica" : "replicas"})`, releaseId: app.liveReleaseId, actor: who });
    }
    return { app, changed };
  });
  if (result.changed) await nudgeSlipwayd(`stop of app ${id}`);
  return operationResult(result.app, result.changed);
}
