import "server-only";
// Reading the audit trail: a team admin reads their team's events; the platform admin reads every
// team's and the platform's own (listPlatformAuditEvents). Newest first, keyset-paginated on
// (createdAt, id) so that events recorded while someone pages never shift or repeat a page.
import { getDb } from "../db";
import { AppError, forbidden } from "../errors";
import { getEnv } from "../env";
import type { Actor } from "../auth/actor";
import { PLATFORM_SCOPE, type AuditEventDto, type AuditPageDto, type AuditQuery, type PlatformAuditQuery } from "./schemas";

export interface ListAuditEventsOptions {
  actor: Actor;
  /** Parsed with auditQuery (server/audit/schemas.ts). */
  query: AuditQuery;
}

export interface ListPlatformAuditEventsOptions {
  actor: Actor;
  /** Parsed with platformAuditQuery. */
  query: PlatformAuditQuery;
}

function isPostgres(): boolean {
  return /^postgres(ql)?:\/\//.test(getEnv().databaseUrl);
}

interface Cursor {
  createdAt: Date;
  id: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.createdAt.toISOString()}|${c.id}`).toString("base64url");
}

function decodeCursor(raw: string): Cursor {
  const [at, id] = Buffer.from(raw, "base64url").toString("utf8").split("|");
  const createdAt = new Date(at ?? "");
  if (!id || Number.isNaN(createdAt.getTime())) {
    throw new AppError("VALIDATION", "cursor: not a cursor from this list; start again without one.", { fields: [{ path: "cursor", message: "invalid cursor" }] });
  }
  return { createdAt, id };
}

/** The filters both lists share, as a Prisma where clause. */
function filters(q: AuditQuery) {
  const where: Record<string, unknown>[] = [];
  if (q.action) where.push({ action: { startsWith: q.action } });
  // Case-insensitive on both providers (SQLite's LIKE already is, for ASCII).
  if (q.actor) where.push({ actorLabel: { contains: q.actor, ...(isPostgres() ? { mode: "insensitive" } : {}) } });
  if (q.actorType) where.push({ actorType: q.actorType });
  if (q.targetType) where.push({ targetType: q.targetType });
  if (q.targetId) where.push({ targetId: q.targetId });
  if (q.from) where.push({ createdAt: { gte: q.from } });
  if (q.to) where.push({ createdAt: { lte: q.to } });
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    where.push({ OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }] });
  }
  return where;
}

function parseData(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    // Rows are written by recordAudit as JSON; anything else is shown as it is rather than hidden.
    return raw;
  }
}

async function page(where: Record<string, unknown>, limit: number): Promise<AuditPageDto> {
  const rows = await getDb().auditEvent.findMany({
    where,
    include: { team: { select: { id: true, slug: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(
      (r): AuditEventDto => ({
        id: r.id,
        team: r.team ? { id: r.team.id, slug: r.team.slug } : null,
        actorId: r.actorId,
        actorType: r.actorType,
        actorLabel: r.actorLabel,
        tokenId: r.tokenId,
        action: r.action,
        targetType: r.targetType,
        targetId: r.targetId,
        data: parseData(r.data),
        createdAt: r.createdAt.toISOString(),
      }),
    ),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}

/** The acting team's events only (the route asks for team:audit). */
export async function listAuditEvents({ actor, query }: ListAuditEventsOptions): Promise<AuditPageDto> {
  const q = query;
  return page({ AND: [{ teamId: actor.teamId }, ...filters(q)] }, q.limit);
}

/** Every team's events and the platform-wide ones, optionally narrowed to one team or to the platform's own. */
export async function listPlatformAuditEvents({ actor, query }: ListPlatformAuditEventsOptions): Promise<AuditPageDto> {
  if (!actor.isPlatformAdmin) throw forbidden("Only a platform admin may read the platform's audit log.");
  const q = query;
  const scope: Record<string, unknown>[] = [];
  if (q.team === PLATFORM_SCOPE) scope.push({ teamId: null });
  else if (q.team) {
    const team = await getDb().team.findUnique({ where: { slug: q.team }, select: { id: true } });
    if (!team) throw new AppError("VALIDATION", `team: no team named ${q.team}.`, { fields: [{ path: "team", message: "no such team" }] });
    scope.push({ teamId: team.id });
  }
  return page({ AND: [...scope, ...filters(q)] }, q.limit);
}
