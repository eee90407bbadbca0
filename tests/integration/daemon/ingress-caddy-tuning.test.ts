// The ingress's CPU tuning against the real Caddy binary (no Podman, no slipwayd): Caddy runs with
// the Go GC settings slipwayd gives it, accepts the log filter in every config slipwayd renders,
// and logs a proxy error (with the upstream it could not reach) without the per-request "request"
// object whose eager encoding cost 13% of its CPU. Caddy logs errors that an errors route handled
// (our 502 page) at DEBUG only, so the test turns DEBUG on to see the entry the filter shapes.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/server/daemon/ingress/caddy-admin";
import { CADDY_GO_ENV, ensureCaddy, stopCaddy } from "@/server/daemon/ingress/caddy-process";
import { caddyPaths } from "@/server/daemon/ingress/caddy-paths";
import { INGRESS_MESSAGES, renderCaddyConfig } from "@/server/daemon/ingress/caddy-config";
import { routeKey, type Route } from "@/server/daemon/ingress/route-table";
import { createLogger } from "@/server/daemon/logger";
import { freePort, ingressGet } from "../../support/net";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "slipway-caddy-tuning-"));
let upstream: http.Server;
let upstreamPort = 0;
let closedPort = 0;
let httpPort = 0;
let pid: number | null = null;

const route = (app: string, port: number): Route => ({
  appId: app,
  key: routeKey("acme", "shop", app),
  live: true,
  stopped: false,
  upstreams: [`http://127.0.0.1:${port}`],
  domains: [],
  challenges: [],
});

beforeAll(async () => {
  upstream = http.createServer((_req, res) => res.end("tuned upstream\n"));
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", () => r()));
  upstreamPort = (upstream.address() as { port: number }).port;
  closedPort = await freePort();
  httpPort = await freePort();
  const handle = await ensureCaddy({ dataDir, log: createLogger("silent") });
  pid = handle.pid;
  const config = renderCaddyConfig([route("web", upstreamPort), route("gone", closedPort)], {
    domain: "localhost",
    httpPort,
    httpsPort: await freePort(),
    listenHost: "127.0.0.1",
    tlsIssuer: "internal",
    adminSocket: caddyPaths(dataDir).adminSocket,
  });
  const logs = (config.logging as { logs: { default: Record<string, unknown> } }).logs;
  logs.default = { ...logs.default, level: "DEBUG" };
  await loadConfig(caddyPaths(dataDir).adminSocket, JSON.stringify(config));
}, 30_000);

afterAll(async () => {
  await stopCaddy(dataDir);
  await new Promise<void>((r) => upstream.close(() => r()));
  rmSync(dataDir, { recursive: true, force: true });
});

describe("ingress (Caddy) tuning", () => {
  it("runs Caddy with slipwayd's Go GC settings", () => {
    expect(pid).toBeGreaterThan(0);
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    for (const [k, v] of Object.entries(CADDY_GO_ENV)) expect(environ).toContain(`${k}=${v}`);
  });

  it("serves through the filtered logger, and logs a failed upstream with its address but without the request object", async () => {
    const ok = await ingressGet(httpPort, "web.shop.acme.localhost");
    expect(ok).toEqual({ status: 200, body: "tuned upstream\n" });

    // LB_TRY_DURATION (5 s) of retries on the one closed replica, then our 502 page.
    const failed = await ingressGet(httpPort, "gone.shop.acme.localhost", "/", 15_000);
    expect(failed.status).toBe(502);
    expect(failed.body).toBe(`${INGRESS_MESSAGES.upstreamFailed}\n`);

    const lines = readFileSync(caddyPaths(dataDir).logFile, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const errors = lines.filter((l) => l.logger === "http.log.error");
    expect(errors.length).toBeGreaterThan(0);
    const last = errors.at(-1)!;
    expect(String(last.msg)).toContain(`127.0.0.1:${closedPort}`);
    expect(last.status).toBe(502);
    expect(last).not.toHaveProperty("request");
  }, 30_000);
});
