import "server-only";
// Re-sends a stored delivery from the deliveries page: its stored payload is parsed again with its
// stored provider and headers (the signature was checked when it first arrived) and goes through
// the same outcome as a fresh delivery, recorded as a new delivery that points at the original.
// An ignored one stays ignored; a push queues a build, or joins the queued one.
import { randomUUID } from "node:crypto";
import { getDb } from "../db";
import { AppError, notFound } from "../errors";
import type { Actor } from "../auth/actor";
import { getAppOrThrow } from "../apps/get-app";
import { handleDelivery, type DeliveryAnswer } from "./handle-delivery";
import { providerByName } from "./providers/detect-provider";
import { PayloadError } from "./providers/types";

export interface RedeliverDeliveryOptions {
  actor: Actor;
  appId: string;
  /** The stored delivery's row id. */
  deliveryId: string;
}

export async function redeliverDelivery({ actor, appId, deliveryId }: RedeliverDeliveryOptions): Promise<DeliveryAnswer> {
  const app = await getAppOrThrow({ actor, appId });
  const original = await getDb().webhookDelivery.findFirst({ where: { id: deliveryId, appId: app.id, teamId: actor.teamId } });
  if (!original) throw notFound("Delivery");
  const provider = providerByName(original.provider);
  if (!provider) throw new AppError("VALIDATION", `Deliveries from ${original.provider} cannot be redelivered by this version of Slipway.`);

  let storedHeaders: Record<string, string>;
  try {
    storedHeaders = JSON.parse(original.headers) as Record<string, string>;
  } catch {
    throw new AppError("VALIDATION", "This delivery's stored headers cannot be read; it cannot be redelivered.");
  }
  let event;
  try {
    event = provider.parse(new Headers(storedHeaders), Buffer.from(original.payload, "utf8"));
  } catch (error) {
    if (error instanceof PayloadError) throw new AppError("VALIDATION", `This delivery's payload cannot be read again: ${error.message}.`);
    throw error;
  }
  return handleDelivery({
    app,
    event: { ...event, deliveryId: `redeliver:${randomUUID()}` },
    payload: original.payload,
    headers: storedHeaders,
    trigger: "redeliver",
    actor,
    redeliveryOfId: original.id,
    redeliveredById: actor.userId,
  });
}
