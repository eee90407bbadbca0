import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { resolveRuntimeTarget } from "../clusters/resolve-runtime-target";
import { AppError } from "../errors";
import { runtimeTargetOf } from "../runtime/runtime-target";
import { getProjectOrThrow } from "./get-project";
import { updateProjectInput, type UpdateProjectInput, type UpdateProjectResult } from "./schemas";
import { projectDtoInclude, toProjectDto } from "./to-project-dto";

export interface UpdateProjectOptions {
  actor: Actor;
  projectId: string;
  input: UpdateProjectInput;
}

function movedAppsWarning(apps: string[], from: string, to: string): string {
  const stop = from === "embedded" ? " Until then they are not served: the embedded runtime stops the containers of apps that no longer target it." : "";
  return `${apps.length} deployed app(s) (${apps.join(", ")}) move from ${from} to ${to} at their next deploy: deploy them to run them there.${stop}`;
}

/** Apps run where their project does: a new runtime target moves them all, at their next deploy. */
export async function updateProject({ actor, projectId, input }: UpdateProjectOptions): Promise<UpdateProjectResult> {
  const data = updateProjectInput.parse(input);
  const current = await getProjectOrThrow({ actor, projectId });
  const currentTarget = runtimeTargetOf(current.cluster);
  const newTarget = data.runtimeTarget !== undefined && data.runtimeTarget !== currentTarget ? data.runtimeTarget : undefined;
  const before = { name: current.name, runtimeTarget: currentTarget, runtimeClass: current.runtimeClass };
  const { project, deployed } = await getDb().$transaction(async (tx) => {
    const clusterId = newTarget ? await resolveRuntimeTarget(tx, newTarget) : undefined;
    if (newTarget) {
      // A volume's data stays on the runtime that holds it: moving would leave it behind, unseen.
      const volumes = await tx.volume.findMany({ where: { projectId: current.id }, select: { name: true }, orderBy: { name: "asc" } });
      if (volumes.length > 0) {
        throw new AppError(
          "CONFLICT",
          `Project ${current.slug} has ${volumes.length} volume(s) (${volumes.map((v) => v.name).join(", ")}) whose data lives on ${currentTarget} and cannot move to ${newTarget} with it. ` +
            `Back them up, delete them, move the project, then create volumes there (restoring a backup into a new volume works on the embedded runtime).`,
        );
      }
    }
    const project = await tx.project.update({
      where: { id: current.id },
      data: { name: data.name, clusterId, runtimeClass: data.runtimeClass },
      include: projectDtoInclude,
    });
    let deployed: string[] = [];
    if (newTarget) {
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
      data: { slug: current.slug, fields: Object.keys(data), changes: Object.fromEntries(Object.entries(data).filter(([k, v]) => v !== undefined && v !== before[k as keyof typeof data]).map(([k, v]) => [k, { from: before[k as keyof typeof data], to: v }])) },
    });
    return { project, deployed };
  });
  const dto = toProjectDto(project);
  return newTarget && deployed.length ? { ...dto, warning: movedAppsWarning(deployed, currentTarget, newTarget) } : dto;
}
