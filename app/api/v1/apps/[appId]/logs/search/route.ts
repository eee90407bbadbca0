import { parseQuery, route } from "@/server/http";
import { searchAppLogs } from "@/server/logs/search-app-logs";
import { logSearchQuery } from "@/server/logs/schemas";

type Params = { appId: string };

export const dynamic = "force-dynamic";

// Search the app's kept logs (text, time range, release, replica, stream), newest first, paged.
export const GET = route<Params>("read", ({ req, actor, params }) => searchAppLogs({ actor, appId: params.appId, query: parseQuery(req, logSearchQuery) }));
