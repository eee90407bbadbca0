// The ingress's CPU tuning against the real Caddy binary (no Podman, no slipwayd): Caddy runs with
// the Go GC settings slipwayd gives it, accepts the log filter in every config slipwayd renders,
// and logs a proxy error (with the upstream it could not reach) without the per-request "request"
// object whose eager encoding cost 13% of its CPU. Caddy logs errors that an errors route handled
// (our 502 page) at DEBUG only, so the test turns DEBUG on to see the entry the filter shapes.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/server/daemon/ingress/caddy-admin";
import { CADDY_GO_ENV } from "@/server/daemon/ingress/caddy-process";
import { caddyPaths } from "@/server/daemon/ingress/caddy-paths";
import { INGRESS_MESSAGES, renderCaddyConfig } from "@/server/daemon/ingress/caddy-config";
import { startCaddyFixture, type CaddyFixture } from "../../support/caddy-fixture";
import { freePort, ingressGet } from "../../support/net";

let caddy: CaddyFixture;
let closedPort = 0;
let httpPort = 0;

beforeAll(async () => {
  caddy = await startCaddyFixture("caddy-tuning", (_req, res) => res.end("tuned upstream\n"));
  closedPort = await freePort();
  httpPort = await freePort();
  const config = renderCaddyConfig([caddy.route("web"), caddy.route("gone", closedPort)], {
    domain: "localhost",
    httpPort,
    httpsPort: await freePort(),
    listenHost: "127.0.0.1",
    tlsIssuer: "internal",
    adminSocket: caddy.adminSocket,
  });
  const logs = (config.logging as { logs: { default: Record<string, unknown> } }).logs;
  logs.default = { ...logs.default, level: "DEBUG" };
  await loadConfig(caddy.adminSocket, JSON.stringify(config));
}, 30_000);

afterAll(async () => {
  await caddy?.stop();
});

describe("ingress (Caddy) tuning", () => {
  it("runs Caddy with slipwayd's Go GC settings", () => {
    expect(caddy.pid).toBeGreaterThan(0);
    const environ = readFileSync(`/proc/${caddy.pid}/environ`, "utf8").split("\0");
    for (const [k, v] of Object.entries(CADDY_GO_ENV)) expect(environ).toContain(`${k}=${v}`);
  });

  it("serves through the filtered logger, and logs a failed upstream with its address but without the request object", async () => {
    const ok = await ingressGet(httpPort, "web.shop.acme.localhost");
    expect(ok).toEqual({ status: 200, body: "tuned upstream\n" });

    // LB_TRY_DURATION (5 s) of retries on the one closed replica, then our 502 page.
    const failed = await ingressGet(httpPort, "gone.shop.acme.localhost", "/", 15_000);
    expect(failed.status).toBe(502);
    expect(failed.body).toBe(`${INGRESS_MESSAGES.upstreamFailed}\n`);

    const lines = readFileSync(caddyPaths(caddy.dataDir).logFile, "utf8")
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
