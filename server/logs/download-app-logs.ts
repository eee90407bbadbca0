import "server-only";
import type { z } from "zod";
import type { Actor } from "../auth/actor";
import { getAppOrThrow } from "../apps/get-app";
import { daemonQuery, logDaemon } from "./log-daemon";
import { resolveLogRange } from "./log-range";
import type { logDownloadQuery } from "./schemas";

export interface LogDownload {
  body: ReadableStream<Uint8Array>;
  filename: string;
  contentType: string;
}

/** An app's kept lines in a range, oldest first, as text or NDJSON, streamed from slipwayd. */
export async function downloadAppLogs(o: { actor: Actor; appId: string; query: z.output<typeof logDownloadQuery>; signal: AbortSignal }): Promise<LogDownload> {
  const app = await getAppOrThrow({ actor: o.actor, appId: o.appId });
  const range = resolveLogRange(o.query);
  const q = daemonQuery({
    format: o.query.format,
    q: o.query.q,
    from: range.from,
    to: range.to,
    release: o.query.release,
    replica: o.query.replica,
    stream: o.query.stream,
  });
  const res = await logDaemon().request("GET", `/v1/apps/${encodeURIComponent(app.id)}/logs/download?${q}`, { signal: o.signal });
  if (!res.body) throw new Error("slipwayd answered the log download without a body");
  const stamp = new Date(range.to).toISOString().replace(/[:.]/g, "-");
  const ndjson = o.query.format === "ndjson";
  return {
    body: res.body,
    filename: `${app.project.slug}-${app.slug}-logs-${stamp}.${ndjson ? "ndjson" : "log"}`,
    contentType: ndjson ? "application/x-ndjson; charset=utf-8" : "text/plain; charset=utf-8",
  };
}
