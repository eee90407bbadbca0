import "server-only";
// The team page's quota view: the ceiling the platform admin set, what the team uses, and how
// that divides between projects (with their optional limits) and apps.
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { ensureTeamQuota } from "../quotas/create-team-quota";
import { getTeamUsage, listAppUsage } from "../quotas/team-usage";
import type { TeamQuotaDto } from "../quotas/schemas";

export async function getQuota({ actor }: { actor: Actor }): Promise<TeamQuotaDto> {
  const db = getDb();
  const quota = await ensureTeamQuota(db, actor.teamId);
  const [usage, apps, projects] = await Promise.all([
    getTeamUsage(db, actor.teamId),
    listAppUsage(db, actor.teamId),
    db.project.findMany({ where: { teamId: actor.teamId }, orderBy: { slug: "asc" } }),
  ]);
  const { cpuMillicores, memoryMib, storageGib, maxApps, maxConcurrentBuilds, buildTimeoutSeconds } = quota;
  const empty = { cpuMillicores: 0, memoryMib: 0, storageGib: 0, apps: 0 };
  return {
    quota: { cpuMillicores, memoryMib, storageGib, maxApps, maxConcurrentBuilds, buildTimeoutSeconds },
    usage: { cpuMillicores: usage.cpuMillicores, memoryMib: usage.memoryMib, storageGib: usage.storageGib, apps: usage.apps, runningBuilds: usage.runningBuilds },
    projects: projects.map((p) => ({
      id: p.id,
      slug: p.slug,
      limits: { cpuMillicores: p.quotaCpuMillicores, memoryMib: p.quotaMemoryMib, storageGib: p.quotaStorageGib, maxApps: p.quotaMaxApps },
      usage: usage.projects[p.id] ?? empty,
    })),
    apps: apps
      .map((a) => ({ id: a.appId, slug: a.slug, projectId: a.projectId, replicas: a.replicas, cpuMillicores: a.cpuMillicores, memoryMib: a.memoryMib }))
      .sort((a, b) => a.slug.localeCompare(b.slug)),
  };
}
