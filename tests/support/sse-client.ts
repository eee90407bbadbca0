// A browser-like Server-Sent Events reader for tests and benches: parses frames as EventSource
// does (id, event, data lines, blank line ends a frame) and hands each frame to the caller. It
// reads with backpressure: a slow `onFrame` (returning a promise) pauses the socket.
import http from "node:http";

export interface SseFrame {
  id: string | null;
  event: string;
  data: string;
}

export interface SseClient {
  /** resolves when the response ended or was closed */
  done: Promise<void>;
  close(): void;
  status: Promise<number>;
}

export function readSse(url: string, headers: Record<string, string>, onFrame: (f: SseFrame) => void | Promise<void>): SseClient {
  let req: http.ClientRequest;
  let resolveStatus!: (n: number) => void;
  const status = new Promise<number>((r) => (resolveStatus = r));
  const done = new Promise<void>((resolve, reject) => {
    req = http.get(url, { headers: { accept: "text/event-stream", ...headers }, agent: false }, (res) => {
      resolveStatus(res.statusCode ?? 0);
      res.setEncoding("utf8");
      let buf = "";
      let frame: SseFrame = { id: null, event: "message", data: "" };
      let hasData = false;
      const parse = async (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line === "") {
            if (hasData) {
              const r = onFrame(frame);
              if (r) await r;
            }
            frame = { id: null, event: "message", data: "" };
            hasData = false;
          } else if (line.startsWith("id: ")) frame.id = line.slice(4);
          else if (line.startsWith("event: ")) frame.event = line.slice(7);
          else if (line.startsWith("data: ")) {
            frame.data += (hasData ? "\n" : "") + line.slice(6);
            hasData = true;
          }
        }
      };
      (async () => {
        for await (const chunk of res as AsyncIterable<string>) await parse(chunk);
      })().then(resolve, (e: unknown) => (req.destroyed ? resolve() : reject(e instanceof Error ? e : new Error(String(e)))));
    });
    req.on("error", (e) => (req.destroyed ? resolve() : reject(e)));
  });
  return { done, status, close: () => req.destroy() };
}
