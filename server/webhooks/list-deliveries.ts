import "server-only";
// An app's webhook deliveries, newest first, keyset-paginated on (receivedAt, id) so that pushes
// arriving while someone pages never shift or repeat a page.
import { getDb } from "../db";
import { AppError, notFound } from "../errors";
import type { Actor } from "../auth/actor";
import type { DeliveriesQuery, WebhookDeliveriesPageDto } from "./schemas";
import { deliveryDtoInclude, toDeliveryDto } from "./to-delivery-dto";

export interface ListDeliveriesOptions {
  actor: Actor;
  appId: string;
  /** Parsed with deliveriesQuery (./schemas). */
  query: DeliveriesQuery;
}

interface Cursor {
  receivedAt: Date;
  id: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.receivedAt.toISOString()}|${c.id}`).toString("base64url");
}

function decodeCursor(raw: string): Cursor {
  const [at, id] = Buffer.from(raw, "base64url").toString("utf8").split("|");
  const receivedAt = new Date(at ?? "");
  if (!id || Number.isNaN(receivedAt.getTime())) {
    throw new AppError("VALIDATION", "cursor: not a cursor from this list; start again without one.", { fields: [{ path: "cursor", message: "invalid cursor" }] });
  }
  return { receivedAt, id };
}

export async function listDeliveries({ actor, appId, query }: ListDeliveriesOptions): Promise<WebhookDeliveriesPageDto> {
  // Another team's app is "not found", not an empty list.
  const app = await getDb().app.findFirst({ where: { id: appId, teamId: actor.teamId }, select: { id: true } });
  if (!app) throw notFound("App");
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await getDb().webhookDelivery.findMany({
    where: {
      appId: app.id,
      teamId: actor.teamId,
      ...(after ? { OR: [{ receivedAt: { lt: after.receivedAt } }, { receivedAt: after.receivedAt, id: { lt: after.id } }] } : {}),
    },
    include: deliveryDtoInclude,
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
  });
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return { items: items.map(toDeliveryDto), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}
