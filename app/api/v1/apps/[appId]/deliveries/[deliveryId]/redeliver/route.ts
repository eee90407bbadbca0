import { route } from "@/server/http";
import { redeliverDelivery } from "@/server/webhooks/redeliver-delivery";

type Params = { appId: string; deliveryId: string };

/** Answers like the webhook intake would have: 202 when a build was queued or joined, 200 when ignored. */
export const POST = route<Params>("app:deploy", async ({ actor, params }) => {
  const { status, body } = await redeliverDelivery({ actor, appId: params.appId, deliveryId: params.deliveryId });
  return Response.json(body, { status });
});
