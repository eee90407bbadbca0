// The app ingress: one HTTP server on loopback that routes by Host header to the live release's
// replicas. A connection-level failure on an idempotent request is retried on the next replica,
// so a replica that has just died (or is being drained) costs the client nothing.
import http from "node:http";
import type net from "node:net";
import { createProxyServer } from "http-proxy-3";
import type { Logger } from "../logger";
import type { RouteTable } from "./route-table";

const RETRYABLE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function plain(res: http.ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end(`${message}\n`);
}

export interface IngressServer {
  server: http.Server;
  close(): Promise<void>;
}

export function startIngress(opts: { port: number; host?: string; routes: RouteTable; log: Logger }): Promise<IngressServer> {
  // No keep-alive to upstreams: a pooled socket to a replica that is being stopped is exactly the
  // kind of failure a zero-downtime switch must not have, and loopback connects are cheap.
  const proxy = createProxyServer({ xfwd: true, agent: new http.Agent({ keepAlive: false }), proxyTimeout: 120_000 });
  proxy.on("error", (err: Error) => opts.log.debug({ err: err.message }, "proxy error"));

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, upstreams: string[], i: number) => {
    const target = upstreams[i];
    if (!target) return plain(res, 502, "bad gateway: the app did not answer");
    proxy.web(req, res, { target }, (err: Error) => {
      const retry = RETRYABLE_METHODS.has(req.method ?? "") && !res.headersSent && i + 1 < upstreams.length;
      opts.log.debug({ target, err: err.message, retry }, "upstream failed");
      if (retry) forward(req, res, upstreams, i + 1);
      else plain(res, 502, "bad gateway: the app did not answer");
    });
  };

  const server = http.createServer((req, res) => {
    const found = opts.routes.lookup(req.headers.host);
    if (found.kind === "unknown") return plain(res, 404, "no app at this address");
    if (found.kind === "not-deployed") return plain(res, 503, "app not deployed yet");
    if (found.kind === "no-replicas") return plain(res, 503, "app has no running replicas right now");
    forward(req, res, found.upstreams, 0);
  });

  server.on("upgrade", (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const found = opts.routes.lookup(req.headers.host);
    const target = found.kind === "ok" ? found.upstreams[0] : undefined;
    if (!target) {
      socket.end("HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n");
      return;
    }
    proxy.ws(req, socket, head, { target }, () => socket.destroy());
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve({
        server,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}
