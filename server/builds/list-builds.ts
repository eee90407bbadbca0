import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { getAppOrThrow } from "../apps/get-app";
import type { BuildDto } from "./schemas";
import { buildDtoInclude, toBuildDto } from "./to-build-dto";

export async function listBuilds({ actor, appId, take = 20 }: { actor: Actor; appId: string; take?: number }): Promise<BuildDto[]> {
  await getAppOrThrow({ actor, appId });
  const builds = await getDb().build.findMany({
    where: { appId, teamId: actor.teamId },
    include: buildDtoInclude,
    orderBy: { number: "desc" },
    take,
  });
  return builds.map(toBuildDto);
}
