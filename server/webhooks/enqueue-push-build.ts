import "server-only";
// What a push that passed every filter does to an app's builds, inside the transaction that records
// its delivery: a queued build of the app takes the newest commit (coalescing), otherwise a new
// QUEUED build of exactly the pushed SHA is written (a RUNNING build does not stop it: one more
// queues). The quota is checked first, as a manual deploy does; its lock also serializes
// concurrent pushes of one team, so two of them never both see "nothing queued".
import type { Tx } from "../db";
import { isAppError } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit, type SystemActor } from "../audit/record-audit";
import { assertWithinQuota } from "../quotas/assert-within-quota";

export interface EnqueuePushBuildOptions {
  app: { id: string; teamId: string; slug: string };
  commit: { sha: string; message: string; author: string; branch: string };
  /** The delivery row being recorded (the audit names it). */
  delivery: { id: string; deliveryId: string };
  trigger: "push" | "redeliver";
  /** The webhook (a SystemActor) or, for a redelivery, the person who asked for it. */
  actor: Actor | SystemActor;
}

export type EnqueuePushBuildResult =
  | { outcome: "queued" | "coalesced"; build: { id: string; number: number }; reason: string }
  | { outcome: "refused"; reason: string };

export async function enqueuePushBuild(tx: Tx, options: EnqueuePushBuildOptions): Promise<EnqueuePushBuildResult> {
  const { app, commit, trigger, actor } = options;
  try {
    await assertWithinQuota(tx, { teamId: app.teamId, action: `Building ${app.slug} at ${commit.sha.slice(0, 7)}`, app: { id: app.id, change: { kind: "deploy" } } });
  } catch (e) {
    // A refusal is an outcome to record on the delivery (the provider is told 422), not a failure.
    if (isAppError(e) && e.code === "QUOTA_EXCEEDED") return { outcome: "refused", reason: e.message };
    throw e;
  }
  const createdById = "system" in actor ? null : actor.userId;
  const commitColumns = { gitRef: commit.sha, commitSha: commit.sha, commitMessage: commit.message || null, commitAuthor: commit.author || null, trigger, createdById };
  const auditData = { app: app.slug, trigger, commit: commit.sha, branch: commit.branch, delivery: options.delivery.deliveryId };

  const queued = await tx.build.findFirst({ where: { appId: app.id, status: "QUEUED" }, orderBy: { number: "desc" }, select: { id: true, number: true } });
  if (queued) {
    // Only while it is still queued: a worker may have claimed it a moment ago.
    const { count } = await tx.build.updateMany({ where: { id: queued.id, status: "QUEUED" }, data: commitColumns });
    if (count === 1) {
      await recordAudit(tx, { actor, teamId: app.teamId, action: "app.deploy.coalesce", targetType: "build", targetId: queued.id, data: { ...auditData, number: queued.number } });
      return { outcome: "coalesced", build: queued, reason: `joined build #${queued.number}` };
    }
  }
  const max = await tx.build.aggregate({ where: { appId: app.id }, _max: { number: true } });
  const created = await tx.build.create({
    data: { teamId: app.teamId, appId: app.id, number: (max._max.number ?? 0) + 1, ...commitColumns },
    select: { id: true, number: true },
  });
  await recordAudit(tx, { actor, teamId: app.teamId, action: "app.deploy", targetType: "build", targetId: created.id, data: { ...auditData, number: created.number } });
  return { outcome: "queued", build: created, reason: "" };
}
