import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { getTeamUsage } from "../quotas/team-usage";
import type { QuotaUsageDto } from "./schemas";

export async function getQuota({ actor }: { actor: Actor }): Promise<QuotaUsageDto> {
  const db = getDb();
  const quota = await db.teamQuota.upsert({ where: { teamId: actor.teamId }, create: { teamId: actor.teamId }, update: {} });
  const usage = await getTeamUsage(db, actor.teamId);
  const { cpuMillicores, memoryMib, storageGib, maxApps, maxConcurrentBuilds } = quota;
  return { quota: { cpuMillicores, memoryMib, storageGib, maxApps, maxConcurrentBuilds }, usage };
}
