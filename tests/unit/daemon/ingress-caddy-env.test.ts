import { describe, expect, it } from "vitest";
import { CADDY_GO_ENV, caddyEnv } from "@/server/daemon/ingress/caddy-process";
import { CADDY_LOGGING, initialCaddyConfig, renderCaddyConfig } from "@/server/daemon/ingress/caddy-config";

describe("caddyEnv", () => {
  it("gives Caddy its own state dirs and the Go GC settings, and nothing of slipwayd's secrets", () => {
    const env = caddyEnv("/data", { PATH: "/usr/bin", DATABASE_URL: "postgres://u:secret@db/x", SLIPWAY_SECRET: "s", TZ: "UTC" });
    expect(env).toEqual({
      PATH: "/usr/bin",
      HOME: "/data/caddy",
      XDG_CONFIG_HOME: "/data/caddy/config",
      XDG_DATA_HOME: "/data/caddy/data",
      TZ: "UTC",
      ...CADDY_GO_ENV,
    });
    expect(CADDY_GO_ENV.GOGC).toBe("400");
  });

  it("lets the operator's own Go runtime settings win", () => {
    const env = caddyEnv("/data", { PATH: "/usr/bin", GOGC: "100", GOMEMLIMIT: "1GiB", GOMAXPROCS: "1" });
    expect(env).toMatchObject({ GOGC: "100", GOMEMLIMIT: "1GiB", GOMAXPROCS: "1" });
  });
});

describe("Caddy's log config", () => {
  it("drops the per-request object in the initial config and in every rendered one", () => {
    const rendered = renderCaddyConfig([], { domain: "localhost", httpPort: 8088, httpsPort: 8443, tlsIssuer: "internal", adminSocket: "/a.sock" });
    expect(rendered.logging).toBe(CADDY_LOGGING);
    expect(initialCaddyConfig("/a.sock").logging).toBe(CADDY_LOGGING);
    expect(CADDY_LOGGING).toEqual({
      logs: { default: { writer: { output: "stderr" }, encoder: { format: "filter", wrap: { format: "json" }, fields: { request: { filter: "delete" } } } } },
    });
  });
});
