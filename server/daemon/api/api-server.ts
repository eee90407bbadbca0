// slipwayd's own HTTP API on loopback, for the web server's embedded driver. Every route but
// /healthz needs the bearer token from <dataDir>/daemon.token.
import http from "node:http";
import type { Db } from "../../db";
import type { Engine } from "../engine/engine";
import type { Logger } from "../logger";
import type { RouteTable } from "../ingress/route-table";
import type { ControlLoop } from "../control-loop/control-loop";
import { bearerFrom, tokenMatches } from "../token";
import { sendError, sendJson } from "./http-util";
import { getAppStatus } from "./app-status";
import { streamAppLogs } from "./app-logs";
import { handleMetricsRoutes, type MetricsApiDeps } from "../metrics/metrics-api";
import { deleteAppLogs, handleLogRoutes, stopCollectingApp, type LogApiDeps } from "./app-log-routes";

export interface ApiDeps {
  db: Db;
  engine: Engine;
  log: Logger;
  token: string;
  instanceId: string;
  routes: RouteTable;
  loop: ControlLoop;
  /** wake build workers too */
  nudgeBuilds: () => void;
  ingress: { domain: string; port: number };
  /** the metrics file and what this slipwayd samples (metrics/metrics-api.ts) */
  metrics: MetricsApiDeps;
  /** the log store, its live bus and the collector (app-log-routes.ts) */
  logs: LogApiDeps;
}

const APP_PATH = /^\/v1\/apps\/([A-Za-z0-9_-]{1,64})(\/status|\/logs)?$/;

async function handle(deps: ApiDeps, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://daemon");
  if (url.pathname === "/healthz" && req.method === "GET") return sendJson(res, 200, { ok: true });
  if (!tokenMatches(deps.token, bearerFrom(req.headers.authorization))) return sendError(res, 401, "missing or wrong bearer token");

  if (url.pathname === "/v1/reconcile" && req.method === "POST") {
    deps.loop.nudge();
    deps.nudgeBuilds();
    return sendJson(res, 202, { ok: true });
  }
  if (await handleMetricsRoutes(deps.metrics, url, req, res)) return;
  if (await handleLogRoutes(deps.logs, deps.db, url, req, res)) return;
  const m = APP_PATH.exec(url.pathname);
  if (!m) return sendError(res, 404, "not found");
  const appId = m[1]!;
  const sub = m[2];

  if (sub === "/status" && req.method === "GET") {
    const status = await getAppStatus(deps.db, deps.engine, deps.instanceId, appId, deps.ingress);
    return status ? sendJson(res, 200, status) : sendError(res, 404, "app not found");
  }
  if (sub === "/logs" && req.method === "GET") {
    const app = await deps.db.app.findUnique({ where: { id: appId }, select: { liveReleaseId: true } });
    if (!app) return sendError(res, 404, "app not found");
    const tail = Math.min(Math.max(Number(url.searchParams.get("tail") ?? 200) || 0, 0), 10_000);
    const follow = ["1", "true"].includes(url.searchParams.get("follow") ?? "");
    // A release being rolled out (or one that crashed) has logs before it is live. Containers are
    // matched by app and release, so another app's release id finds nothing.
    const release = url.searchParams.get("release");
    if (release !== null && !/^[A-Za-z0-9_-]{1,64}$/.test(release)) return sendError(res, 400, "bad release id");
    return streamAppLogs(deps.engine, deps.instanceId, appId, release ?? app.liveReleaseId, { follow, tail }, res);
  }
  if (!sub && req.method === "DELETE") {
    deps.loop.suppress(appId);
    await deps.loop.settled(appId);
    deps.routes.remove(appId);
    await stopCollectingApp(deps.logs, appId);
    const containers = await deps.engine.listManaged({ instance: deps.instanceId, appId });
    await Promise.all(containers.map((c) => deps.engine.stopAndRemove(c.id, 5)));
    const lines = deleteAppLogs(deps.logs, appId);
    deps.log.info({ appId, removed: containers.length, logLines: lines }, "app removed from runtime");
    res.writeHead(204).end();
    return;
  }
  return sendError(res, 405, "method not allowed");
}

export function startApi(deps: ApiDeps, port: number, host = "127.0.0.1"): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    handle(deps, req, res).catch((e: unknown) => {
      deps.log.error({ err: e instanceof Error ? e.stack : String(e), path: req.url }, "api request failed");
      if (!res.headersSent) sendError(res, 500, "internal error");
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
