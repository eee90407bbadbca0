import "server-only";
import { getDb } from "../db";
import { forbidden } from "../errors";
import type { Actor } from "../auth/actor";
import type { TeamQuotaInput } from "../quotas/schemas";

/** The quota a new team starts with (server/quotas/create-team-quota.ts reads the same columns). */
export async function getDefaultQuota({ actor }: { actor: Actor }): Promise<TeamQuotaInput> {
  if (!actor.isPlatformAdmin) throw forbidden("Only a platform admin may read the default quota.");
  const s = await getDb().platformSettings.upsert({ where: { id: "platform" }, create: {}, update: {} });
  return {
    cpuMillicores: s.defaultCpuMillicores,
    memoryMib: s.defaultMemoryMib,
    storageGib: s.defaultStorageGib,
    maxApps: s.defaultMaxApps,
    maxConcurrentBuilds: s.defaultMaxConcurrentBuilds,
    buildTimeoutSeconds: s.defaultBuildTimeoutSeconds,
  };
}
