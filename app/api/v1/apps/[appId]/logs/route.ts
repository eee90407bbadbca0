import { parseQuery, route } from "@/server/http";
import { streamAppLogs } from "@/server/logs/stream-app-logs";
import { sseResponse } from "@/server/sse";
import { z } from "zod";

type Params = { appId: string };
const query = z.object({
  tail: z.coerce.number().int().min(0).max(5000).default(200),
  // A release of this app (e.g. the one being rolled out); the live release's logs without it.
  release: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "is not a release id").optional(),
});

export const dynamic = "force-dynamic";

// The app's runtime logs, live, as server-sent events.
export const GET = route<Params>("read", async ({ req, actor, params }) => {
  const { tail, release } = parseQuery(req, query);
  const lines = await streamAppLogs({ actor, appId: params.appId, releaseId: release, tail, signal: req.signal });
  return sseResponse(async function* () {
    for await (const line of lines) yield { event: "line", data: line };
  }, req.signal);
});
