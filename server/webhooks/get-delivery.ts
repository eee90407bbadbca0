import "server-only";
import { getDb } from "../db";
import { notFound } from "../errors";
import type { Actor } from "../auth/actor";
import type { WebhookDeliveryDetailDto } from "./schemas";
import { deliveryDtoInclude, toDeliveryDetailDto } from "./to-delivery-dto";

/** One delivery of the app with its payload and headers; another team's (or app's) is "not found". */
export async function getDelivery({ actor, appId, deliveryId }: { actor: Actor; appId: string; deliveryId: string }): Promise<WebhookDeliveryDetailDto> {
  const delivery = await getDb().webhookDelivery.findFirst({ where: { id: deliveryId, appId, teamId: actor.teamId }, include: deliveryDtoInclude });
  if (!delivery) throw notFound("Delivery");
  return toDeliveryDetailDto(delivery);
}
