import { parseQuery, route } from "@/server/http";
import { getAppMetrics } from "@/server/metrics/get-app-metrics";
import { metricRangeQuery } from "@/server/metrics/schemas";

type Params = { appId: string };

export const dynamic = "force-dynamic";

export const GET = route<Params>("read", ({ req, actor, params }) => getAppMetrics({ actor, appId: params.appId, range: parseQuery(req, metricRangeQuery).range }));
