import "server-only";
// The platform admin's overview: every team with its ceiling and what it uses, from the same
// usage aggregate the quota check runs.
import { getDb } from "../db";
import { forbidden } from "../errors";
import type { Actor } from "../auth/actor";
import { getAllTeamsUsage } from "../quotas/team-usage";
import type { PlatformTeamDto } from "../quotas/schemas";

export async function listPlatformTeams({ actor }: { actor: Actor }): Promise<PlatformTeamDto[]> {
  if (!actor.isPlatformAdmin) throw forbidden("Only a platform admin may list every team.");
  const db = getDb();
  const [teams, usage, settings] = await Promise.all([
    db.team.findMany({ include: { quota: true, _count: { select: { memberships: true } } }, orderBy: { slug: "asc" } }),
    getAllTeamsUsage(db),
    db.platformSettings.upsert({ where: { id: "platform" }, create: {}, update: {} }),
  ]);
  return teams.map((t) => {
    // A team without a quota row gets the platform default at its first quota check: show that.
    const q = t.quota ?? {
      cpuMillicores: settings.defaultCpuMillicores,
      memoryMib: settings.defaultMemoryMib,
      storageGib: settings.defaultStorageGib,
      maxApps: settings.defaultMaxApps,
      maxConcurrentBuilds: settings.defaultMaxConcurrentBuilds,
      buildTimeoutSeconds: settings.defaultBuildTimeoutSeconds,
    };
    return {
      id: t.id,
      slug: t.slug,
      name: t.name,
      members: t._count.memberships,
      quota: { cpuMillicores: q.cpuMillicores, memoryMib: q.memoryMib, storageGib: q.storageGib, maxApps: q.maxApps, maxConcurrentBuilds: q.maxConcurrentBuilds, buildTimeoutSeconds: q.buildTimeoutSeconds },
      usage: usage.get(t.id) ?? { cpuMillicores: 0, memoryMib: 0, storageGib: 0, apps: 0, runningBuilds: 0 },
    };
  });
}
