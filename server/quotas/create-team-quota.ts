import "server-only";
// A new team's quota row, from the platform's default for new teams (the platform admin sets
// both). The one place a TeamQuota is created.
import type { Db, Tx } from "../db";

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
