import { parseQuery, route } from "@/server/http";
import { listAppEvents } from "@/server/apps/events/list-app-events";
import { appEventListQuery } from "@/server/apps/schemas";

type Params = { appId: string };

// The app's timeline, newest first; ?cursor=<last event id>&limit=<1..100, default 20>.
export const GET = route<Params>("read", ({ req, actor, params }) => listAppEvents({ actor, appId: params.appId, query: parseQuery(req, appEventListQuery) }));
