import "server-only";
import type { z } from "zod";
import type { Actor } from "../auth/actor";
import { getAppOrThrow } from "../apps/get-app";
import { daemonQuery, logDaemon } from "./log-daemon";
import { resolveLogRange } from "./log-range";
import type { LogLineDto, LogSearchPageDto, logSearchQuery } from "./schemas";
import { toLogLineDto } from "./to-log-line-dto";

export interface SearchAppLogsOptions {
  actor: Actor;
  appId: string;
  query: z.output<typeof logSearchQuery>;
}

/**
 * Searches an app's kept logs (every release and replica, including containers long gone),
 * newest first, a page at a time. The range and the page are capped here; slipwayd bounds the
 * work of one page and says so (`bounded`), so no request scans without limit.
 */
export async function searchAppLogs({ actor, appId, query }: SearchAppLogsOptions): Promise<LogSearchPageDto> {
  const app = await getAppOrThrow({ actor, appId });
  const range = resolveLogRange(query);
  const q = daemonQuery({
    q: query.q,
    from: range.from,
    to: range.to,
    release: query.release,
    replica: query.replica,
    stream: query.stream,
    before: query.before,
    limit: query.limit,
  });
  const page = await logDaemon().json<{ lines: LogLineDto[]; nextBefore: number | null; bounded: boolean }>("GET", `/v1/apps/${encodeURIComponent(app.id)}/logs/search?${q}`);
  return {
    lines: page.lines.map(toLogLineDto),
    nextBefore: page.nextBefore,
    bounded: page.bounded,
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    notice: range.notice,
  };
}
