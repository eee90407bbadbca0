import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { assertRuntimeTarget } from "../clusters/assert-runtime-target";
import { getProjectOrThrow } from "./get-project";
import { updateProjectInput, type UpdateProjectInput, type UpdateProjectResult } from "./schemas";
import { toProjectDto } from "./to-project-dto";

export interface UpdateProjectOptions {
  actor: Actor;
  projectId: string;
  input: UpdateProjectInput;
}

function movedAppsWarning(apps: string[], from: string, to: string): string {
  const stop = from === "embedded" ? " Until then they are not served: the embedded runtime stops the containers of apps that no longer target it." : "";
  return `${apps.length} deployed app(s) (${apps.join(", ")}) move from ${from} to ${to} at their next deploy: deploy them to run them there.${stop}`;
}

/**
 * Apps copy their project's runtime target (the driver is chosen per app), so a new target is
 * written to the project and all its apps in one transaction.
 */
export async function updateProject({ actor, projectId, input }: UpdateProjectOptions): Promise<UpdateProjectResult> {
  const data = updateProjectInput.parse(input);
  const current = await getProjectOrThrow({ actor, projectId });
  const newTarget = data.runtimeTarget !== undefined && data.runtimeTarget !== current.runtimeTarget ? data.runtimeTarget : undefined;
  const { project, deployed } = await getDb().$transaction(async (tx) => {
    if (newTarget) await assertRuntimeTarget(tx, newTarget);
    const project = await tx.project.update({
      where: { id: current.id },
      data: { name: data.name, runtimeTarget: newTarget, runtimeClass: data.runtimeClass },
      include: { _count: { select: { apps: true } } },
    });
    let deployed: string[] = [];
    if (newTarget) {
      await tx.app.updateMany({ where: { projectId: current.id }, data: { runtimeTarget: newTarget } });
      const apps = await tx.app.findMany({
        where: { projectId: current.id, OR: [{ liveReleaseId: { not: null } }, { targetReleaseId: { not: null } }] },
        select: { slug: true },
        orderBy: { slug: "asc" },
      });
      deployed = apps.map((a) => a.slug);
    }
    await recordAudit(tx, {
      actor,
      action: "project.update",
      targetType: "project",
      targetId: current.id,
      data: { slug: current.slug, fields: Object.keys(data), changes: Object.fromEntries(Object.entries(data).filter(([k, v]) => v !== undefined && v !== current[k as keyof typeof data]).map(([k, v]) => [k, { from: current[k as keyof typeof data], to: v }])) },
    });
    return { project, deployed };
  });
  const dto = toProjectDto(project);
  return newTarget && deployed.length ? { ...dto, warning: movedAppsWarning(deployed, current.runtimeTarget, newTarget) } : dto;
}
