import "server-only";
// A team admin divides the team's quota between projects. A project's limit can never be above
// the team's ceiling (that would promise capacity the team does not have); lowering one below
// what the project already uses is allowed: it blocks growth, it stops nothing.
import { getDb } from "../db";
import { AppError, notFound } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { createTeamQuota } from "./create-team-quota";
import { projectQuotaInput, type ProjectQuotaInput } from "./schemas";

export interface UpdateProjectQuotaOptions {
  actor: Actor;
  projectId: string;
  input: ProjectQuotaInput;
}

export async function updateProjectQuota({ actor, projectId, input }: UpdateProjectQuotaOptions): Promise<{ id: string; slug: string; limits: ProjectQuotaInput }> {
  const limits = projectQuotaInput.parse(input);
  const db = getDb();
  return db.$transaction(async (tx) => {
    const project = await tx.project.findFirst({ where: { id: projectId, teamId: actor.teamId } });
    if (!project) throw notFound("Project");
    let quota = await tx.teamQuota.findUnique({ where: { teamId: actor.teamId } });
    if (!quota) {
      await createTeamQuota(tx, actor.teamId);
      quota = await tx.teamQuota.findUniqueOrThrow({ where: { teamId: actor.teamId } });
    }
    const ceilings = { cpuMillicores: quota.cpuMillicores, memoryMib: quota.memoryMib, storageGib: quota.storageGib, maxApps: quota.maxApps };
    const above = (Object.keys(ceilings) as (keyof typeof ceilings)[]).filter((k) => limits[k] !== null && limits[k]! > ceilings[k]);
    if (above.length) {
      throw new AppError(
        "VALIDATION",
        above.map((k) => `${k}: ${limits[k]} is above the team's quota of ${ceilings[k]}`).join("; ") + ". A project's limit divides the team's quota; it cannot exceed it.",
        { fields: above.map((k) => ({ path: k, message: `at most the team's quota of ${ceilings[k]}` })) },
      );
    }
    const before = { cpuMillicores: project.quotaCpuMillicores, memoryMib: project.quotaMemoryMib, storageGib: project.quotaStorageGib, maxApps: project.quotaMaxApps };
    await tx.project.update({
      where: { id: project.id },
      data: { quotaCpuMillicores: limits.cpuMillicores, quotaMemoryMib: limits.memoryMib, quotaStorageGib: limits.storageGib, quotaMaxApps: limits.maxApps },
    });
    await recordAudit(tx, { actor, action: "project.quota.update", targetType: "project", targetId: project.id, data: { project: project.slug, before, after: limits } });
    return { id: project.id, slug: project.slug, limits };
  });
}
