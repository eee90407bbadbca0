import { parseQuery, route } from "@/server/http";
import { getTeamUsageHistory } from "@/server/metrics/get-team-usage-history";
import { metricRangeQuery } from "@/server/metrics/schemas";

export const dynamic = "force-dynamic";

// The team's usage over time against its quota.
export const GET = route("read", ({ req, actor }) => getTeamUsageHistory({ actor, range: parseQuery(req, metricRangeQuery).range }));
