import "server-only";
// A request refused before its body was trusted: nothing of it is stored, only a counter, the
// time and a fixed reason on the app (the deploy-on-push card shows them).
import { getDb } from "../db";

export async function recordRejection(appId: string, reason: string, now = new Date()): Promise<void> {
  await getDb().app.updateMany({
    where: { id: appId },
    data: { webhookRejectedCount: { increment: 1 }, webhookLastRejectedAt: now, webhookLastRejectReason: reason.slice(0, 200) },
  });
}
