// slipwayd's metrics routes: an app's charts (GET /v1/apps/:appId/metrics?range=) and a team's
// usage over time against its quota (GET /v1/teams/:teamId/usage?range=). The web checks tenancy
// before it asks; here an id the database does not know is a 404.
import type http from "node:http";
import type { Db } from "../../db";
import { metricRanges, type AppMetricsDto, type MetricRange } from "../../metrics/schemas";
import { ensureTeamQuota } from "../../quotas/create-team-quota";
import { sendError, sendJson } from "../api/http-util";
import type { Logger } from "../logger";
import type { MetricsDb } from "./metrics-database";
import { appMetrics, teamUsageHistory } from "./metrics-query";

export interface MetricsApiDeps {
  db: Db;
  metrics: MetricsDb;
  /** whether this slipwayd samples its engine's containers (not with a remote DOCKER_HOST) */
  samplesContainers: boolean;
  log: Logger;
}

function rangeOf(url: URL): MetricRange | null {
  const r = url.searchParams.get("range") ?? "1h";
  return (metricRanges as readonly string[]).includes(r) ? (r as MetricRange) : null;
}

/** What the charts of an app on a cluster can show, said rather than drawn as zeros. */
export function clusterMetricsNote(metricsApi: boolean | null): string {
  const http = "HTTP metrics of cluster apps would come from the cluster's ingress, which Slipway does not read.";
  if (metricsApi === null) return `The cluster did not answer whether it serves a metrics API (metrics.k8s.io). ${http}`;
  if (!metricsApi) return `This cluster serves no metrics API (metrics.k8s.io: no metrics-server), so there are no container metrics. ${http}`;
  return `This cluster serves a metrics API (metrics.k8s.io), which Slipway does not sample yet. ${http}`;
}
export const REMOTE_ENGINE_NOTE = "The container engine is remote (DOCKER_HOST): slipwayd cannot read its containers' counters, so only HTTP metrics from the ingress are shown.";

async function metricsApiOf(deps: MetricsApiDeps, clusterName: string): Promise<boolean | null> {
  try {
    return await (await import("./cluster-metrics-api")).clusterServesMetricsApi(clusterName);
  } catch (e) {
    deps.log.warn({ cluster: clusterName, err: e instanceof Error ? e.message : String(e) }, "asking the cluster for its metrics API failed");
    return null;
  }
}

export async function sendAppMetrics(deps: MetricsApiDeps, appId: string, url: URL, res: http.ServerResponse): Promise<void> {
  const range = rangeOf(url);
  if (!range) return sendError(res, 400, `range must be one of ${metricRanges.join(", ")}`);
  const app = await deps.db.app.findUnique({ where: { id: appId }, select: { project: { select: { cluster: { select: { name: true } } } } } });
  if (!app) return sendError(res, 404, "app not found");
  const cluster = app.project.cluster;
  const sources: AppMetricsDto["sources"] = cluster
    ? { containers: "none", http: "none", note: clusterMetricsNote(await metricsApiOf(deps, cluster.name)) }
    : deps.samplesContainers
      ? { containers: "engine", http: "ingress", note: null }
      : { containers: "none", http: "ingress", note: REMOTE_ENGINE_NOTE };
  sendJson(res, 200, appMetrics(deps.metrics, appId, range, Date.now() / 1000, sources));
}

export async function sendTeamUsage(deps: MetricsApiDeps, teamId: string, url: URL, res: http.ServerResponse): Promise<void> {
  const range = rangeOf(url);
  if (!range) return sendError(res, 400, `range must be one of ${metricRanges.join(", ")}`);
  const team = await deps.db.team.findUnique({ where: { id: teamId }, select: { logRetentionMib: true } });
  if (!team) return sendError(res, 404, "team not found");
  const q = await ensureTeamQuota(deps.db, teamId);
  const quota = { cpuMillicores: q.cpuMillicores, memoryMib: q.memoryMib, storageGib: q.storageGib, maxApps: q.maxApps, logMib: team.logRetentionMib };
  sendJson(res, 200, teamUsageHistory(deps.metrics, teamId, range, Date.now() / 1000, quota));
}

const METRICS_PATH = /^\/v1\/(?:apps\/([A-Za-z0-9_-]{1,64})\/metrics|teams\/([A-Za-z0-9_-]{1,64})\/usage)$/;

/** Answers the metrics routes; false when the request is not one of them. */
export async function handleMetricsRoutes(deps: MetricsApiDeps, url: URL, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
  const m = METRICS_PATH.exec(url.pathname);
  if (!m) return false;
  if (req.method !== "GET") {
    sendError(res, 405, "method not allowed");
    return true;
  }
  if (m[1]) await sendAppMetrics(deps, m[1], url, res);
  else await sendTeamUsage(deps, m[2]!, url, res);
  return true;
}
