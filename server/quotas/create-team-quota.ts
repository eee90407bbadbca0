import "server-only";
// A new team's quota row, from the platform's default for new teams (the platform admin sets
// both). The one place a TeamQuota is created.
import type { Db, Tx } from "../db";
import type { TeamQuota } from "../generated/sqlite/client";

export async function createTeamQuota(db: Db | Tx, teamId: string): Promise<void> {
  const settings = await db.platformSettings.upsert({ where: { id: "platform" }, create: {}, update: {} });
  await db.teamQuota.create({
    data: {
      teamId,
      cpuMillicores: settings.defaultCpuMillicores,
      memoryMib: settings.defaultMemoryMib,
      storageGib: settings.defaultStorageGib,
      maxApps: settings.defaultMaxApps,
      maxConcurrentBuilds: settings.defaultMaxConcurrentBuilds,
      buildTimeoutSeconds: settings.defaultBuildTimeoutSeconds,
    },
  });
}

/** The team's quota row; a team made before quotas existed gets one from the platform default first. */
export async function ensureTeamQuota(db: Db, teamId: string): Promise<TeamQuota> {
  const quota = await db.teamQuota.findUnique({ where: { teamId } });
  if (quota) return quota;
  await createTeamQuota(db, teamId).catch((e: unknown) => {
    if ((e as { code?: string }).code !== "P2002") throw e; // made by a concurrent request: fine
  });
  return db.teamQuota.findUniqueOrThrow({ where: { teamId } });
}
