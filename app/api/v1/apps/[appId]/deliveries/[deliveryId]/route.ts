import { route } from "@/server/http";
import { getDelivery } from "@/server/webhooks/get-delivery";

type Params = { appId: string; deliveryId: string };

export const GET = route<Params>("read", ({ actor, params }) => getDelivery({ actor, appId: params.appId, deliveryId: params.deliveryId }));
