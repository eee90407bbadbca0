import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { quotaInput, type QuotaInput } from "./schemas";
import { getQuota } from "./get-quota";

/** Lowering a quota below current usage is allowed: it blocks new deploys, it stops nothing. */
export async function updateQuota({ actor, input }: { actor: Actor; input: QuotaInput }) {
  const data = quotaInput.parse(input);
  const db = getDb();
  await db.teamQuota.upsert({ where: { teamId: actor.teamId }, create: { teamId: actor.teamId, ...data }, update: data });
  await recordAudit(db, { actor, action: "team.quota.update", targetType: "team", targetId: actor.teamId, data });
  return getQuota({ actor });
}
