import "server-only";
import { getDb } from "../db";
import { notFound } from "../errors";
import type { Actor } from "../auth/actor";
import type { ProjectDto } from "./schemas";
import { projectDtoInclude, toProjectDto } from "./to-project-dto";

/** Another team's project is "not found", never "forbidden": no existence leak. */
export async function getProjectOrThrow({ actor, projectId }: { actor: Actor; projectId: string }) {
  const project = await getDb().project.findFirst({
    where: { id: projectId, teamId: actor.teamId },
    include: projectDtoInclude,
  });
  if (!project) throw notFound("Project");
  return project;
}

export async function getProject(options: { actor: Actor; projectId: string }): Promise<ProjectDto> {
  return toProjectDto(await getProjectOrThrow(options));
}
