// Every rollout ends: with v1 live, a v2 that crashes at start, runs out of memory, never answers
// its health check or listens on the wrong port ends FAILED with the reason (exit code, restarts,
// last log lines), its containers removed, while v1 serves every request through the ingress.
// A rollout that a newer release replaces ends SUPERSEDED, and a daemon killed mid-rollout keeps
// the original deadline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import type { Db } from "@/server/db";
import { ensureTestBaseImage, TEST_BASE_IMAGE } from "../../support/test-images";
import { createFixtureRepo, fixtureDockerfile, fixtureIndexHtml, type FixtureRepo } from "../../support/git-fixtures";
import {
  allowLocalGitSources,
  cleanupDaemonResources,
  createDaemon,
  createTestDatabase,
  ingressGet,
  makeDataDir,
  podmanIdsByLabel,
  queueBuild,
  seedApp,
  waitFor,
  waitForBuild,
  waitForReleaseStatus,
  type DaemonProcess,
  type SeededApp,
} from "../../support/daemon-harness";
import { servesVersion, watchIngress } from "../../support/ingress-watch";

const TEAM = `cl${Date.now().toString(36)}`;
const HEALTH_TIMEOUT_MS = 20_000;
let db: Db;
let daemon: DaemonProcess;
let repo: FixtureRepo;
let app: SeededApp;
let v1Id: string;

beforeAll(async () => {
  await ensureTestBaseImage();
  const dataDir = makeDataDir("crash-loop");
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  await allowLocalGitSources(db, true);
  repo = await createFixtureRepo({ version: "v1" });
  // memoryMib 64 (seedApp): the out-of-memory case allocates past it.
  app = await seedApp(db, { teamSlug: TEAM, gitUrl: repo.dir });
  daemon = await createDaemon({
    dataDir,
    databaseUrl: url,
    env: { SLIPWAY_HEALTH_TIMEOUT_MS: String(HEALTH_TIMEOUT_MS), SLIPWAY_CRASH_BACKOFF_MS: "500", SLIPWAY_CRASH_LOOP_LIMIT: "3" },
  });
  await daemon.start();
  const build = await waitForBuild(db, await queueBuild(db, app.appId));
  expect(build.status).toBe("SUCCEEDED");
  v1Id = (await db.release.findUniqueOrThrow({ where: { buildId: build.id } })).id;
  await waitForReleaseStatus(db, v1Id, ["LIVE"]);
}, 180_000);

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  await db?.$disconnect();
});

/** Requests v1 through the ingress every 100 ms until stopped; collects every answer that is not v1. */
const watchV1 = () => watchIngress(daemon.ingressPort, app.host, servesVersion("v1"), 100);

/** Commits `cmd` as v2's CMD, builds it and waits for its release to end. */
async function rollOut(cmd: string[], label: string, timeoutMs = HEALTH_TIMEOUT_MS + 30_000) {
  await repo.commitFiles(
    { Dockerfile: `FROM ${TEST_BASE_IMAGE}\nCMD ${JSON.stringify(cmd)}\n`, "index.html": fixtureIndexHtml(label) },
    label,
  );
  const build = await waitForBuild(db, await queueBuild(db, app.appId));
  expect(build.status).toBe("SUCCEEDED");
  const release = await db.release.findUniqueOrThrow({ where: { buildId: build.id } });
  const watcher = watchV1();
  const ended = await waitForReleaseStatus(db, release.id, ["FAILED", "LIVE", "SUPERSEDED"], timeoutMs);
  const endedAt = Date.now();
  // A little longer: v1 keeps serving after the failed release is cleaned up, too.
  await new Promise((r) => setTimeout(r, 1000));
  const traffic = await watcher.done();
  expect(traffic.requests).toBeGreaterThan(5);
  expect(traffic.bad).toEqual([]);
  await waitFor(`v2 (${label}) containers removed`, async () => (await podmanIdsByLabel(`slipway.release=${release.id}`)).length === 0, 20_000);
  const a = await db.app.findUniqueOrThrow({ where: { id: app.appId } });
  expect(a.liveReleaseId).toBe(v1Id);
  expect(a.targetReleaseId).toBe(v1Id);
  expect(ended.rolloutStartedAt).not.toBeNull();
  return { release: ended, elapsedMs: endedAt - ended.rolloutStartedAt!.getTime() };
}

describe("every rollout ends", () => {
  it("fails a release that crashes at start, naming the exit code, the restarts and its last line, well before the deadline", async () => {
    const { release, elapsedMs } = await rollOut(["sh", "-c", "echo 'starting v2'; echo 'cannot create /data' >&2; exit 3"], "crash-at-start");
    expect(release.status).toBe("FAILED");
    expect(release.statusReason).toContain("exited with code 3 after 2 restarts");
    expect(release.restartCount).toBe(2);
    expect(release.lastExitCode).toBe(3);
    // The last run's lines (only those: every run printed them), apart from the reason. Printed
    // to stdout and stderr at the same instant, their order is not the engine's to know.
    expect(release.lastLogLines?.split("\n").sort()).toEqual(["cannot create /data", "starting v2"]);
    expect(release.statusReason).not.toContain("cannot create /data");
    expect(elapsedMs).toBeLessThan(HEALTH_TIMEOUT_MS / 2);
  });

  it("fails a release that exceeds its memory limit, saying out of memory", async () => {
    const { release, elapsedMs } = await rollOut(["sh", "-c", "echo allocating; x=0123456789abcdef; while true; do x=\"$x$x\"; done"], "oom");
    expect(release.status).toBe("FAILED");
    expect(release.statusReason).toContain("out of memory (limit 64 MiB)");
    expect(release.lastLogLines).toBe("allocating");
    expect(release.lastExitOomKilled).toBe(true);
    expect(elapsedMs).toBeLessThan(HEALTH_TIMEOUT_MS);
  });

  it("fails a release whose health path never answers at the deadline", async () => {
    const { release, elapsedMs } = await rollOut(["sh", "-c", "echo 'listening, never answering'; exec nc -ll -p 8080 -e sleep 3600"], "no-answer");
    expect(release.status).toBe("FAILED");
    expect(release.statusReason).toContain("No replica answered GET / on port 8080");
    expect(release.statusReason).toContain("within 20 s");
    expect(release.lastLogLines).toBe("listening, never answering");
    expect(elapsedMs).toBeGreaterThanOrEqual(HEALTH_TIMEOUT_MS);
    expect(elapsedMs).toBeLessThan(HEALTH_TIMEOUT_MS + 5000);
  });

  it("fails a release that listens on the wrong port at the deadline, with the port to listen on", async () => {
    const { release, elapsedMs } = await rollOut(["sh", "-c", "echo 'httpd on 9999'; mkdir -p /tmp/www; exec httpd -f -p 9999 -h /tmp/www"], "wrong-port");
    expect(release.status).toBe("FAILED");
    expect(release.statusReason).toContain("listens on 0.0.0.0:8080");
    expect(release.statusReason).toContain("previous release keeps serving");
    expect(elapsedMs).toBeGreaterThanOrEqual(HEALTH_TIMEOUT_MS);
    expect(elapsedMs).toBeLessThan(HEALTH_TIMEOUT_MS + 5000);
  });

  it("marks a rolling-out release SUPERSEDED when a newer one is targeted", async () => {
    await repo.commitFiles(
      { Dockerfile: `FROM ${TEST_BASE_IMAGE}\nCMD ["sh", "-c", "exec nc -ll -p 8080 -e sleep 3600"]\n`, "index.html": fixtureIndexHtml("stuck") },
      "stuck",
    );
    const stuckBuild = await waitForBuild(db, await queueBuild(db, app.appId));
    const stuck = await db.release.findUniqueOrThrow({ where: { buildId: stuckBuild.id } });
    await waitForReleaseStatus(db, stuck.id, ["ROLLING_OUT"], 10_000);
    // The newer release is v1's content again: it goes live.
    await repo.commitFiles({ Dockerfile: fixtureDockerfile("v1"), "index.html": fixtureIndexHtml("v1") }, "v1 again");
    const next = await waitForBuild(db, await queueBuild(db, app.appId));
    const nextRelease = await db.release.findUniqueOrThrow({ where: { buildId: next.id } });
    const superseded = await waitForReleaseStatus(db, stuck.id, ["SUPERSEDED", "FAILED", "LIVE"], 10_000);
    expect(superseded.status).toBe("SUPERSEDED");
    expect(superseded.statusReason).toBe(`Replaced by v${nextRelease.version} before it went live`);
    await waitForReleaseStatus(db, nextRelease.id, ["LIVE"], 30_000);
    await waitFor("the superseded release's containers removed", async () => (await podmanIdsByLabel(`slipway.release=${stuck.id}`)).length === 0, 20_000);
    v1Id = nextRelease.id;
  });

  it("keeps a rollout's deadline across a daemon kill -9 and restart", async () => {
    // Crashes 8 s after each start: the deadline, not the crash limit, ends it.
    await repo.commitFiles(
      { Dockerfile: `FROM ${TEST_BASE_IMAGE}\nCMD ["sh", "-c", "echo 'up for 8 s'; sleep 8; echo 'giving up'; exit 4"]\n`, "index.html": fixtureIndexHtml("slow-crash") },
      "slow crash",
    );
    const build = await waitForBuild(db, await queueBuild(db, app.appId));
    const rel = await db.release.findUniqueOrThrow({ where: { buildId: build.id } });
    const rolling = await waitForReleaseStatus(db, rel.id, ["ROLLING_OUT"], 10_000);
    const startedAt = rolling.rolloutStartedAt!;
    expect(startedAt).not.toBeNull();
    await waitFor("v2's container", async () => (await podmanIdsByLabel(`slipway.release=${rel.id}`)).length === 1, 10_000);
    await daemon.kill("SIGKILL");
    // Down through the first crash.
    await new Promise((r) => setTimeout(r, 9000));
    await daemon.start();
    const ended = await waitForReleaseStatus(db, rel.id, ["FAILED", "LIVE"], HEALTH_TIMEOUT_MS + 20_000);
    const endedAt = Date.now();
    expect(ended.status).toBe("FAILED");
    expect(ended.rolloutStartedAt?.getTime()).toBe(startedAt.getTime());
    // Its first exit came while slipwayd was down: the engine restarted it (its policy keeps a
    // live release up without slipwayd), and the code comes from the engine's event log. The
    // deadline, not the crash limit, ends it.
    expect(ended.statusReason).toContain("did not become healthy within 20 s of its rollout start");
    expect(ended.statusReason).toContain("exited with code 4");
    expect(ended.lastLogLines?.split("\n")).toContain("giving up");
    expect(ended.restartCount).toBeGreaterThanOrEqual(1);
    expect(endedAt - startedAt.getTime()).toBeLessThan(HEALTH_TIMEOUT_MS + 5000);
    await waitFor("v2's containers removed", async () => (await podmanIdsByLabel(`slipway.release=${rel.id}`)).length === 0, 20_000);
    const live = await podmanIdsByLabel(`slipway.app=${app.appId}`);
    expect(live).toEqual(await podmanIdsByLabel(`slipway.release=${v1Id}`));
    expect(live).toHaveLength(1);
    const res = await ingressGet(daemon.ingressPort, app.host);
    expect(res.status).toBe(200);
    expect(res.body).toContain("version v1");
  });
});
