import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import type { ProjectDto } from "./schemas";
import { projectDtoInclude, toProjectDto } from "./to-project-dto";

export async function listProjects({ actor }: { actor: Actor }): Promise<ProjectDto[]> {
  const projects = await getDb().project.findMany({
    where: { teamId: actor.teamId },
    include: projectDtoInclude,
    orderBy: { createdAt: "asc" },
  });
  return projects.map(toProjectDto);
}
