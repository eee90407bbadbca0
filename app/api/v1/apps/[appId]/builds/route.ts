import { parseQuery, route } from "@/server/http";
import { listBuilds } from "@/server/builds/list-builds";
import { buildListQuery } from "@/server/builds/schemas";

type Params = { appId: string };

// Build history, newest first; ?cursor=<last build id>&limit=<1..100, default 20>.
export const GET = route<Params>("read", ({ req, actor, params }) => listBuilds({ actor, appId: params.appId, ...parseQuery(req, buildListQuery) }));
