import { parseQuery, route } from "@/server/http";
import { downloadAppLogs } from "@/server/logs/download-app-logs";
import { logDownloadQuery } from "@/server/logs/schemas";

type Params = { appId: string };

export const dynamic = "force-dynamic";

// The app's kept lines in a range as a file: text (one line each) or NDJSON (LogLineDto each).
export const GET = route<Params>("read", async ({ req, actor, params }) => {
  const file = await downloadAppLogs({ actor, appId: params.appId, query: parseQuery(req, logDownloadQuery), signal: req.signal });
  return new Response(file.body, {
    headers: { "content-type": file.contentType, "content-disposition": `attachment; filename="${file.filename}"`, "cache-control": "no-store" },
  });
});
