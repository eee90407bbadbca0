import "server-only";
// An app's build history, newest first, a page at a time (the cursor is the last build id seen).
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { getAppOrThrow } from "../apps/get-app";
import type { BuildDto } from "./schemas";
import { buildDtoInclude, toBuildDtos } from "./to-build-dto";

export interface ListBuildsOptions {
  actor: Actor;
  appId: string;
  /** id of the last build of the previous page */
  cursor?: string;
  /** at most 100 */
  limit?: number;
}

export async function listBuilds({ actor, appId, cursor, limit = 20 }: ListBuildsOptions): Promise<BuildDto[]> {
  await getAppOrThrow({ actor, appId });
  const db = getDb();
  // A cursor names a build of this app (of another app or team it is ignored, like an unknown one).
  const after = cursor ? await db.build.findFirst({ where: { id: cursor, appId, teamId: actor.teamId }, select: { number: true } }) : null;
  const builds = await db.build.findMany({
    where: { appId, teamId: actor.teamId, ...(after ? { number: { lt: after.number } } : {}) },
    include: buildDtoInclude,
    orderBy: { number: "desc" },
    take: Math.min(Math.max(1, limit), 100),
  });
  return toBuildDtos(db, builds);
}
