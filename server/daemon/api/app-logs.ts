// Streams the runtime logs of every replica of one release of an app (the live one unless asked)
// as NDJSON LogLines, exited replicas included while the engine keeps them. Follow mode lasts until
// the client goes away.
import type http from "node:http";
import type { LogLine } from "../../runtime/runtime-driver";
import type { Engine } from "../engine/engine";

export async function streamAppLogs(
  engine: Engine,
  instanceId: string,
  appId: string,
  releaseId: string | null,
  opts: { follow: boolean; tail: number },
  res: http.ServerResponse,
): Promise<void> {
  const abort = new AbortController();
  res.on("close", () => abort.abort());
  const containers = (await engine.listManaged({ instance: instanceId, appId })).filter((c) => c.releaseId === releaseId);
  res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-store", "x-accel-buffering": "no" });
  // Headers out now, so a follow with no lines yet still reads as "connected".
  res.flushHeaders();
  await Promise.all(
    containers.map(async (c) => {
      try {
        for await (const l of engine.logs(c.id, { follow: opts.follow, tail: opts.tail, signal: abort.signal })) {
          const line: LogLine = { time: l.time, stream: l.stream, replica: c.name, line: l.line };
          if (!res.write(`${JSON.stringify(line)}\n`)) await new Promise((r) => res.once("drain", r));
          if (abort.signal.aborted) return;
        }
      } catch {
        // A replica that goes away ends its part of the stream; the others continue.
      }
    }),
  );
  // In follow mode this is reached only when every replica's stream ended (they were replaced):
  // the client reconnects to get the new ones.
  res.end();
}
