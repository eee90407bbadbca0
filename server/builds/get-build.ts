import "server-only";
import { getDb } from "../db";
import { notFound } from "../errors";
import type { Actor } from "../auth/actor";
import type { BuildDto } from "./schemas";
import { buildDtoInclude, toBuildDto } from "./to-build-dto";

export async function getBuild({ actor, buildId }: { actor: Actor; buildId: string }): Promise<BuildDto> {
  const db = getDb();
  const build = await db.build.findFirst({ where: { id: buildId, teamId: actor.teamId }, include: buildDtoInclude });
  if (!build) throw notFound("Build");
  return toBuildDto(db, build);
}
