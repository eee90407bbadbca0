// slipwayd is run as a real child process and killed with SIGKILL at awkward moments; after a
// restart the app must still serve from the same containers, and an interrupted build must be
// retried exactly once into exactly one release.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import type { Db } from "@/server/db";
import { ensureTestBaseImage } from "../../support/test-images";
import { createFixtureRepo, type FixtureRepo } from "../../support/git-fixtures";
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

const TEAM = `rs${Date.now().toString(36)}`;
let db: Db;
let daemon: DaemonProcess;
let repo: FixtureRepo;
let app: SeededApp;

const appContainers = () => podmanIdsByLabel(`slipway.app=${app.appId}`);

beforeAll(async () => {
  await ensureTestBaseImage();
  const dataDir = makeDataDir("restart");
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  await allowLocalGitSources(db, true);
  repo = await createFixtureRepo({ version: "v1" });
  app = await seedApp(db, { teamSlug: TEAM, gitUrl: repo.dir, replicas: 2 });
  // A short lease so a build orphaned by SIGKILL is retried within the test's patience.
  daemon = await createDaemon({ dataDir, databaseUrl: url, env: { SLIPWAY_BUILD_LEASE_MS: "3000" } });
  await daemon.start();
});

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  await db?.$disconnect();
});

describe("slipwayd restart safety", () => {
  it("keeps serving from the same containers after kill -9 and restart", async () => {
    const build = await waitForBuild(db, await queueBuild(db, app.appId));
    expect(build.status).toBe("SUCCEEDED");
    const release = await db.release.findUniqueOrThrow({ where: { buildId: build.id } });
    await waitForReleaseStatus(db, release.id, ["LIVE"]);
    expect((await ingressGet(daemon.ingressPort, app.host)).body).toContain("version v1");
    const before = await appContainers();
    expect(before).toHaveLength(2);

    await daemon.kill("SIGKILL");
    // The workload does not depend on the daemon process.
    for (const id of before) expect(((await podmanInspect(id)) as { State: { Running: boolean } }).State.Running).toBe(true);
    // Nor does the ingress: it is a Caddy process of its own, serving the routes it had.
    expect((await ingressGet(daemon.ingressPort, app.host, "/", 1000)).body).toContain("version v1");

    await daemon.start();
    const first = await ingressGet(daemon.ingressPort, app.host);
    expect(first.status).toBe(200);
    expect(first.body).toContain("version v1");
    // Several reconcile ticks later: nothing was started twice, nothing replaced.
    await new Promise((r) => setTimeout(r, 5000));
    expect(await appContainers()).toEqual(before);
    expect((await db.release.findUniqueOrThrow({ where: { id: release.id } })).status).toBe("LIVE");
  });

  it("retries a build whose daemon was killed mid-build, making exactly one release", async () => {
    await repo.commitVersion("v2");
    const buildId = await queueBuild(db, app.appId);
    await waitFor("build claimed", async () => (await db.build.findUniqueOrThrow({ where: { id: buildId } })).status === "RUNNING", 30_000, 50);
    await daemon.kill("SIGKILL");
    const orphaned = await db.build.findUniqueOrThrow({ where: { id: buildId } });
    expect(orphaned.status).toBe("RUNNING");
    expect(orphaned.attempts).toBe(1);

    await daemon.start();
    const build = await waitForBuild(db, buildId, 120_000);
    expect(build.error).toBeNull();
    expect(build.status).toBe("SUCCEEDED");
    expect(build.attempts).toBe(2);
    const releases = await db.release.findMany({ where: { appId: app.appId }, orderBy: { version: "asc" } });
    expect(releases.map((r) => r.version)).toEqual([1, 2]);
    await waitForReleaseStatus(db, releases[1]!.id, ["LIVE"]);
    await waitFor("v2 served", async () => (await ingressGet(daemon.ingressPort, app.host)).body.includes("version v2"), 30_000);
    await waitFor("exactly the new replicas", async () => {
      const ids = await appContainers();
      return ids.length === 2 ? ids : null;
    }, 30_000);
    const lines = (await db.buildLogLine.findMany({ where: { buildId } })).map((l) => l.line);
    expect(lines.some((l) => l.includes("attempt 2"))).toBe(true);
  });
});
