import { parseQuery, route } from "@/server/http";
import { streamAppLogs } from "@/server/logs/stream-app-logs";
import { liveLogQuery } from "@/server/logs/schemas";
import { SSE_HEADERS } from "@/server/sse";

type Params = { appId: string };

export const dynamic = "force-dynamic";

// The app's kept runtime logs, then live, as server-sent events (event "lines": a batch of
// LogLineDto, id = the last line's seq). A reconnecting EventSource sends Last-Event-ID and gets
// every later line exactly once.
export const GET = route<Params>("read", async ({ req, actor, params }) => {
  const { tail, release, after } = parseQuery(req, liveLogQuery);
  const resumeFrom = req.headers.get("last-event-id");
  const body = await streamAppLogs({
    actor,
    appId: params.appId,
    releaseId: release,
    tail,
    after: resumeFrom !== null && /^\d{1,15}$/.test(resumeFrom) ? Number(resumeFrom) : after,
    signal: req.signal,
  });
  return new Response(body, { headers: SSE_HEADERS });
});
