// The filters of the daemon's log search and download, read from the query string with the web's
// own schemas (server/logs/schemas.ts). The web narrows the range and the page before calling;
// the daemon still bounds what it is asked (a caller other than the web gets the same caps).
import { logDownloadQuery, logSearchQuery, MAX_LOG_RANGE_DAYS } from "../../logs/schemas";
import type { LogSearchQuery } from "../logs/log-store-types";

const DAY_MS = 24 * 60 * 60 * 1000;

export type LogFilters = Omit<LogSearchQuery, "limit" | "before">;

function query(url: URL): Record<string, string> {
  const q: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (v !== "") q[k] = v;
  return q;
}

function issues(e: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return e.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
}

/** The range asked for; unset ends are now and MAX_LOG_RANGE_DAYS before the end, and no wider. */
function range(from: number | undefined, to: number | undefined, now: number): { from: number; to: number } {
  const end = to ?? now;
  const start = Math.max(from ?? 0, end - MAX_LOG_RANGE_DAYS * DAY_MS);
  return { from: start, to: end };
}

export function searchFilters(appId: string, url: URL, now = Date.now()): { ok: true; query: LogSearchQuery } | { ok: false; error: string } {
  const parsed = logSearchQuery.safeParse(query(url));
  if (!parsed.success) return { ok: false, error: issues(parsed.error) };
  const p = parsed.data;
  return {
    ok: true,
    query: {
      appId,
      ...range(p.from, p.to, now),
      ...(p.q ? { text: p.q } : {}),
      ...(p.release ? { releaseId: p.release } : {}),
      ...(p.replica ? { replica: p.replica } : {}),
      ...(p.stream ? { stream: p.stream } : {}),
      ...(p.before ? { before: p.before } : {}),
      limit: p.limit,
    },
  };
}

export function downloadFilters(appId: string, url: URL, now = Date.now()): { ok: true; format: "text" | "ndjson"; filters: LogFilters } | { ok: false; error: string } {
  const parsed = logDownloadQuery.safeParse(query(url));
  if (!parsed.success) return { ok: false, error: issues(parsed.error) };
  const p = parsed.data;
  return {
    ok: true,
    format: p.format,
    filters: {
      appId,
      ...range(p.from, p.to, now),
      ...(p.q ? { text: p.q } : {}),
      ...(p.release ? { releaseId: p.release } : {}),
      ...(p.replica ? { replica: p.replica } : {}),
      ...(p.stream ? { stream: p.stream } : {}),
    },
  };
}
