import "server-only";
import type { Actor } from "../auth/actor";
import { getAppOrThrow } from "../apps/get-app";
import { logDaemon } from "../logs/log-daemon";
import type { AppMetricsDto, MetricRange } from "./schemas";

/** An app's container and HTTP metrics over a range, from slipwayd's metrics store. */
export async function getAppMetrics({ actor, appId, range }: { actor: Actor; appId: string; range: MetricRange }): Promise<AppMetricsDto> {
  const app = await getAppOrThrow({ actor, appId });
  return logDaemon().json<AppMetricsDto>("GET", `/v1/apps/${encodeURIComponent(app.id)}/metrics?range=${range}`);
}
