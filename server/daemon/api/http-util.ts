// Small helpers for the daemon's node:http API (no framework: five routes).
import type http from "node:http";

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

export function sendError(res: http.ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: message });
}

/**
 * Writes a chunk and, when the socket's buffer is full, waits until it drains (or the client
 * leaves): a slow reader holds one chunk here and slows only its own response.
 */
export async function writeWithBackpressure(res: http.ServerResponse, chunk: string): Promise<void> {
  if (res.write(chunk)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
