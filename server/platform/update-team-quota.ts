import "server-only";
// Only the platform admin sets a team's ceiling: team owners and admins divide it, never raise it.
// Lowering it below current usage is allowed: it blocks growth, it stops nothing.
import { getDb } from "../db";
import { forbidden, notFound } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { teamQuotaInput, type TeamQuotaInput } from "../quotas/schemas";

export interface UpdateTeamQuotaOptions {
  actor: Actor;
  teamId: string;
  input: TeamQuotaInput;
}

export async function updateTeamQuota({ actor, teamId, input }: UpdateTeamQuotaOptions): Promise<TeamQuotaInput> {
  if (!actor.isPlatformAdmin) throw forbidden("Only a platform admin may change a team's quota.");
  const data = teamQuotaInput.parse(input);
  const db = getDb();
  return db.$transaction(async (tx) => {
    const team = await tx.team.findUnique({ where: { id: teamId }, include: { quota: true } });
    if (!team) throw notFound("Team");
    // Bumping the revision orders this change with the quota checks running at the same moment.
    await tx.teamQuota.upsert({ where: { teamId }, create: { teamId, ...data }, update: { ...data, revision: { increment: 1 } } });
    const before = team.quota
      ? { cpuMillicores: team.quota.cpuMillicores, memoryMib: team.quota.memoryMib, storageGib: team.quota.storageGib, maxApps: team.quota.maxApps, maxConcurrentBuilds: team.quota.maxConcurrentBuilds, buildTimeoutSeconds: team.quota.buildTimeoutSeconds }
      : null;
    await recordAudit(tx, { actor, teamId, action: "team.quota.update", targetType: "team", targetId: teamId, data: { team: team.slug, before, after: data } });
    return data;
  });
}
