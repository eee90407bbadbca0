// Routing of the daemon's log API (logs-design.md): the live tail, search and download of an app's
// stored lines, and a team's log usage. Every app route answers 404 when the database does not
// know the app (the web checks tenancy before it calls).
import type http from "node:http";
import type { Db } from "../../db";
import { liveLogQuery } from "../../logs/schemas";
import type { EmbeddedLogCollector } from "../logs/collector";
import type { LogBus } from "../logs/log-bus";
import type { LogStore } from "../logs/log-store-types";
import { sendError, sendJson } from "./http-util";
import { streamLiveLogs } from "./app-log-live";
import { searchAppLogs } from "./app-log-search";
import { downloadAppLogs } from "./app-log-download";

export interface LogApiDeps {
  store: LogStore;
  bus: LogBus;
  collector: EmbeddedLogCollector;
}

function fail(res: http.ServerResponse, status: number, message: string): true {
  sendError(res, status, message);
  return true;
}

const APP_LOGS = /^\/v1\/apps\/([A-Za-z0-9_-]{1,64})\/logs\/(live|search|download)$/;
const TEAM_USAGE = /^\/v1\/teams\/([A-Za-z0-9_-]{1,64})\/logs\/usage$/;

/** Answers the request when it is one of the log routes; false when it is not. */
export async function handleLogRoutes(logs: LogApiDeps, db: Db, url: URL, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
  const team = TEAM_USAGE.exec(url.pathname);
  if (team) {
    if (req.method !== "GET") return fail(res, 405, "method not allowed");
    const teamId = team[1]!;
    if (!(await db.team.findUnique({ where: { id: teamId }, select: { id: true } }))) return fail(res, 404, "team not found");
    sendJson(res, 200, logs.store.teamUsage(teamId));
    return true;
  }
  const m = APP_LOGS.exec(url.pathname);
  if (!m) return false;
  if (req.method !== "GET") return fail(res, 405, "method not allowed");
  const appId = m[1]!;
  if (!(await db.app.findUnique({ where: { id: appId }, select: { id: true } }))) return fail(res, 404, "app not found");
  if (m[2] === "search") {
    searchAppLogs(logs.store, appId, url, res);
  } else if (m[2] === "download") {
    await downloadAppLogs(logs.store, appId, url, res);
  } else {
    const q: Record<string, string> = {};
    for (const [k, v] of url.searchParams) if (v !== "") q[k] = v;
    // EventSource resends the last frame's id as Last-Event-ID when it reconnects by itself.
    const lastEventId = req.headers["last-event-id"];
    if (q.after === undefined && typeof lastEventId === "string" && lastEventId) q.after = lastEventId;
    const parsed = liveLogQuery.safeParse(q);
    if (!parsed.success) return fail(res, 400, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    const { after, tail, release } = parsed.data;
    await streamLiveLogs(logs.store, logs.bus, { appId, tail, ...(after !== undefined ? { after } : {}), ...(release ? { releaseId: release } : {}) }, req, res);
  }
  return true;
}

/** DELETE /v1/apps/:id, before its containers go: they are no longer followed. */
export async function stopCollectingApp(logs: LogApiDeps, appId: string): Promise<void> {
  await logs.collector.forgetApp(appId);
}

/** DELETE /v1/apps/:id, after its containers went: its stored lines go too. */
export function deleteAppLogs(logs: LogApiDeps, appId: string): number {
  const n = logs.store.deleteApp(appId);
  logs.bus.forget(appId);
  return n;
}
