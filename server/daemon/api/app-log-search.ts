// GET /v1/apps/:appId/logs/search — one page of an app's stored lines, newest first, by text,
// time range, release, replica and stream (the store searches the indexed part with FTS and the
// rest with a bounded scan, and says when it stopped at its bound).
import type http from "node:http";
import type { LogStore } from "../logs/log-store-types";
import { sendError, sendJson } from "./http-util";
import { searchFilters } from "./app-log-filters";
import { toLogLineDto } from "./app-log-live";

export function searchAppLogs(store: LogStore, appId: string, url: URL, res: http.ServerResponse): void {
  const f = searchFilters(appId, url);
  if (!f.ok) return sendError(res, 400, f.error);
  const page = store.search(f.query);
  sendJson(res, 200, { lines: page.lines.map(toLogLineDto), nextBefore: page.nextBefore, bounded: page.bounded });
}
