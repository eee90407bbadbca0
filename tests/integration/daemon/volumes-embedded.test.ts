// Embedded volumes end to end on the real engine: a real slipwayd makes, mounts, grows and removes
// loop-mounted ext4 volumes, and an app (busybox httpd with CGI scripts, running as 10001) keeps
// entries in one. Its data survives a redeploy (with no request dropped: old and new release share
// the volume during the switch), a rollback, stop/start, kill -9 of slipwayd, and a "reboot"
// (containers and mount gone); a write past the size fails with ENOSPC inside the container; a
// consistent backup holds the app (503 with the reason) and lets it go with the same release.
// Volume rows are seeded directly, as the web would write them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, writeFileSync, truncateSync } from "node:fs";
import path from "node:path";
import type { Db } from "@/server/db";
import { ensureTestBaseImage, TEST_BASE_IMAGE } from "../../support/test-images";
import { createFixtureRepo, type FixtureRepo } from "../../support/git-fixtures";
import {
  allowLocalGitSources,
  cleanupDaemonResources,
  createDaemon,
  createTestDatabase,
  execFileAsync,
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
import { readMountTable } from "@/server/daemon/volumes/mount-table";
import { volumeImagePath, volumeMountPoint } from "@/server/daemon/volumes/volume-paths";

const TEAM = `vol${Date.now().toString(36)}`;
let db: Db;
let daemon: DaemonProcess;
let repo: FixtureRepo;
let app: SeededApp;
let volumeId: string;

const cgi = (body: string) => `#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n${body}\n`;

function volumeApp(version: string, user?: string): Record<string, string> {
  return {
    Dockerfile: [
      `FROM ${TEST_BASE_IMAGE}`,
      "RUN mkdir -p /www/cgi-bin",
      "COPY index.html /www/index.html",
      "COPY cgi-bin/ /www/cgi-bin/",
      "RUN chmod 755 /www/cgi-bin/*",
      ...(user ? [`USER ${user}`] : []),
      `CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]`,
      "",
    ].join("\n"),
    "index.html": `version ${version}\n`,
    "cgi-bin/add": cgi(`if echo "$QUERY_STRING" >> /data/entries; then echo "ok $QUERY_STRING"; else echo "failed $QUERY_STRING"; fi`),
    "cgi-bin/list": cgi("cat /data/entries"),
    "cgi-bin/fill": cgi("dd if=/dev/zero of=/data/big bs=1M count=1100 2>&1; rm -f /data/big"),
    "cgi-bin/df": cgi(`df -k "/$QUERY_STRING" | tail -n 1`),
    "cgi-bin/probe": cgi(`if echo probe > "/$QUERY_STRING/probe"; then echo "ok $QUERY_STRING"; else echo failed; fi`),
    "cgi-bin/id": cgi("id"),
  };
}

const get = (p: string) => ingressGet(daemon.ingressPort, app.host, p);

async function entries(): Promise<string[]> {
  const res = await get("/cgi-bin/list");
  expect(res.status, res.body).toBe(200);
  return res.body.split("\n").filter(Boolean);
}

async function add(entry: string): Promise<void> {
  const res = await get(`/cgi-bin/add?${entry}`);
  expect(`${res.status} ${res.body.trim()}`).toBe(`200 ok ${entry}`);
}

async function deployLive(version: string, user?: string) {
  await repo.commitFiles(volumeApp(version, user), version);
  const build = await waitForBuild(db, await queueBuild(db, app.appId));
  expect(build.status, build.error ?? "").toBe("SUCCEEDED");
  const release = await db.release.findUniqueOrThrow({ where: { buildId: build.id } });
  const live = await waitForReleaseStatus(db, release.id, ["LIVE", "FAILED"], 90_000);
  expect(live.status, live.statusReason ?? "").toBe("LIVE");
  return live;
}

/** Serving `version` (index page) through the ingress. */
async function serving(version: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(`the app to serve ${version}`, async () => (await get("/")).body.trim() === `version ${version}`, timeoutMs);
}

async function mountsOfVolume(id: string): Promise<number> {
  return (await readMountTable()).filter((m) => m.mountPoint === volumeMountPoint(daemon.dataDir, id)).length;
}

async function runningContainers(): Promise<Record<string, unknown>[]> {
  const ids = await podmanIdsByLabel(`slipway.app=${app.appId}`);
  const all = await Promise.all(ids.map((id) => podmanInspect(id)));
  return all.filter((c) => (c.State as { Running?: boolean }).Running);
}

const bindsOf = (c: Record<string, unknown>) => ((c.HostConfig as { Binds?: string[] }).Binds ?? []).map((b) => b.split(":").slice(0, 2).join(":"));

async function waitVolume(id: string, what: string, ok: (v: { state: string; provisionedGib: number; stateReason: string }) => boolean, timeoutMs = 60_000) {
  return waitFor(`volume ${what}`, async () => {
    const v = await db.volume.findUnique({ where: { id } });
    return v && ok(v) ? v : null;
  }, timeoutMs);
}

beforeAll(async () => {
  await ensureTestBaseImage();
  const dataDir = makeDataDir("volumes");
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  await allowLocalGitSources(db, true);
  repo = await createFixtureRepo({ version: "v0" });
  app = await seedApp(db, { teamSlug: TEAM, gitUrl: repo.dir });
  const volume = await db.volume.create({ data: { teamId: app.teamId, projectId: app.projectId, appId: app.appId, name: "data", sizeGib: 1, mountPath: "/data" } });
  volumeId = volume.id;
  daemon = await createDaemon({ dataDir, databaseUrl: url, env: { SLIPWAY_HEALTH_TIMEOUT_MS: "30000", SLIPWAY_DRAIN_MS: "1500" } });
  await daemon.start();
});

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  await db?.$disconnect();
});

describe("embedded volumes on the real engine", () => {
  it("makes the volume, mounts it once, and the app (user 10001) keeps entries in it", async () => {
    const v = await waitVolume(volumeId, "ready", (x) => x.state === "ready");
    expect(v).toMatchObject({ provisionedGib: 1, stateReason: "" });
    expect(v.usedBytes).toBeGreaterThan(0);
    expect(v.measuredAt).not.toBeNull();
    expect(await mountsOfVolume(volumeId)).toBe(1);
    await deployLive("v1");
    expect((await get("/cgi-bin/id")).body.trim()).toBe("uid=10001 gid=10001 groups=10001");
    await add("one");
    expect(await entries()).toEqual(["one"]);
    const [c] = await runningContainers();
    expect(bindsOf(c!)).toEqual([`${volumeMountPoint(daemon.dataDir, volumeId)}/data:/data`]);
  });

  it("keeps the entries through a redeploy, dropping no request while old and new share the volume", async () => {
    const results: string[] = [];
    let i = 0;
    let stop = false;
    const writer = (async () => {
      while (!stop) {
        const entry = `r${i++}`;
        const res = await get(`/cgi-bin/add?${entry}`).catch((e: unknown) => ({ status: 0, body: String(e) }));
        results.push(`${res.status} ${res.body.trim()}` === `200 ok ${entry}` ? "ok" : `${entry}: ${res.status} ${res.body.trim()}`);
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    await deployLive("v2");
    await serving("v2");
    // Writes keep landing after the old replica drained.
    await new Promise((r) => setTimeout(r, 2500));
    stop = true;
    await writer;
    expect(results.filter((r) => r !== "ok")).toEqual([]);
    expect(results.length).toBeGreaterThan(20);
    const all = await entries();
    expect(all).toEqual(["one", ...Array.from({ length: i }, (_, n) => `r${n}`)]);
  });

  it("keeps them through a rollback to v1", async () => {
    const v1 = await db.release.findFirstOrThrow({ where: { appId: app.appId, version: 1 } });
    const max = await db.release.aggregate({ where: { appId: app.appId }, _max: { version: true } });
    const back = await db.release.create({
      data: {
        teamId: v1.teamId,
        appId: v1.appId,
        version: (max._max.version ?? 0) + 1,
        imageRef: v1.imageRef,
        imageDigest: v1.imageDigest,
        imageUser: v1.imageUser,
        runAsUid: v1.runAsUid,
        runAsGid: v1.runAsGid,
        configSnapshot: v1.configSnapshot,
        cpuMillicores: v1.cpuMillicores,
        memoryMib: v1.memoryMib,
        status: "PENDING",
        statusReason: "Rollback to v1",
      },
    });
    await db.app.update({ where: { id: app.appId }, data: { targetReleaseId: back.id } });
    expect((await waitForReleaseStatus(db, back.id, ["LIVE", "FAILED"], 60_000)).status).toBe("LIVE");
    await serving("v1");
    await add("after-rollback");
    expect((await entries()).at(-1)).toBe("after-rollback");
    expect(await entries()).toContain("one");
  });

  it("keeps them through stop and start", async () => {
    await db.app.update({ where: { id: app.appId }, data: { stopped: true } });
    await waitFor("the app to stop", async () => (await get("/")).status === 503 && (await runningContainers()).length === 0);
    await db.app.update({ where: { id: app.appId }, data: { stopped: false } });
    await serving("v1");
    expect(await entries()).toContain("after-rollback");
  });

  it("keeps them, mounted once, through kill -9 of slipwayd and a restart", async () => {
    await daemon.kill("SIGKILL");
    expect(await mountsOfVolume(volumeId)).toBe(1);
    await add("while-slipwayd-is-dead");
    await daemon.start();
    // A few passes: none mounts it again.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await mountsOfVolume(volumeId)).toBe(1);
    await add("after-restart");
    expect((await entries()).slice(-2)).toEqual(["while-slipwayd-is-dead", "after-restart"]);
  });

  it("mounts it again after a reboot-like loss (containers and mount gone) before the replicas start", async () => {
    await daemon.kill("SIGKILL");
    const ids = await podmanIdsByLabel(`slipway.app=${app.appId}`);
    if (ids.length) await execFileAsync("podman", ["rm", "-f", "-t", "1", ...ids]);
    await execFileAsync("umount", [volumeMountPoint(daemon.dataDir, volumeId)]);
    expect(await mountsOfVolume(volumeId)).toBe(0);
    await daemon.start();
    await serving("v1");
    expect(await mountsOfVolume(volumeId)).toBe(1);
    expect((await entries()).slice(-1)).toEqual(["after-restart"]);
  });

  it("fails a write past the volume's size with ENOSPC inside the container", async () => {
    const res = await get("/cgi-bin/fill");
    expect(res.body).toMatch(/No space left on device/);
    await add("after-full");
  });

  it("holds the app during a consistent backup (503 saying why) and brings the same release back after", async () => {
    const before = await db.app.findUniqueOrThrow({ where: { id: app.appId } });
    const backup = await db.volumeBackup.create({
      data: {
        teamId: app.teamId,
        volumeId,
        volumeName: "data",
        projectId: app.projectId,
        consistent: true,
        status: "RUNNING",
        startedAt: new Date(),
        // Another worker's, for an hour: slipwayd's own backup workers leave it alone.
        leaseOwner: "volumes-test",
        leaseExpiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    const held = await waitFor("the app to be held", async () => {
      const res = await get("/");
      return res.status === 503 && (await runningContainers()).length === 0 ? res : null;
    });
    expect(held.body).toMatch(/volume data is being backed up/);
    await db.volumeBackup.update({ where: { id: backup.id }, data: { status: "SUCCEEDED", finishedAt: new Date(), leaseOwner: null, leaseExpiresAt: null } });
    await serving("v1");
    const after = await db.app.findUniqueOrThrow({ where: { id: app.appId } });
    expect(after.liveReleaseId).toBe(before.liveReleaseId);
    expect((await entries()).slice(-1)).toEqual(["after-full"]);
  });

  it("grows the volume; the app sees the new size and keeps its entries", async () => {
    await db.volume.update({ where: { id: volumeId }, data: { sizeGib: 2 } });
    await waitVolume(volumeId, "grown", (v) => v.state === "ready" && v.provisionedGib === 2, 90_000);
    await serving("v1");
    const kib = Number((await get("/cgi-bin/df?data")).body.trim().split(/\s+/)[1]);
    expect(kib).toBeGreaterThan(1.9 * 1024 * 1024);
    expect(kib).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect((await entries()).slice(-1)).toEqual(["after-full"]);
    expect(await mountsOfVolume(volumeId)).toBe(1);
    // These machines cannot resize a mounted ext4 (no CAP_SYS_RESOURCE): the app was held for it.
    expect(daemon.output()).toMatch(/volume grown (\(offline\)|in place)/);
  });

  it("mounts a newly attached volume by a rolling restart, unmounts a detached one the same way, and deletes it", async () => {
    const extra = await db.volume.create({ data: { teamId: app.teamId, projectId: app.projectId, appId: app.appId, name: "extra", sizeGib: 1, mountPath: "/extra" } });
    await db.app.update({ where: { id: app.appId }, data: { restartGeneration: { increment: 1 } } });
    await waitFor("a replica with both volumes", async () => {
      const cs = await runningContainers();
      return cs.length === 1 && bindsOf(cs[0]!).length === 2;
    }, 90_000);
    expect((await get("/cgi-bin/probe?extra")).body.trim()).toBe("ok extra");
    await db.$transaction([
      db.volume.update({ where: { id: extra.id }, data: { appId: null, mountPath: "" } }),
      db.app.update({ where: { id: app.appId }, data: { restartGeneration: { increment: 1 } } }),
    ]);
    await waitFor("a replica with one volume", async () => {
      const cs = await runningContainers();
      return cs.length === 1 && bindsOf(cs[0]!).length === 1;
    }, 90_000);
    await db.volume.update({ where: { id: extra.id }, data: { deleteRequestedAt: new Date() } });
    await waitFor("the volume row to go", async () => (await db.volume.findUnique({ where: { id: extra.id } })) === null, 60_000);
    expect(existsSync(volumeImagePath(daemon.dataDir, extra.id))).toBe(false);
    expect(await mountsOfVolume(extra.id)).toBe(0);
    expect((await entries()).slice(-1)).toEqual(["after-full"]);
  });

  it("hands the volume to an image's own user and group, as a cluster's fsGroup would", async () => {
    await deployLive("v4321", "4321:4321");
    await serving("v4321");
    expect((await get("/cgi-bin/id")).body.trim()).toBe("uid=4321 gid=4321 groups=4321");
    await add("as-4321");
    expect((await entries()).slice(-2)).toEqual(["after-full", "as-4321"]);
  });

  it("starts no replica on a volume that failed, and the rollout says why", async () => {
    const brokenRepo = await createFixtureRepo({ version: "b1" });
    await brokenRepo.commitFiles(volumeApp("b1"), "b1");
    const broken = await seedApp(db, { teamSlug: TEAM, appSlug: "broken", gitUrl: brokenRepo.dir });
    // An image of the right size that holds no filesystem (a disk's damage, say).
    const id = `badvol${Date.now().toString(36)}`;
    mkdirSync(path.dirname(volumeImagePath(daemon.dataDir, id)), { recursive: true });
    writeFileSync(volumeImagePath(daemon.dataDir, id), "");
    truncateSync(volumeImagePath(daemon.dataDir, id), 1024 ** 3);
    await db.volume.create({ data: { id, teamId: broken.teamId, projectId: broken.projectId, appId: broken.appId, name: "bad", sizeGib: 1, mountPath: "/data" } });
    const v = await waitVolume(id, "failed", (x) => x.state === "failed");
    expect(v.stateReason).toMatch(/^mount .* failed: .*(wrong fs type|bad superblock)/);
    const build = await waitForBuild(db, await queueBuild(db, broken.appId));
    expect(build.status, build.error ?? "").toBe("SUCCEEDED");
    const release = await db.release.findUniqueOrThrow({ where: { buildId: build.id } });
    const waiting = await waitFor("the rollout to say what it waits for", async () => {
      const r = await db.release.findUniqueOrThrow({ where: { id: release.id } });
      return r.statusReason?.startsWith("Waiting for its volumes") ? r : null;
    });
    expect(waiting.status).toBe("ROLLING_OUT");
    expect(waiting.statusReason).toContain("volume bad failed: mount");
    expect(await podmanIdsByLabel(`slipway.app=${broken.appId}`)).toEqual([]);
    expect(await mountsOfVolume(id)).toBe(0);
  });
});
