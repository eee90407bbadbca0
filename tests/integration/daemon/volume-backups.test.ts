// Volume backups and restores end to end on the real engine: a real slipwayd with real embedded
// volumes (loop-mounted ext4), an app (busybox httpd + CGI, user 10001) that keeps entries in its
// volume, real tar + zstd archives, the local backup directory and an S3-compatible server (moto)
// on loopback. Backup → write more → restore gives back exactly the backed-up files (byte for
// byte, modes and owners); a corrupt or truncated archive is refused and changes nothing; a
// scheduled backup runs and older scheduled ones are pruned to the retention count; a held app
// comes back with the same release. Rows are written directly, as the web's services write them.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/server/db";
import { resetEnvForTests } from "@/server/env";
import { seal } from "@/server/crypto/secret-box";
import { volumeDataPath, volumeMountPoint } from "@/server/daemon/volumes/volume-paths";
import { ensureTestBaseImage, TEST_BASE_IMAGE } from "../../support/test-images";
import { createFixtureRepo, type FixtureRepo } from "../../support/git-fixtures";
import {
  allowLocalGitSources,
  cleanupDaemonResources,
  createDaemon,
  createTestDatabase,
  ingressGet,
  makeDataDir,
  queueBuild,
  seedApp,
  waitFor,
  waitForBuild,
  waitForReleaseStatus,
  type DaemonProcess,
  type SeededApp,
} from "../../support/daemon-harness";
import { treeOf } from "../../support/file-tree";
import { startS3Server, type S3Server } from "../../support/s3-server";

const TEAM = `bk${Date.now().toString(36)}`;
const BUCKET = "slipway-backups";
let db: Db;
let daemon: DaemonProcess;
let repo: FixtureRepo;
let app: SeededApp;
let volumeId: string;
let s3: S3Server;
let liveReleaseId: string;

const cgi = (body: string) => `#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n${body}\n`;

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

const data = () => volumeDataPath(daemon.dataDir, volumeId);

async function nudge(): Promise<void> {
  const res = await fetch(daemon.apiUrl("/v1/reconcile"), { method: "POST", headers: { authorization: `Bearer ${daemon.token()}` } });
  await res.body?.cancel();
}

/** What queueBackup writes. */
async function queueBackup(opts: { consistent?: boolean; targetId?: string | null; volume?: string } = {}): Promise<string> {
  const v = await db.volume.findUniqueOrThrow({ where: { id: opts.volume ?? volumeId } });
  const row = await db.volumeBackup.create({
    data: { teamId: v.teamId, volumeId: v.id, volumeName: v.name, projectId: v.projectId, consistent: opts.consistent ?? false, targetId: opts.targetId === undefined ? v.backupTargetId : opts.targetId },
  });
  await nudge();
  return row.id;
}

/** What restoreBackup writes. */
async function queueRestore(backupId: string, intoVolumeId = volumeId): Promise<string> {
  const b = await db.volumeBackup.findUniqueOrThrow({ where: { id: backupId } });
  const row = await db.volumeRestore.create({ data: { teamId: b.teamId, backupId, volumeId: intoVolumeId, totalBytes: b.dataBytes } });
  await nudge();
  return row.id;
}

async function backupDone(id: string, timeoutMs = 90_000) {
  const b = await waitFor(`backup ${id}`, async () => {
    const r = await db.volumeBackup.findUnique({ where: { id } });
    return r && (r.status === "SUCCEEDED" || r.status === "FAILED") ? r : null;
  }, timeoutMs);
  return b;
}

async function restoreDone(id: string, timeoutMs = 90_000) {
  return waitFor(`restore ${id}`, async () => {
    const r = await db.volumeRestore.findUnique({ where: { id } });
    return r && (r.status === "SUCCEEDED" || r.status === "FAILED") ? r : null;
  }, timeoutMs);
}

/** The app serves again, with the release it had before the hold. */
async function servingSameRelease(): Promise<void> {
  await waitFor("the app to serve again", async () => (await get("/")).status === 200, 60_000);
  const a = await db.app.findUniqueOrThrow({ where: { id: app.appId } });
  expect(a.liveReleaseId).toBe(liveReleaseId);
}

/** Files the app did not write: binary, nested, a link, a private mode, another owner. */
function writeHostFiles(tag: string): void {
  mkdirSync(path.join(data(), "nested", tag), { recursive: true });
  writeFileSync(path.join(data(), "nested", tag, "blob.bin"), randomBytes(2 * 1024 * 1024));
  writeFileSync(path.join(data(), "nested", tag, "notes.txt"), `notes ${tag}\n`.repeat(10_000), { mode: 0o640 });
  symlinkSync(`nested/${tag}/notes.txt`, path.join(data(), `latest-${tag}`));
}

beforeAll(async () => {
  // slipwayd and this process must seal and open the S3 secret with the same key.
  process.env.SLIPWAY_SECRET_KEY = randomBytes(32).toString("hex");
  resetEnvForTests();
  await ensureTestBaseImage();
  s3 = await startS3Server();
  await s3.createBucket(BUCKET);
  const dataDir = makeDataDir("backups");
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  await allowLocalGitSources(db, true);
  await db.platformSettings.update({ where: { id: "platform" }, data: { allowPrivateBackupEndpoints: true } });
  repo = await createFixtureRepo({ version: "v0" });
  app = await seedApp(db, { teamSlug: TEAM, gitUrl: repo.dir });
  const volume = await db.volume.create({ data: { teamId: app.teamId, projectId: app.projectId, appId: app.appId, name: "data", sizeGib: 1, mountPath: "/data" } });
  volumeId = volume.id;
  daemon = await createDaemon({
    dataDir,
    databaseUrl: url,
    env: { SLIPWAY_HEALTH_TIMEOUT_MS: "30000", SLIPWAY_DRAIN_MS: "500", SLIPWAY_BACKUP_SCHEDULER_MS: "300", SLIPWAY_BACKUP_LEASE_MS: "3000", SLIPWAY_SECRET_KEY: process.env.SLIPWAY_SECRET_KEY },
  });
  await daemon.start();
  await waitFor("the volume to be made", async () => (await db.volume.findUnique({ where: { id: volumeId } }))?.state === "ready", 60_000);
  await repo.commitFiles(
    {
      Dockerfile: [`FROM ${TEST_BASE_IMAGE}`, "RUN mkdir -p /www/cgi-bin", "COPY index.html /www/index.html", "COPY cgi-bin/ /www/cgi-bin/", "RUN chmod 755 /www/cgi-bin/*", `CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]`, ""].join("\n"),
      "index.html": "backups\n",
      "cgi-bin/add": cgi(`if echo "$QUERY_STRING" >> /data/entries; then echo "ok $QUERY_STRING"; else echo "failed $QUERY_STRING"; fi`),
      "cgi-bin/list": cgi("cat /data/entries"),
    },
    "v1",
  );
  const build = await waitForBuild(db, await queueBuild(db, app.appId));
  expect(build.status, build.error ?? "").toBe("SUCCEEDED");
  const release = await db.release.findUniqueOrThrow({ where: { buildId: build.id } });
  const live = await waitForReleaseStatus(db, release.id, ["LIVE", "FAILED"], 90_000);
  expect(live.status, live.statusReason ?? "").toBe("LIVE");
  liveReleaseId = live.id;
});

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  await s3?.stop();
  await db?.$disconnect();
  if (daemon) rmSync(daemon.dataDir, { recursive: true, force: true });
});

describe("volume backups and restores on the real engine", () => {
  let backupId: string;
  let backedUp: Record<string, string>;

  it("backs up consistently: the app is held, then comes back with the same release", async () => {
    await add("one");
    writeHostFiles("a");
    backedUp = treeOf(data());
    expect(Object.keys(backedUp)).toContain("entries");
    backupId = await queueBackup({ consistent: true });
    // Held while the copy runs: the app's route says why.
    const held = await waitFor("the app to be held", async () => {
      const res = await get("/");
      return res.status === 503 ? res : null;
    }, 30_000);
    expect(held.body).toMatch(/backed up/);
    const b = await backupDone(backupId);
    expect(b.status, b.error ?? "").toBe("SUCCEEDED");
    expect(b.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.sizeBytes).toBeGreaterThan(0);
    expect(b.dataBytes).toBeGreaterThan(2 * 1024 * 1024);
    expect(b.bytesDone).toBe(b.dataBytes);
    const file = path.join(daemon.dataDir, "backups", b.objectKey);
    expect(b.objectKey).toBe(`${app.teamId}/${volumeId}/${backupId}.tar.zst`);
    expect(readFileSync(file).length).toBe(b.sizeBytes);
    await servingSameRelease();
    expect(await entries()).toEqual(["one"]);
  });

  it("restores the backup over newer writes: the files equal the backup, byte for byte", async () => {
    await add("two");
    writeHostFiles("b");
    rmSync(path.join(data(), "nested", "a", "blob.bin"));
    expect(treeOf(data())).not.toEqual(backedUp);
    const restoreId = await queueRestore(backupId);
    const r = await restoreDone(restoreId);
    expect(r.status, r.error ?? "").toBe("SUCCEEDED");
    expect(r.totalBytes).toBeGreaterThan(0);
    expect(r.bytesDone).toBe(r.totalBytes);
    expect(treeOf(data())).toEqual(backedUp);
    await servingSameRelease();
    expect(await entries()).toEqual(["one"]);
    // No unpacked or set-aside copy is left on the volume's filesystem.
    expect(readdirSync(volumeMountPoint(daemon.dataDir, volumeId)).sort()).toEqual(["data", "lost+found"]);
  });

  it("refuses an archive with a flipped byte, and a truncated one, leaving the volume as it was", async () => {
    await add("three");
    const before = treeOf(data());
    const b = await db.volumeBackup.findUniqueOrThrow({ where: { id: backupId } });
    const file = path.join(daemon.dataDir, "backups", b.objectKey);
    const original = readFileSync(file);
    const flipped = Buffer.from(original);
    const mid = Math.floor(flipped.length / 2);
    flipped[mid] = flipped[mid]! ^ 0xff;
    writeFileSync(file, flipped);
    const r1 = await restoreDone(await queueRestore(backupId));
    expect(r1.status).toBe("FAILED");
    expect(r1.error).toMatch(/damaged.*unchanged.*SHA-256/);
    expect(treeOf(data())).toEqual(before);
    await servingSameRelease();
    writeFileSync(file, original);
    truncateSync(file, Math.floor(original.length / 2));
    const r2 = await restoreDone(await queueRestore(backupId));
    expect(r2.status).toBe("FAILED");
    expect(r2.error).toMatch(/truncated/);
    expect(treeOf(data())).toEqual(before);
    await servingSameRelease();
    expect(await entries()).toEqual(["one", "three"]);
    writeFileSync(file, original);
  });

  it("runs scheduled backups and prunes older scheduled ones to the retention count", async () => {
    await db.volume.update({ where: { id: volumeId }, data: { backupSchedule: "* * * * *", backupRetention: 2 } });
    const scheduled: string[] = [];
    for (let i = 0; i < 3; i++) {
      await add(`scheduled-${i}`);
      // The schedule fired since the last scheduled backup (every minute: the current minute's run).
      await db.volume.update({ where: { id: volumeId }, data: { lastScheduledBackupAt: new Date(Date.now() - 120_000) } });
      const row = await waitFor("a scheduled backup to be queued", async () => db.volumeBackup.findFirst({ where: { volumeId, trigger: "schedule", id: { notIn: scheduled } } }), 30_000);
      const done = await backupDone(row.id);
      expect(done.status, done.error ?? "").toBe("SUCCEEDED");
      expect(done.consistent).toBe(false);
      scheduled.push(row.id);
    }
    await db.volume.update({ where: { id: volumeId }, data: { backupSchedule: "" } });
    // The oldest went: row and archive. The manual backup is never pruned.
    const left = await waitFor("pruning to 2", async () => {
      const rows = await db.volumeBackup.findMany({ where: { volumeId, trigger: "schedule" }, orderBy: { createdAt: "asc" } });
      return rows.length === 2 ? rows : null;
    }, 30_000);
    expect(left.map((r) => r.id)).toEqual(scheduled.slice(1));
    expect(existsSync(path.join(daemon.dataDir, "backups", app.teamId, volumeId, `${scheduled[0]}.tar.zst`))).toBe(false);
    for (const id of scheduled.slice(1)) expect(existsSync(path.join(daemon.dataDir, "backups", app.teamId, volumeId, `${id}.tar.zst`))).toBe(true);
    expect(await db.volumeBackup.count({ where: { id: backupId } })).toBe(1);
    const pruned = await db.auditEvent.findMany({ where: { action: "backup.prune", targetId: scheduled[0] } });
    expect(pruned).toHaveLength(1);
  });

  it("backs up to and restores from an S3-compatible server", async () => {
    const target = await db.backupTarget.create({
      data: { teamId: app.teamId, name: "moto", endpoint: s3.endpoint, bucket: BUCKET, prefix: "slipway", accessKeyId: s3.accessKeyId, secretAccessKeyEncrypted: seal(s3.secretAccessKey) },
    });
    await db.volume.update({ where: { id: volumeId }, data: { backupTargetId: target.id } });
    writeHostFiles("s3");
    const snapshot = treeOf(data());
    const id = await queueBackup();
    const b = await backupDone(id);
    expect(b.status, b.error ?? "").toBe("SUCCEEDED");
    expect(b.targetId).toBe(target.id);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `slipway/${b.objectKey}` }));
    expect(head.ContentLength).toBe(b.sizeBytes);
    // Nothing of it in the local directory.
    expect(existsSync(path.join(daemon.dataDir, "backups", b.objectKey))).toBe(false);
    await add("after-s3");
    rmSync(path.join(data(), "nested", "s3"), { recursive: true });
    const r = await restoreDone(await queueRestore(id));
    expect(r.status, r.error ?? "").toBe("SUCCEEDED");
    expect(treeOf(data())).toEqual(snapshot);
    await servingSameRelease();
    expect((await entries()).at(-1)).toBe("scheduled-2");
  });

  it("restores into a new volume once the runtime has made it", async () => {
    const copy = await db.volume.create({ data: { teamId: app.teamId, projectId: app.projectId, name: "copy", sizeGib: 1 } });
    const r = await restoreDone(await queueRestore(backupId, copy.id));
    expect(r.status, r.error ?? "").toBe("SUCCEEDED");
    expect(treeOf(volumeDataPath(daemon.dataDir, copy.id))).toEqual(backedUp);
  });

  it("finishes a restore interrupted by kill -9 of slipwayd: never half a volume, the files equal the backup", async () => {
    await db.volume.update({ where: { id: volumeId }, data: { backupTargetId: null } });
    // Enough that the unpacking takes a while (incompressible, and many files to create), small
    // enough that the old and the new copy fit on the 1 GiB volume side by side.
    writeFileSync(path.join(data(), "big.bin"), randomBytes(250 * 1024 * 1024));
    mkdirSync(path.join(data(), "many"));
    for (let i = 0; i < 20_000; i++) writeFileSync(path.join(data(), "many", `f${i}`), randomBytes(8192));
    const snapshot = treeOf(data());
    const b = await backupDone(await queueBackup());
    expect(b.status, b.error ?? "").toBe("SUCCEEDED");
    rmSync(path.join(data(), "big.bin"));
    await add("after-big");
    const changed = treeOf(data());
    const restoreId = await queueRestore(b.id);
    // Unpacking: its staging directory is there, beside data/.
    await waitFor("the restore to be unpacking", async () => readdirSync(volumeMountPoint(daemon.dataDir, volumeId)).some((n) => n.startsWith(".slipway-restore-")), 60_000, 20);
    await daemon.kill("SIGKILL");
    const mid = await db.volumeRestore.findUniqueOrThrow({ where: { id: restoreId } });
    expect(mid.status).toBe("RUNNING");
    // Until the swap, data/ is the old data, whole.
    expect(treeOf(data())).toEqual(changed);
    await daemon.start();
    const r = await restoreDone(restoreId, 120_000);
    expect(r.status, r.error ?? "").toBe("SUCCEEDED");
    expect(treeOf(data())).toEqual(snapshot);
    expect(readdirSync(volumeMountPoint(daemon.dataDir, volumeId)).sort()).toEqual(["data", "lost+found"]);
    await servingSameRelease();
    rmSync(path.join(data(), "big.bin"));
    rmSync(path.join(data(), "many"), { recursive: true });
  });
});
