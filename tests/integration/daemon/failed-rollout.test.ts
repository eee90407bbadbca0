// A release that builds but never becomes healthy must fail with an actionable reason, be
// cleaned up, and leave the previous release serving. Also checks that the app's sealed env
// reaches the container.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Db } from "@/server/db";
import { resetEnvForTests } from "@/server/env";
import { sealJson } from "@/server/crypto/secret-box";
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

const TEAM = `fr${Date.now().toString(36)}`;
const SECRET_KEY = randomBytes(32).toString("hex");
let db: Db;
let daemon: DaemonProcess;
let repo: FixtureRepo;
let app: SeededApp;

beforeAll(async () => {
  await ensureTestBaseImage();
  // The test seals the env with the same key the daemon opens it with.
  process.env.SLIPWAY_SECRET_KEY = SECRET_KEY;
  resetEnvForTests();
  const dataDir = makeDataDir("failed-rollout");
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  await allowLocalGitSources(db, true);
  repo = await createFixtureRepo({ version: "v1" });
  app = await seedApp(db, { teamSlug: TEAM, gitUrl: repo.dir, envEncrypted: sealJson({ GREETING: "hello from slipway" }) });
  daemon = await createDaemon({ dataDir, databaseUrl: url, env: { SLIPWAY_HEALTH_TIMEOUT_MS: "5000", SLIPWAY_SECRET_KEY: SECRET_KEY } });
  await daemon.start();
});

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  await db?.$disconnect();
});

describe("a release that never gets healthy", () => {
  it("passes the decrypted env to the containers of a good release", async () => {
    const build = await waitForBuild(db, await queueBuild(db, app.appId));
    const release = await db.release.findUniqueOrThrow({ where: { buildId: build.id } });
    await waitForReleaseStatus(db, release.id, ["LIVE"]);
    const [id] = await podmanIdsByLabel(`slipway.app=${app.appId}`);
    const info = (await podmanInspect(id!)) as { Config: { Env: string[] } };
    expect(info.Config.Env).toContain("GREETING=hello from slipway");
  });

  it("is marked FAILED with what to do, removed, and the live release keeps serving", async () => {
    const before = await db.app.findUniqueOrThrow({ where: { id: app.appId } });
    await repo.commitFiles(
      {
        // Listens on the wrong port: the container runs, but the health check never answers.
        Dockerfile: `FROM ${TEST_BASE_IMAGE}\nCOPY index.html /www/index.html\nCMD ["httpd", "-f", "-p", "9999", "-h", "/www"]\n`,
        "index.html": fixtureIndexHtml("v2-wrong-port"),
      },
      "listen on the wrong port",
    );
    const build = await waitForBuild(db, await queueBuild(db, app.appId));
    expect(build.status).toBe("SUCCEEDED");
    const release = await db.release.findUniqueOrThrow({ where: { buildId: build.id } });
    const failed = await waitForReleaseStatus(db, release.id, ["FAILED", "LIVE"], 60_000);
    expect(failed.status).toBe("FAILED");
    expect(failed.statusReason).toContain("listens on 0.0.0.0:8080");
    expect(failed.statusReason).toContain("previous release keeps serving");
    const after = await db.app.findUniqueOrThrow({ where: { id: app.appId } });
    expect(after.liveReleaseId).toBe(before.liveReleaseId);
    expect(after.targetReleaseId).toBe(before.liveReleaseId);
    await waitFor("failed release's containers removed", async () => (await podmanIdsByLabel(`slipway.release=${release.id}`)).length === 0, 20_000);
    const res = await ingressGet(daemon.ingressPort, app.host);
    expect(res.status).toBe(200);
    expect(res.body).toContain("version v1");
  });
});
