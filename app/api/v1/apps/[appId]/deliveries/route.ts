import { parseQuery, route } from "@/server/http";
import { listDeliveries } from "@/server/webhooks/list-deliveries";
import { deliveriesQuery } from "@/server/webhooks/schemas";

type Params = { appId: string };

export const GET = route<Params>("read", ({ req, actor, params }) => listDeliveries({ actor, appId: params.appId, query: parseQuery(req, deliveriesQuery) }));
