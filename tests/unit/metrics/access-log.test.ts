// The ingress's access log: how Caddy is told to write it, and how slipwayd follows the file
// (partial lines, roll-over by rename, resuming at a saved position) on a real filesystem.
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACCESS_LOGGER, CADDY_LOGGING, renderCaddyConfig } from "@/server/daemon/ingress/caddy-config";
import { AccessLogFollower } from "@/server/daemon/metrics/access-log-follower";

describe("Caddy's access logger", () => {
  const opts = { domain: "localhost", httpPort: 8088, httpsPort: 8443, tlsIssuer: "internal" as const, adminSocket: "/a.sock" };
  const route = { appId: "a1", key: "web.shop.t", live: true, upstreams: ["http://127.0.0.1:4000"], domains: ["shop.example.com"], challenges: [], stopped: false };

  it("logs every server's requests to its own file, keeping Caddy's own log as it was", () => {
    const cfg = renderCaddyConfig([route], { ...opts, accessLog: "/data/caddy/access.log" }) as {
      logging: { logs: Record<string, { include?: string[]; exclude?: string[]; writer: Record<string, unknown>; encoder: { fields: Record<string, unknown> } }> };
      apps: { http: { servers: Record<string, { logs?: unknown }> } };
    };
    const name = `http.log.access.${ACCESS_LOGGER}`;
    for (const server of Object.values(cfg.apps.http.servers)) expect(server.logs).toEqual({ default_logger_name: ACCESS_LOGGER });
    expect(Object.keys(cfg.apps.http.servers).sort()).toEqual(["ingress", "ingress-tls"]);
    const { default: own, access } = cfg.logging.logs;
    expect(own).toEqual({ ...(CADDY_LOGGING.logs as { default: object }).default, exclude: [name] });
    expect(access!.include).toEqual([name]);
    expect(access!.writer).toMatchObject({ output: "file", filename: "/data/caddy/access.log", roll_keep: 1 });
    // Headers, URI and client address are not encoded (cost) nor kept (visitors' data).
    for (const f of ["request>headers", "request>uri", "request>remote_ip", "resp_headers"]) expect(access!.encoder.fields[f]).toEqual({ filter: "delete" });
    expect(access!.encoder.fields["request>host"]).toBeUndefined();
  });

  it("renders no access logger without an access-log file", () => {
    const cfg = renderCaddyConfig([route], opts) as { logging: unknown; apps: { http: { servers: Record<string, { logs?: unknown }> } } };
    expect(cfg.logging).toBe(CADDY_LOGGING);
    expect(cfg.apps.http.servers.ingress!.logs).toBeUndefined();
  });
});

describe("following the access log", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "slipway-access-"));
    file = path.join(dir, "access.log");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("hands out whole lines only, across roll-overs, and resumes at the saved position", () => {
    const f = new AccessLogFollower(file, null);
    expect(f.read()).toEqual([]);
    writeFileSync(file, "a\nb\npartial-é");
    expect(f.read()).toEqual(["a", "b"]);
    appendFileSync(file, "-done\nc\n");
    expect(f.read()).toEqual(["partial-é-done", "c"]);
    // Caddy rolls over: renames the file, writes more to it until it reopens, then a new one.
    renameSync(file, path.join(dir, "access-1.log"));
    appendFileSync(path.join(dir, "access-1.log"), "d\n");
    writeFileSync(file, "e\nf");
    expect(f.read()).toEqual(["d", "e"]);
    const saved = f.position();
    f.close();
    appendFileSync(file, "\ng\n");
    // A new follower (slipwayd restarted) from the saved position: nothing twice, nothing lost.
    const again = new AccessLogFollower(file, saved);
    expect(again.read()).toEqual(["f", "g"]);
    again.close();
    // The file rolled over while no one followed: the new one is read from its start.
    const pos = again.position();
    renameSync(file, path.join(dir, "access-2.log"));
    writeFileSync(file, "h\n");
    const third = new AccessLogFollower(file, pos);
    expect(third.read()).toEqual(["h"]);
    third.close();
  });
});
