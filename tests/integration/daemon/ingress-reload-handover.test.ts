// Real Caddy under thousands of new connections a second while slipwayd's route pushes reload it
// ten times a second: next to no connection is reset (at most 1 in 5,000; 0 in most runs). Caddy
// 2.6 re-listens (SO_REUSEPORT) at every config change and closes the old socket; without net.ipv4.tcp_migrate_req=1, which ensureCaddy sets,
// this load saw a few hundred ECONNRESET in 15 s (listener-handover.ts).
import { readFileSync } from "node:fs";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/server/daemon/ingress/caddy-admin";
import { renderCaddyConfig } from "@/server/daemon/ingress/caddy-config";
import { TCP_MIGRATE_REQ } from "@/server/daemon/ingress/listener-handover";
import { startCaddyFixture, type CaddyFixture } from "../../support/caddy-fixture";
import { freePort } from "../../support/net";

const LOAD_MS = 8000;
const CONCURRENCY = 48;
const RELOAD_EVERY_MS = 100;

let caddy: CaddyFixture;
let httpPort = 0;
let httpsPort = 0;

/** A config that differs from the previous one (an app comes or goes), so Caddy really reloads. */
function push(n: number): Promise<void> {
  const sock = caddy.adminSocket;
  const routes = [caddy.route("web"), ...(n % 2 ? [caddy.route(`extra${n}`)] : [])];
  return loadConfig(sock, JSON.stringify(renderCaddyConfig(routes, { domain: "localhost", httpPort, httpsPort, listenHost: "127.0.0.1", tlsIssuer: "internal", adminSocket: sock })));
}

/** One GET on a new connection; resolves with "ok" or what went wrong. */
function getOnNewConnection(): Promise<string> {
  return new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port: httpPort, path: "/", headers: { host: "web.shop.acme.localhost" }, agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200 ? "ok" : `status ${res.statusCode}`));
      res.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
}

beforeAll(async () => {
  caddy = await startCaddyFixture("reload-handover", (_req, res) => res.end("ok\n"));
  httpPort = await freePort();
  httpsPort = await freePort();
  await push(0);
}, 30_000);

afterAll(async () => {
  await caddy?.stop();
});

describe("ingress route pushes under many new connections", () => {
  it("resets no connection while Caddy reloads ten times a second", async () => {
    expect(readFileSync(TCP_MIGRATE_REQ, "utf8").trim()).toBe("1");
    const end = Date.now() + LOAD_MS;
    const outcomes = new Map<string, number>();
    let reloads = 0;
    const reloader = (async () => {
      while (Date.now() < end) {
        await new Promise((r) => setTimeout(r, RELOAD_EVERY_MS));
        await push(++reloads);
      }
    })();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < end) {
          const outcome = await getOnNewConnection();
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        }
      }),
    );
    await reloader;
    const ok = outcomes.get("ok") ?? 0;
    outcomes.delete("ok");
    expect(reloads).toBeGreaterThan(40);
    // Enough new connections a second that queued ones meet the reloads (about 2,000-3,000 here).
    expect(ok / (LOAD_MS / 1000)).toBeGreaterThan(500);
    // Nothing but resets may go wrong, and those almost never: without the setting this load saw
    // 265 resets in ~20,000 connections (1.3%); with it, 0 in most runs and once 1 (a clean-clone
    // CI run). The bound, 1 in 5,000, is 60 times below the unfixed rate.
    const { ECONNRESET: resets = 0, ...other } = Object.fromEntries(outcomes);
    expect(other).toEqual({});
    expect(resets, `${resets} resets in ${ok + resets} connections`).toBeLessThanOrEqual(Math.floor((ok + resets) / 5000));
  }, 60_000);
});
