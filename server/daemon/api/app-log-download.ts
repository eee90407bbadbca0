// GET /v1/apps/:appId/logs/download — an app's stored lines matching the filters, oldest first,
// streamed as text (`<ISO time> <replica> <stream> <line>`) or NDJSON (LogLineDto per line), at most
// MAX_LOG_DOWNLOAD_LINES. The app's lines are walked by seq in batches (the store's `after`), each
// batch written before the next is read, so memory stays one batch whatever the size and a slow
// client only slows its own download.
import type http from "node:http";
import { MAX_LOG_DOWNLOAD_LINES } from "../../logs/schemas";
import type { LogStore, StoredLogLine } from "../logs/log-store-types";
import { sendError, writeWithBackpressure } from "./http-util";
import { downloadFilters, type LogFilters } from "./app-log-filters";
import { toLogLineDto } from "./app-log-live";

const BATCH = 5000;

function matcher(f: LogFilters): (l: StoredLogLine) => boolean {
  const text = f.text?.toLowerCase();
  return (l) =>
    l.time >= f.from &&
    l.time <= f.to &&
    (!f.replica || l.replica === f.replica) &&
    (!f.stream || l.stream === f.stream) &&
    (!text || l.line.toLowerCase().includes(text));
}

export async function downloadAppLogs(store: LogStore, appId: string, url: URL, res: http.ServerResponse): Promise<void> {
  const d = downloadFilters(appId, url);
  if (!d.ok) return sendError(res, 400, d.error);
  const { filters, format } = d;
  const matches = matcher(filters);
  let closed = false;
  res.on("close", () => {
    closed = true;
  });
  res.writeHead(200, {
    "content-type": format === "ndjson" ? "application/x-ndjson; charset=utf-8" : "text/plain; charset=utf-8",
    "cache-control": "no-store",
  });
  let after = 0;
  let left = MAX_LOG_DOWNLOAD_LINES;
  while (left > 0 && !closed) {
    const batch = store.after(appId, after, BATCH, filters.releaseId);
    if (!batch.length) break;
    after = batch[batch.length - 1]!.seq;
    let out = "";
    for (const l of batch) {
      if (!matches(l)) continue;
      out += format === "ndjson" ? `${JSON.stringify(toLogLineDto(l))}\n` : `${new Date(l.time).toISOString()} ${l.replica} ${l.stream} ${l.line}\n`;
      if (--left === 0) break;
    }
    if (out) await writeWithBackpressure(res, out);
  }
  res.end();
}
