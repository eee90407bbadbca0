import "server-only";
import { getDb } from "../db";
import { AppError } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { resolveRuntimeTarget } from "../clusters/resolve-runtime-target";
import { createProjectInput, type CreateProjectInput, type ProjectDto } from "./schemas";
import { projectDtoInclude, toProjectDto } from "./to-project-dto";

export interface CreateProjectOptions {
  actor: Actor;
  input: CreateProjectInput;
}

export async function createProject({ actor, input }: CreateProjectOptions): Promise<ProjectDto> {
  const data = createProjectInput.parse(input);
  const db = getDb();
  if (await db.project.findUnique({ where: { teamId_slug: { teamId: actor.teamId, slug: data.slug } } })) {
    throw new AppError("CONFLICT", `A project named ${data.slug} already exists in this team.`, { fields: [{ path: "slug", message: "already taken" }] });
  }
  const project = await db.$transaction(async (tx) => {
    const clusterId = await resolveRuntimeTarget(tx, data.runtimeTarget);
    const created = await tx.project.create({
      data: { teamId: actor.teamId, slug: data.slug, name: data.name ?? data.slug, clusterId, runtimeClass: data.runtimeClass },
      include: projectDtoInclude,
    });
    await recordAudit(tx, { actor, action: "project.create", targetType: "project", targetId: created.id, data: { slug: created.slug } });
    return created;
  });
  return toProjectDto(project);
}
