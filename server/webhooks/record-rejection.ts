import "server-only";
// A request refused before its body was trusted: nothing of it is stored, only a counter, the
// time and a fixed reason on the app (the deploy-on-push card shows them).
import { getDb } from "../db";

export async function recordRejection(appId: string, reason: string, now = new Date()): Promise<void> {
  // In a transaction of its own: on SQLite a write outside one would join (and could roll back
  // with) another request's open transaction on the shared connection.
  await getDb().$transaction(
    (tx) =>
      tx.app.updateMany({
        where: { id: appId },
        data: { webhookRejectedCount: { increment: 1 }, webhookLastRejectedAt: now, webhookLastRejectReason: reason.slice(0, 200) },
      }),
    { maxWait: 20_000, timeout: 20_000 },
  );
}
