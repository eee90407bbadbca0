// slipwayd killed with -9 at each phase of a rollout — new containers starting, their health being
// checked, the old ones draining — and started again: the rollout completes with exactly one
// container per replica, the old release's containers are gone, and the ingress (its own process)
// answered every request throughout, the kill included.
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
import { watchIngress } from "../../support/ingress-watch";

const TEAM = `kp${Date.now().toString(36)}`;
const REPLICAS = 2;
let db: Db;
let daemon: DaemonProcess;
let repo: FixtureRepo;
let app: SeededApp;
let version = 1;

const containersOf = (releaseId: string) => podmanIdsByLabel(`slipway.release=${releaseId}`);
const stateOf = async (id: string) => ((await podmanInspect(id)) as { State: { Status: string } }).State.Status;
const replicaOf = async (id: string) => ((await podmanInspect(id)) as { Config: { Labels: Record<string, string> } }).Config.Labels["slipway.replica"];

/** A version of the fixture that takes 3 s to listen: long enough to be killed while it starts. */
async function buildVersion(v: number) {
  await repo.commitFiles(
    {
      Dockerfile: `FROM ${TEST_BASE_IMAGE}\nRUN mkdir -p /www\nCOPY index.html /www/index.html\nCMD ["sh", "-c", "sleep 3; exec httpd -f -p 8080 -h /www"]\n`,
      "index.html": fixtureIndexHtml(`v${v}`),
    },
    `v${v}`,
  );
  const build = await waitForBuild(db, await queueBuild(db, app.appId));
  expect(build.status, build.error ?? "").toBe("SUCCEEDED");
  return db.release.findUniqueOrThrow({ where: { buildId: build.id } });
}

/** Any version of the app answering 200: the old one until the switch, the new one after. */
const answered = (res: { status: number; body: string }) => res.status === 200 && /version v\d+/.test(res.body);

/** Deploys the next version, kills slipwayd -9 once `phase` holds, restarts it, and checks the end state. */
async function killDuring(phase: (releaseId: string, oldId: string) => Promise<boolean>) {
  const old = await db.app.findUniqueOrThrow({ where: { id: app.appId } });
  const oldId = old.liveReleaseId!;
  version++;
  const watch = watchIngress(daemon.ingressPort, app.host, answered);
  const release = await buildVersion(version);
  await waitFor("the phase to kill in", () => phase(release.id, oldId), 60_000, 50);
  await daemon.kill("SIGKILL");
  await daemon.start();
  await waitForReleaseStatus(db, release.id, ["LIVE"], 90_000);
  await waitFor("the old release's containers removed", async () => (await containersOf(oldId)).length === 0, 60_000);
  await waitFor(`v${version} served`, async () => (await ingressGet(daemon.ingressPort, app.host)).body.includes(`version v${version}`), 30_000);
  const traffic = await watch.done();
  const now = await containersOf(release.id);
  expect(now).toHaveLength(REPLICAS);
  expect(new Set(await Promise.all(now.map(replicaOf)))).toEqual(new Set(["0", "1"]));
  expect(await Promise.all(now.map(stateOf))).toEqual(["running", "running"]);
  expect(traffic.requests).toBeGreaterThan(20);
  expect(traffic.bad).toEqual([]);
}

beforeAll(async () => {
  await ensureTestBaseImage();
  const dataDir = makeDataDir("kill-phases");
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  await allowLocalGitSources(db, true);
  repo = await createFixtureRepo({ version: "v1" });
  app = await seedApp(db, { teamSlug: TEAM, gitUrl: repo.dir, replicas: REPLICAS });
  daemon = await createDaemon({ dataDir, databaseUrl: url, env: { SLIPWAY_HEALTH_TIMEOUT_MS: "60000", SLIPWAY_DRAIN_MS: "4000" } });
  await daemon.start();
  const v1 = await buildVersion(1);
  await waitForReleaseStatus(db, v1.id, ["LIVE"]);
}, 180_000);

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  await db?.$disconnect();
});

describe("kill -9 during a rollout", () => {
  it("while the new containers start", async () => {
    await killDuring(async (id) => (await containersOf(id)).length >= 1);
  }, 240_000);

  it("while their health is being checked", async () => {
    await killDuring(async (id) => {
      const ids = await containersOf(id);
      if (ids.length !== REPLICAS || !(await Promise.all(ids.map(stateOf))).every((s) => s === "running")) return false;
      return (await db.release.findUniqueOrThrow({ where: { id } })).status === "ROLLING_OUT";
    });
  }, 240_000);

  it("while the old containers drain", async () => {
    await killDuring(async (id, oldId) => {
      if ((await db.release.findUniqueOrThrow({ where: { id } })).status !== "LIVE") return false;
      return (await containersOf(oldId)).length > 0;
    });
  }, 240_000);
});
