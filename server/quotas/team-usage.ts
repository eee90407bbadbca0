import "server-only";
// What a team holds against its quota. An app counts once it is deployed or has a deploy on the
// way (a queued or running build), so that several quick deploys cannot slip past the limit.
import type { Db, Tx } from "../db";

export interface TeamUsage {
  cpuMillicores: number;
  memoryMib: number;
  storageGib: number;
  apps: number;
  runningBuilds: number;
}

export async function getTeamUsage(db: Db | Tx, teamId: string, options: { excludeAppId?: string } = {}): Promise<TeamUsage> {
  const [activeApps, appCount, volumes, runningBuilds] = await Promise.all([
    db.app.findMany({
      where: {
        teamId,
        id: options.excludeAppId ? { not: options.excludeAppId } : undefined,
        OR: [
          { liveReleaseId: { not: null } },
          { targetReleaseId: { not: null } },
          { builds: { some: { status: { in: ["QUEUED", "RUNNING"] } } } },
        ],
      },
      select: { cpuMillicores: true, memoryMib: true, replicas: true },
    }),
    db.app.count({ where: { teamId } }),
    db.volume.aggregate({ where: { teamId }, _sum: { sizeGib: true } }),
    db.build.count({ where: { teamId, status: "RUNNING" } }),
  ]);
  return {
    cpuMillicores: activeApps.reduce((sum, a) => sum + a.cpuMillicores * a.replicas, 0),
    memoryMib: activeApps.reduce((sum, a) => sum + a.memoryMib * a.replicas, 0),
    storageGib: volumes._sum.sizeGib ?? 0,
    apps: appCount,
    runningBuilds,
  };
}
