import "server-only";
// An app's timeline, newest first, a page at a time. Keyset-paginated on (createdAt, id): the
// cursor is the id of the last event seen, so events recorded while someone pages never shift or
// repeat a page.
import { getDb } from "../../db";
import type { Actor } from "../../auth/actor";
import { getAppOrThrow } from "../get-app";
import type { AppEventListQuery } from "../schemas";
import type { AppEventDto, AppEventPageDto } from "./schemas";

export interface ListAppEventsOptions {
  actor: Actor;
  appId: string;
  /** Parsed with appEventListQuery (server/apps/schemas.ts). */
  query: AppEventListQuery;
}

export async function listAppEvents({ actor, appId, query }: ListAppEventsOptions): Promise<AppEventPageDto> {
  // Another team's app is 404 before anything of it is read.
  const app = await getAppOrThrow({ actor, appId });
  const db = getDb();
  const scope = { appId: app.id, teamId: actor.teamId };
  // A cursor names an event of this app; of another app or team it is ignored, like an unknown one.
  const after = query.cursor ? await db.appEvent.findFirst({ where: { ...scope, id: query.cursor }, select: { id: true, createdAt: true } }) : null;
  const limit = Math.min(Math.max(1, query.limit), 100);
  const rows = await db.appEvent.findMany({
    where: { ...scope, ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const items = rows.slice(0, limit).map(
    (r): AppEventDto => ({
      id: r.id,
      kind: r.kind,
      message: r.message,
      releaseId: r.releaseId,
      actor: r.actorLabel ? { id: r.actorId, label: r.actorLabel } : null,
      createdAt: r.createdAt.toISOString(),
    }),
  );
  return { items, nextCursor: rows.length > limit ? (items[items.length - 1]?.id ?? null) : null };
}
