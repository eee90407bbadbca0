import "server-only";
// Keeps an app's delivery log bounded: the newest DELIVERY_RETENTION_COUNT, none older than
// DELIVERY_RETENTION_DAYS. Run after inserts, but only every PRUNE_EVERY-th per app and process:
// the intake's answer must stay fast, and a few extra rows for a while cost nothing.
import { getDb } from "../db";
import { logger } from "../logger";
import { DELIVERY_RETENTION_COUNT, DELIVERY_RETENTION_DAYS } from "./retention";

const PRUNE_EVERY = 25;
const BATCH = 500;
const insertsSincePrune = new Map<string, number>();

export async function pruneDeliveries(appId: string, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - DELIVERY_RETENTION_DAYS * 24 * 3600_000);
  // One transaction: on SQLite, writes outside one would join another request's open transaction.
  return getDb().$transaction(
    async (tx) => {
      let removed = (await tx.webhookDelivery.deleteMany({ where: { appId, receivedAt: { lt: cutoff } } })).count;
      for (;;) {
        const surplus = await tx.webhookDelivery.findMany({
          where: { appId },
          orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
          skip: DELIVERY_RETENTION_COUNT,
          take: BATCH,
          select: { id: true },
        });
        if (surplus.length === 0) return removed;
        removed += (await tx.webhookDelivery.deleteMany({ where: { id: { in: surplus.map((d) => d.id) } } })).count;
      }
    },
    { maxWait: 20_000, timeout: 60_000 },
  );
}

/** Called after each recorded delivery; prunes now and then, never fails the delivery. */
export async function pruneDeliveriesSometimes(appId: string): Promise<void> {
  const count = (insertsSincePrune.get(appId) ?? 0) + 1;
  if (count < PRUNE_EVERY) {
    insertsSincePrune.set(appId, count);
    return;
  }
  insertsSincePrune.delete(appId);
  await pruneDeliveries(appId).catch((err: unknown) => {
    // The delivery is recorded and answered; the next prune will catch up.
    logger.warn({ err, appId }, "pruning webhook deliveries failed");
  });
}
