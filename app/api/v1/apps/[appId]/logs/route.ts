import { parseQuery, route } from "@/server/http";
import { streamAppLogs } from "@/server/logs/stream-app-logs";
import { sseResponse } from "@/server/sse";
import { z } from "zod";

type Params = { appId: string };
const query = z.object({ tail: z.coerce.number().int().min(0).max(5000).default(200) });

export const dynamic = "force-dynamic";

// The app's runtime logs, live, as server-sent events.
export const GET = route<Params>("read", async ({ req, actor, params }) => {
  const { tail } = parseQuery(req, query);
  const lines = await streamAppLogs({ actor, appId: params.appId, tail, signal: req.signal });
  return sseResponse(async function* () {
    for await (const line of lines) yield { event: "line", data: line };
  }, req.signal);
});
