// A custom domain from start to finish on the real platform: the API (route handlers in this
// process) and a real slipwayd with its Caddy ingress share one database and data dir, and a DNS
// server on 127.0.0.1 answers for the hostname. Adding the domain makes the ingress answer its
// HTTP challenge (and nothing else: no traffic before the proof); the check fetches that answer
// through the ingress; once verified the app is served at the hostname over HTTPS (internal CA)
// with HTTP redirected; removing it stops that.
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/server/db";
import { ingressCaRootPath } from "@/server/daemon/ingress/caddy-paths";
import * as domainsRoute from "@/app/api/v1/apps/[appId]/domains/route";
import * as domainRoute from "@/app/api/v1/apps/[appId]/domains/[domainId]/route";
import * as verifyRoute from "@/app/api/v1/apps/[appId]/domains/[domainId]/verify/route";
import type { DomainDto } from "@/server/domains/constants";
import { call } from "../../support/api-harness";
import { startDnsServer, type DnsServer } from "../../support/dns-server";
import { FixtureFactory } from "../../support/fixtures-factory";
import { createFixtureRepo } from "../../support/git-fixtures";
import { ensureTestBaseImage } from "../../support/test-images";
import {
  allowLocalGitSources,
  cleanupDaemonResources,
  createDaemon,
  createTestDatabase,
  makeDataDir,
  queueBuild,
  seedApp,
  waitFor,
  waitForBuild,
  waitForReleaseStatus,
  type DaemonProcess,
  type SeededApp,
} from "../../support/daemon-harness";

const HOST = "shop.journey.example.test";
let daemon: DaemonProcess;
let dns: DnsServer;
let db: Db;
let app: SeededApp;
let cookie: string;

function request(opts: { tls?: boolean; port: number; path?: string }): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const common = { host: "127.0.0.1", port: opts.port, path: opts.path ?? "/", headers: { host: HOST }, agent: false as const, timeout: 5000 };
    const onRes = (res: http.IncomingMessage) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    };
    const req = opts.tls ? https.request({ ...common, servername: HOST, ca: readFileSync(ingressCaRootPath(daemon.dataDir)) }, onRes) : http.request(common, onRes);
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

const setPrivateHosts = (allowed: boolean) =>
  db.platformSettings.upsert({ where: { id: "platform" }, create: { allowPrivateGitHosts: allowed }, update: { allowPrivateGitHosts: allowed } });

beforeAll(async () => {
  await ensureTestBaseImage();
  const dataDir = makeDataDir("domains");
  const database = await createTestDatabase(path.join(dataDir, "test.db"));
  await allowLocalGitSources(database.db, true);
  const repo = await createFixtureRepo({ version: "v1" });
  app = await seedApp(database.db, { teamSlug: `dj${Date.now().toString(36)}`, gitUrl: repo.dir });
  await database.db.$disconnect();
  dns = await startDnsServer({ [HOST]: { A: [["127.0.0.1"]] } });
  daemon = await createDaemon({ dataDir, databaseUrl: database.url, env: { SLIPWAY_TLS_ISSUER: "internal" } });
  await daemon.start();

  // The web side, in this process: same database and data dir as slipwayd (so its nudges arrive),
  // checks asking the test's DNS server and fetching HTTP proofs from the ingress's port.
  Object.assign(process.env, {
    SLIPWAY_DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    SLIPWAY_DAEMON_PORT: String(daemon.apiPort),
    SLIPWAY_DNS_RESOLVER: dns.address,
    SLIPWAY_DOMAIN_HTTP_PORT: String(daemon.ingressPort),
    SLIPWAY_API_MUTATIONS_PER_MINUTE: "100000",
  });
  const { resetEnvForTests } = await import("@/server/env");
  const { getDb, setDbForTests } = await import("@/server/db");
  resetEnvForTests();
  setDbForTests(undefined);
  db = getDb();
  const factory = new FixtureFactory(db, { gitUrl: repo.fileUrl });
  const user = await factory.user({ teamId: app.teamId, role: "DEVELOPER" });
  cookie = await factory.sessionCookie(user.id);

  const build = await waitForBuild(db, await queueBuild(db, app.appId));
  expect(build.status, build.error ?? "").toBe("SUCCEEDED");
  await waitForReleaseStatus(db, (await db.release.findUniqueOrThrow({ where: { buildId: build.id } })).id, ["LIVE"]);
}, 240_000);

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  await dns?.close();
  for (const k of ["SLIPWAY_DNS_RESOLVER", "SLIPWAY_DOMAIN_HTTP_PORT"]) delete process.env[k];
  await db?.$disconnect();
});

describe("custom domain journey (API, slipwayd, Caddy)", () => {
  let domain: DomainDto;

  it("a pending domain answers only its challenge; the HTTP check proves it through the ingress", async () => {
    const added = await call(domainsRoute.POST, "POST", `/api/v1/apps/${app.appId}/domains`, { cookie, params: { appId: app.appId }, body: { hostname: HOST } });
    expect(added.status, JSON.stringify(added.json)).toBe(201);
    domain = added.json as DomainDto;

    const challengePath = `/.well-known/slipway-challenge/${domain.id}`;
    const proof = await waitFor("the ingress to answer the challenge", async () => {
      const r = await request({ port: daemon.ingressPort, path: challengePath });
      return r.status === 200 ? r : null;
    }, 15_000, 100);
    expect(proof.body.trim()).toBe(domain.txtRecord.value);
    // No traffic to the app before the proof.
    expect((await request({ port: daemon.ingressPort })).status).toBe(404);
    await expect(request({ tls: true, port: daemon.ingressHttpsPort })).rejects.toThrow();

    const params = { appId: app.appId, domainId: domain.id };
    const url = `/api/v1/apps/${app.appId}/domains/${domain.id}/verify`;
    await setPrivateHosts(false);
    const refused = await call(verifyRoute.POST, "POST", url, { cookie, params, body: { method: "http" } });
    expect(refused.status).toBe(422);
    expect(refused.json.error.message).toContain("loopback, private or metadata address");

    await setPrivateHosts(true);
    const verified = await call(verifyRoute.POST, "POST", url, { cookie, params, body: {} });
    expect(verified.status, JSON.stringify(verified.json)).toBe(200);
    expect(verified.json.status).toBe("verified");
    expect(await db.auditEvent.count({ where: { action: "domain.verify", targetId: domain.id, data: { contains: '"method":"http"' } } })).toBe(1);
  }, 60_000);

  it("a verified domain serves the app over HTTPS from the internal CA and redirects HTTP", async () => {
    const tls = await waitFor("the app at the custom domain over HTTPS", async () => {
      const r = await request({ tls: true, port: daemon.ingressHttpsPort }).catch(() => null);
      return r?.status === 200 ? r : null;
    }, 30_000, 250);
    expect(tls.body).toContain("version v1");
    const plain = await request({ port: daemon.ingressPort, path: "/x" });
    expect(plain.status).toBe(308);
    expect(plain.headers.location).toBe(`https://${HOST}:${daemon.ingressHttpsPort}/x`);
  }, 60_000);

  it("removing the domain stops serving it", async () => {
    const res = await call(domainRoute.DELETE, "DELETE", `/api/v1/apps/${app.appId}/domains/${domain.id}`, { cookie, params: { appId: app.appId, domainId: domain.id } });
    expect(res.status).toBe(204);
    await waitFor("the ingress to forget the domain", async () => (await request({ port: daemon.ingressPort })).status === 404, 15_000, 100);
    // Caddy may still hold the certificate; what matters is that the app is no longer behind it.
    const tls = await request({ tls: true, port: daemon.ingressHttpsPort }).catch(() => null);
    expect(tls?.body ?? "").not.toContain("version v1");
  }, 30_000);
});
