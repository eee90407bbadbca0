// Real Caddy for ingress tests that need no Podman and no slipwayd: its own data dir, an upstream
// HTTP server on loopback standing for an app, routes built the way slipwayd builds them, and a
// stop that leaves nothing behind.
//
//   const caddy = await startCaddyFixture("reload", (_req, res) => res.end("ok\n"));
//   await loadConfig(caddy.adminSocket, JSON.stringify(renderCaddyConfig([caddy.route("web")], …)));
//   await caddy.stop();
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { caddyPaths } from "@/server/daemon/ingress/caddy-paths";
import { ensureCaddy, stopCaddy } from "@/server/daemon/ingress/caddy-process";
import { routeKey, type Route } from "@/server/daemon/ingress/route-table";
import { createLogger } from "@/server/daemon/logger";

export interface CaddyFixture {
  dataDir: string;
  adminSocket: string;
  pid: number | null;
  upstreamPort: number;
  /** A live route for <app>.shop.acme.<domain> to the upstream (or to `port`). */
  route(app: string, port?: number): Route;
  stop(): Promise<void>;
}

export async function startCaddyFixture(name: string, answer: http.RequestListener): Promise<CaddyFixture> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `slipway-${name}-`));
  const upstream = http.createServer(answer);
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", () => r()));
  const upstreamPort = (upstream.address() as { port: number }).port;
  const handle = await ensureCaddy({ dataDir, log: createLogger("silent") });
  return {
    dataDir,
    adminSocket: caddyPaths(dataDir).adminSocket,
    pid: handle.pid,
    upstreamPort,
    route: (app, port = upstreamPort) => ({
      appId: app,
      key: routeKey("acme", "shop", app),
      live: true,
      stopped: false,
      upstreams: [`http://127.0.0.1:${port}`],
      domains: [],
      challenges: [],
    }),
    async stop() {
      await stopCaddy(dataDir);
      await new Promise<void>((r) => upstream.close(() => r()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
