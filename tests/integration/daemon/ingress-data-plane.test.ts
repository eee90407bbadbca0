// The data plane outlives the control plane: apps are served by a Caddy process of its own, which
// keeps serving while slipwayd is SIGKILLed and restarted, switches releases without dropping a
// request (a long request on the old replica completes), comes back by itself when it dies, and
// serves verified custom domains over HTTPS from its internal CA. Real Caddy, real Podman.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import type { Db } from "@/server/db";
import { adminRequest } from "@/server/daemon/ingress/caddy-admin";
import { caddyPaths, ingressCaRootPath } from "@/server/daemon/ingress/caddy-paths";
import { caddyPid } from "@/server/daemon/ingress/caddy-process";
import { ensureTestBaseImage, TEST_BASE_IMAGE } from "../../support/test-images";
import { createFixtureRepo, fixtureIndexHtml, type FixtureRepo } from "../../support/git-fixtures";
import { startIngressLoad } from "../../support/ingress-load";
import {
  allowLocalGitSources,
  cleanupDaemonResources,
  createDaemon,
  createTestDatabase,
  ingressGet,
  makeDataDir,
  podmanIdsByLabel,
  podmanInspect,
  queueBuild,
  seedApp,
  waitFor,
  waitForBuild,
  waitForReleaseStatus,
  type DaemonProcess,
  type SeededApp,
} from "../../support/daemon-harness";

const TEAM = `dp${Date.now().toString(36)}`;
let db: Db;
let daemon: DaemonProcess;
let repo: FixtureRepo;
let app: SeededApp;

/**
 * The fixture app plus /cgi-bin/slow, which answers after 2 s (a long request to keep in flight);
 * `startDelay` seconds pass before it listens (a rollout that is not healthy at once).
 */
async function commitApp(version: string, startDelay = 0): Promise<void> {
  await repo.commitFiles(
    {
      Dockerfile: [
        `FROM ${TEST_BASE_IMAGE}`,
        "COPY index.html /www/index.html",
        "COPY slow /www/cgi-bin/slow",
        "RUN chmod 755 /www/cgi-bin/slow",
        "EXPOSE 8080",
        `CMD ["sh", "-c", "sleep ${startDelay}; exec httpd -f -p 8080 -h /www"]`,
        "",
      ].join("\n"),
      "index.html": fixtureIndexHtml(version),
      slow: `#!/bin/sh\nsleep 2\nprintf 'Content-Type: text/plain\\r\\n\\r\\nslow ${version}\\n'\n`,
    },
    `version ${version}`,
  );
}

async function deploy(): Promise<string> {
  const build = await waitForBuild(db, await queueBuild(db, app.appId));
  expect(build.status, build.error ?? "").toBe("SUCCEEDED");
  const release = await db.release.findUniqueOrThrow({ where: { buildId: build.id } });
  await waitForReleaseStatus(db, release.id, ["LIVE"]);
  return release.id;
}

/** The HTTP app's routes as Caddy runs them (its admin API). */
async function caddyRoutes(): Promise<unknown> {
  return JSON.parse(await adminRequest(caddyPaths(daemon.dataDir).adminSocket, "GET", "/config/apps/http/servers"));
}

function request(opts: { tls?: boolean; port: number; host: string; path?: string }): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const common = { host: "127.0.0.1", port: opts.port, path: opts.path ?? "/", headers: { host: opts.host }, agent: false as const, timeout: 5000 };
    const onRes = (res: http.IncomingMessage) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    };
    const req = opts.tls
      ? https.request({ ...common, servername: opts.host, ca: readFileSync(ingressCaRootPath(daemon.dataDir)) }, onRes)
      : http.request(common, onRes);
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  await ensureTestBaseImage();
  const dataDir = makeDataDir("data-plane");
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  await allowLocalGitSources(db, true);
  repo = await createFixtureRepo({ version: "v0" });
  await commitApp("v1");
  app = await seedApp(db, { teamSlug: TEAM, gitUrl: repo.dir, replicas: 2 });
  daemon = await createDaemon({ dataDir, databaseUrl: url, env: { SLIPWAY_BUILD_LEASE_MS: "5000" } });
  await daemon.start();
  await deploy();
}, 240_000);

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  await db?.$disconnect();
});

describe("ingress data plane (Caddy)", () => {
  it("serves the app through a Caddy process of its own", async () => {
    const res = await request({ port: daemon.ingressPort, host: app.host });
    expect(res.status).toBe(200);
    expect(res.body).toContain("version v1");
    expect(res.headers.server).toBe("Caddy");
    const pid = caddyPid(daemon.dataDir);
    expect(pid).toBeGreaterThan(0);
    // Its own session and process group: a signal to slipwayd's group spares it.
    const stat = (p: number) => readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]!.split(" ");
    expect(stat(pid!)[2]).not.toBe(stat(daemon.child!.pid!)[2]);
    expect((await ingressGet(daemon.ingressPort, `nope.shop.${TEAM}.localhost`)).body).toContain("no app at this address");
  });

  it("drops no request while slipwayd is SIGKILLed and restarted, and keeps exactly the same routes", async () => {
    const before = await caddyRoutes();
    const pid = caddyPid(daemon.dataDir);
    const load = startIngressLoad({ port: daemon.ingressPort, host: app.host, rps: 100, expect: /version v1/ });
    await new Promise((r) => setTimeout(r, 1500));
    await daemon.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 1500));
    await daemon.start();
    await new Promise((r) => setTimeout(r, 2000));
    const result = await load.stop();
    expect(result.failures).toEqual([]);
    expect(result.failed).toBe(0);
    expect(result.ok).toBeGreaterThan(300);
    // The same Caddy, adopted, with the same routes.
    expect(caddyPid(daemon.dataDir)).toBe(pid);
    expect(await caddyRoutes()).toEqual(before);
  }, 60_000);

  it("comes back with its routes when Caddy itself dies", async () => {
    const before = await caddyRoutes();
    const pid = caddyPid(daemon.dataDir)!;
    process.kill(pid, "SIGKILL");
    const next = await waitFor("a new caddy", async () => {
      const p = caddyPid(daemon.dataDir);
      return p && p !== pid ? p : null;
    }, 15_000, 100);
    expect(next).not.toBe(pid);
    await waitFor("the app served again", async () => (await ingressGet(daemon.ingressPort, app.host)).body.includes("version v1"), 15_000, 100);
    expect(await caddyRoutes()).toEqual(before);
  }, 30_000);

  it("serves a verified custom domain over HTTPS from the internal CA, redirects its HTTP and answers a pending challenge", async () => {
    const verified = "shop.example.test";
    const pending = "pending.example.test";
    const now = new Date();
    await db.domain.create({ data: { teamId: app.teamId, appId: app.appId, hostname: verified, verificationToken: "tok-verified", verifiedAt: now, verifiedHostname: verified } });
    const challenge = await db.domain.create({ data: { teamId: app.teamId, appId: app.appId, hostname: pending, verificationToken: "tok-pending-123" } });

    const tls = await waitFor(
      "the custom domain over HTTPS",
      async () => {
        const r = await request({ tls: true, port: daemon.ingressHttpsPort, host: verified });
        return r.status === 200 ? r : null;
      },
      30_000,
      250,
    );
    expect(tls.body).toContain("version v1");

    const plain = await request({ port: daemon.ingressPort, host: verified, path: "/a?b=1" });
    expect(plain.status).toBe(308);
    expect(plain.headers.location).toBe(`https://${verified}:${daemon.ingressHttpsPort}/a?b=1`);

    const proof = await request({ port: daemon.ingressPort, host: pending, path: `/.well-known/slipway-challenge/${challenge.id}` });
    expect(proof.status).toBe(200);
    expect(proof.body).toBe("tok-pending-123");
    // A pending domain is not routed to the app, over HTTP or HTTPS.
    expect((await request({ port: daemon.ingressPort, host: pending })).status).toBe(404);
    await expect(request({ tls: true, port: daemon.ingressHttpsPort, host: pending })).rejects.toThrow();
    // The app's own hostname stays plain HTTP.
    expect((await request({ port: daemon.ingressPort, host: app.host })).status).toBe(200);
  }, 60_000);

  it("switches to a new release under load without a failed request, finishing a long request on the old replica", async () => {
    await commitApp("v2");
    const load = startIngressLoad({ port: daemon.ingressPort, host: app.host, rps: 100, expect: /version v[12]/, mark: /version v2/ });
    // Slow requests, one every 250 ms: some are in flight on the old replicas when traffic switches.
    const slow: { start: number; end: number; body: string; status: number }[] = [];
    const slowErrors: string[] = [];
    let slowOn = true;
    const slowLoop = (async () => {
      const pending: Promise<void>[] = [];
      while (slowOn) {
        const start = Date.now();
        pending.push(
          ingressGet(daemon.ingressPort, app.host, "/cgi-bin/slow", 15_000).then(
            (r) => void slow.push({ start, end: Date.now(), body: r.body.trim(), status: r.status }),
            (e: unknown) => void slowErrors.push(String(e)),
          ),
        );
        await new Promise((r) => setTimeout(r, 250));
      }
      await Promise.all(pending);
    })();
    await deploy();
    await waitFor("v2 served", async () => load.result.firstMarkAt !== null, 30_000, 100);
    // Past the drain of the old replicas.
    await new Promise((r) => setTimeout(r, 6000));
    slowOn = false;
    await slowLoop;
    const result = await load.stop();
    expect(result.failures).toEqual([]);
    expect(result.failed).toBe(0);
    expect(slowErrors).toEqual([]);
    expect(slow.filter((s) => s.status !== 200)).toEqual([]);
    const switchedAt = result.firstMarkAt!;
    const spanning = slow.filter((s) => s.body === "slow v1" && s.start < switchedAt && s.end > switchedAt);
    expect(spanning.length).toBeGreaterThan(0);
    expect((await ingressGet(daemon.ingressPort, app.host)).body).toContain("version v2");
  }, 240_000);

  it("drops no request when slipwayd, restarted mid-rollout, promotes in its very first reconcile", async () => {
    await commitApp("v3", 4);
    const load = startIngressLoad({ port: daemon.ingressPort, host: app.host, rps: 100, expect: /version v[23]/, mark: /version v3/ });
    const build = await waitForBuild(db, await queueBuild(db, app.appId));
    const release = await db.release.findUniqueOrThrow({ where: { buildId: build.id } });
    // The new replicas run (they outlive slipwayd) but listen only after 4 s: kill slipwayd
    // before they can be promoted.
    await waitFor(
      "the new release's replicas running",
      async () => {
        const ids = await podmanIdsByLabel(`slipway.release=${release.id}`);
        if (ids.length !== 2) return false;
        const states = await Promise.all(ids.map(async (id) => ((await podmanInspect(id)) as { State: { Running: boolean } }).State.Running));
        return states.every(Boolean);
      },
      60_000,
      50,
    );
    await daemon.kill("SIGKILL");
    expect((await db.release.findUniqueOrThrow({ where: { id: release.id } })).status).not.toBe("LIVE");
    // Healthy by the time slipwayd is back: its first tick finds the rollout ready to promote.
    await new Promise((r) => setTimeout(r, 5000));
    await daemon.start();
    await waitForReleaseStatus(db, release.id, ["LIVE"], 60_000);
    await waitFor("v3 served", async () => load.result.firstMarkAt !== null, 30_000, 100);
    await new Promise((r) => setTimeout(r, 2000));
    const result = await load.stop();
    expect(result.failures).toEqual([]);
    expect(result.failed).toBe(0);
  }, 180_000);
});
