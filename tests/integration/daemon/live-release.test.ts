// The live release after its rollout, against the real engine: a rolling restart replaces every
// replica one at a time without dropping a request; stop runs nothing (the ingress says so) and
// start brings the app back; a release that crashes 10 s after it went live is restarted with
// backoff and, crashing again within the window, rolled back to the previous release, which
// serves again; with auto-rollback off the app shows "crashing" and recovers once it stays up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import type { Db } from "@/server/db";
import { ensureTestBaseImage, TEST_BASE_IMAGE } from "../../support/test-images";
import { createFixtureRepo, fixtureIndexHtml, type FixtureRepo } from "../../support/git-fixtures";
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
import { servesVersion, watchIngress } from "../../support/ingress-watch";

const TEAM = `lr${Date.now().toString(36)}`;
let db: Db;
let daemon: DaemonProcess;
let repo: FixtureRepo;
let app: SeededApp;
let v1Id: string;

const containersOf = (releaseId: string) => podmanIdsByLabel(`slipway.release=${releaseId}`);
const generationOf = async (id: string) => Number(((await podmanInspect(id)) as { Config: { Labels: Record<string, string> } }).Config.Labels["slipway.generation"]);

/** Commits a Dockerfile running `script` (sh) next to the fixture page of `version`, builds it, returns its release. */
async function deploy(version: string, script: string) {
  await repo.commitFiles(
    { Dockerfile: `FROM ${TEST_BASE_IMAGE}\nRUN mkdir -p /www\nCOPY index.html /www/index.html\nCMD ["sh", "-c", ${JSON.stringify(script)}]\n`, "index.html": fixtureIndexHtml(version) },
    version,
  );
  const build = await waitForBuild(db, await queueBuild(db, app.appId));
  expect(build.status, build.error ?? "").toBe("SUCCEEDED");
  return db.release.findUniqueOrThrow({ where: { buildId: build.id } });
}

const SERVE = "exec httpd -f -p 8080 -h /www";

beforeAll(async () => {
  await ensureTestBaseImage();
  const dataDir = makeDataDir("live-release");
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  await allowLocalGitSources(db, true);
  repo = await createFixtureRepo({ version: "v1" });
  app = await seedApp(db, { teamSlug: TEAM, gitUrl: repo.dir, replicas: 2 });
  daemon = await createDaemon({
    dataDir,
    databaseUrl: url,
    env: {
      SLIPWAY_HEALTH_TIMEOUT_MS: "20000",
      SLIPWAY_CRASH_BACKOFF_MS: "500",
      SLIPWAY_CRASH_BACKOFF_MAX_MS: "2000",
      // Longer than v2's 10 s between crashes: its streak goes on; v3 stays up past it and recovers.
      SLIPWAY_CRASH_RECOVERED_AFTER_MS: "15000",
      SLIPWAY_CRASH_LOOP_LIMIT: "3",
      SLIPWAY_DRAIN_MS: "1000",
    },
  });
  await daemon.start();
  const build = await waitForBuild(db, await queueBuild(db, app.appId));
  expect(build.status).toBe("SUCCEEDED");
  v1Id = (await db.release.findUniqueOrThrow({ where: { buildId: build.id } })).id;
  await waitForReleaseStatus(db, v1Id, ["LIVE"]);
  await waitFor("v1 served", async () => servesVersion("v1")(await ingressGet(daemon.ingressPort, app.host)));
}, 180_000);

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  await db?.$disconnect();
});

describe("the live release", () => {
  it("restarts every replica one at a time without dropping a request", async () => {
    const before = await containersOf(v1Id);
    expect(before).toHaveLength(2);
    const watch = watchIngress(daemon.ingressPort, app.host, servesVersion("v1"));
    await db.app.update({ where: { id: app.appId }, data: { restartGeneration: { increment: 1 } } });
    await waitFor(
      "both replicas replaced by generation 1",
      async () => {
        const now = await containersOf(v1Id);
        if (now.length !== 2 || now.some((id) => before.includes(id))) return false;
        return (await Promise.all(now.map(generationOf))).every((g) => g === 1);
      },
      90_000,
    );
    const traffic = await watch.done();
    expect(traffic.requests).toBeGreaterThan(20);
    expect(traffic.bad).toEqual([]);
    expect((await db.release.findUniqueOrThrow({ where: { id: v1Id } })).status).toBe("LIVE");
  }, 120_000);

  it("stops the app (nothing runs, the ingress says it is stopped) and starts it again", async () => {
    await db.app.update({ where: { id: app.appId }, data: { stopped: true } });
    await waitFor("no container left", async () => (await containersOf(v1Id)).length === 0, 30_000);
    const stopped = await waitFor("the ingress answers 503", async () => {
      const res = await ingressGet(daemon.ingressPort, app.host);
      return res.status === 503 ? res : null;
    });
    expect(stopped.body).toMatch(/stopped/i);
    await db.app.update({ where: { id: app.appId }, data: { stopped: false } });
    await waitFor("v1 serves again", async () => servesVersion("v1")(await ingressGet(daemon.ingressPort, app.host)), 60_000);
    expect(await containersOf(v1Id)).toHaveLength(2);
  }, 120_000);

  it("rolls a release that crashes 10 s after going live back to the previous release, saying why", async () => {
    const v2 = await deploy("v2", `${SERVE.replace("exec ", "")} & sleep 10; echo 'lost the database connection' >&2; exit 3`);
    await waitForReleaseStatus(db, v2.id, ["LIVE"], 60_000);
    const failed = await waitForReleaseStatus(db, v2.id, ["FAILED"], 120_000).catch((e: unknown) => {
      throw new Error(`${String(e)}\nslipwayd said:\n${daemon.output().slice(-6000)}`);
    });
    // Both replicas crash about together: each exit seen counts.
    expect(failed.statusReason).toMatch(/Crashed \d+ times within 5 min of going live/);
    expect(failed.statusReason).toContain("exited with code 3");
    expect(failed.statusReason).toContain("rolled back to v1");
    // What it printed is kept apart from the reason, as printed.
    expect(failed.statusReason).not.toContain("lost the database connection");
    expect(failed.lastLogLines?.split("\n")).toContain("lost the database connection");
    await waitForReleaseStatus(db, v1Id, ["LIVE"], 60_000);
    await waitFor("v1 serves again", async () => servesVersion("v1")(await ingressGet(daemon.ingressPort, app.host)), 60_000);
    const a = await db.app.findUniqueOrThrow({ where: { id: app.appId } });
    expect(a.liveReleaseId).toBe(v1Id);
    await waitFor("v2's containers removed", async () => (await containersOf(v2.id)).length === 0, 30_000);
    const kinds = (await db.appEvent.findMany({ where: { appId: app.appId }, orderBy: { createdAt: "asc" } })).map((e) => `${e.kind}:${e.releaseId === v2.id ? "v2" : "v1"}`);
    expect(kinds).toEqual(expect.arrayContaining(["deployed:v2", "crashed:v2", "auto_rolled_back:v2", "deployed:v1"]));
    expect(kinds.indexOf("auto_rolled_back:v2")).toBeLessThan(kinds.lastIndexOf("deployed:v1"));
  }, 240_000);

  it("with auto-rollback off, shows a crashing live release and marks it recovered once it stays up", async () => {
    await db.app.update({ where: { id: app.appId }, data: { autoRollback: false } });
    // Crashes twice (the writable layer keeps its marks across restarts), then serves.
    const v3 = await deploy(
      "v3",
      `n=$(cat /tmp/runs 2>/dev/null || echo 0); echo $((n+1)) > /tmp/runs; if [ "$n" -ge 2 ]; then ${SERVE}; fi; httpd -f -p 8080 -h /www & sleep 4; echo "run $n gives up" >&2; exit 5`,
    );
    await waitForReleaseStatus(db, v3.id, ["LIVE"], 60_000);
    const crashing = await waitFor("v3 crashing", async () => {
      const r = await db.release.findUniqueOrThrow({ where: { id: v3.id } });
      return r.crashingSince ? r : null;
    }, 60_000);
    expect(crashing.lastExitCode).toBe(5);
    expect(crashing.lastLogLines).toContain("gives up");
    await waitFor("v3 recovered", async () => {
      const r = await db.release.findUniqueOrThrow({ where: { id: v3.id } });
      return r.crashingSince === null && r.liveRestartCount === 0 ? r : null;
    }, 90_000);
    const r = await db.release.findUniqueOrThrow({ where: { id: v3.id } });
    expect(r.status).toBe("LIVE");
    const events = await db.appEvent.findMany({ where: { appId: app.appId, releaseId: v3.id }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(["crashed", "recovered"]));
    expect(events.find((e) => e.kind === "crashed")!.message).toContain("exited with code 5");
    await waitFor("v3 serves", async () => servesVersion("v3")(await ingressGet(daemon.ingressPort, app.host)), 30_000);
  }, 240_000);
});
