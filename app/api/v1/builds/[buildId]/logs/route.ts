import { parseQuery, route } from "@/server/http";
import { getBuild } from "@/server/builds/get-build";
import { readBuildLog } from "@/server/builds/read-build-log";
import { buildLogQuery } from "@/server/builds/schemas";
import { sleep, sseResponse } from "@/server/sse";

type Params = { buildId: string };

export const dynamic = "force-dynamic";

// A build's log and step changes, live: lines resume after `after` (or Last-Event-ID), and the
// stream ends once the build has finished and every line was sent.
export const GET = route<Params>("read", async ({ req, actor, params }) => {
  const { after } = parseQuery(req, buildLogQuery);
  const lastEventId = Number(req.headers.get("last-event-id") ?? "");
  let cursor = Number.isInteger(lastEventId) && lastEventId > after ? lastEventId : after;
  await getBuild({ actor, buildId: params.buildId });
  return sseResponse(async function* (signal) {
    let lastStatus = "";
    while (!signal.aborted) {
      const { lines, finished } = await readBuildLog({ actor, buildId: params.buildId, after: cursor, limit: 1000 });
      for (const line of lines) {
        cursor = line.id;
        yield { event: "line", id: line.id, data: line };
      }
      const build = await getBuild({ actor, buildId: params.buildId });
      const status = JSON.stringify([build.status, build.steps.map((s) => s.status)]);
      if (status !== lastStatus) {
        lastStatus = status;
        yield { event: "build", data: build };
      }
      if (finished && lines.length === 0) {
        yield { event: "end", data: { status: build.status } };
        return;
      }
      await sleep(lines.length ? 50 : 400, signal);
    }
  }, req.signal);
});
