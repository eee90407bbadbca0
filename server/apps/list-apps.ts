import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { getProjectOrThrow } from "../projects/get-project";
import type { AppDto } from "./schemas";
import { appDtoInclude, toAppDto } from "./to-app-dto";

export async function listApps({ actor, projectId }: { actor: Actor; projectId: string }): Promise<AppDto[]> {
  await getProjectOrThrow({ actor, projectId });
  const apps = await getDb().app.findMany({
    where: { teamId: actor.teamId, projectId },
    include: appDtoInclude,
    orderBy: { createdAt: "asc" },
  });
  return apps.map((a) => toAppDto(a));
}
