// Backups, restores and backup targets through the API the way tenants use (and abuse) them: real
// sessions, a real database, no daemon (the workers are tested with slipwayd in
// tests/integration/daemon/volume-backups.test.ts). Every refusal says why and changes nothing.
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { ApiTestEnv } from "../../support/api-harness";
import { call, setupApiTestEnv, signUp } from "../../support/api-harness";
import { createFixtureRepo } from "../../support/git-fixtures";
import { FixtureFactory } from "../../support/fixtures-factory";
import * as projects from "@/app/api/v1/projects/route";
import * as volumeBackups from "@/app/api/v1/volumes/[volumeId]/backups/route";
import * as backupsRoute from "@/app/api/v1/backups/route";
import * as backupRoute from "@/app/api/v1/backups/[backupId]/route";
import * as restoreRoute from "@/app/api/v1/backups/[backupId]/restore/route";
import * as restoreStatus from "@/app/api/v1/restores/[restoreId]/route";
import * as targetsRoute from "@/app/api/v1/team/backup-targets/route";
import * as targetRoute from "@/app/api/v1/team/backup-targets/[targetId]/route";
import * as platformTeamQuota from "@/app/api/v1/platform/teams/[teamId]/quota/route";
import * as platform from "@/app/api/v1/platform/settings/route";
import * as me from "@/app/api/v1/me/route";
import { getDb } from "@/server/db";
import { archiveKey } from "@/server/daemon/backups/backup-store";

interface TestTeam {
  cookie: string;
  teamId: string;
}

export function defineBackupsSuite(prepare: () => Promise<string | undefined>): void {
  let env: ApiTestEnv;
  let admin: string;
  let factory: FixtureFactory;
  let counter = 0;

  async function newTeam(prefix: string): Promise<TestTeam> {
    counter += 1;
    const cookie = await signUp(`${prefix}${counter}-${Date.now().toString(36)}@example.test`);
    const res = await call(me.GET, "GET", "/api/v1/me", { cookie });
    expect(res.status).toBe(200);
    return { cookie, teamId: res.json.team.id };
  }

  async function createProject(team: TestTeam, slug = "shop"): Promise<string> {
    const res = await call(projects.POST, "POST", "/api/v1/projects", { cookie: team.cookie, body: { slug } });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json.id;
  }

  /** A volume the runtime has made (what slipwayd reports once it is mounted). */
  async function readyVolume(team: TestTeam, projectId: string, name = "data", sizeGib = 1) {
    return getDb().volume.create({ data: { teamId: team.teamId, projectId, name, sizeGib, provisionedGib: sizeGib, state: "ready" } });
  }

  const queue = (team: TestTeam, volumeId: string, body: unknown = {}) => call(volumeBackups.POST, "POST", `/api/v1/volumes/${volumeId}/backups`, { cookie: team.cookie, params: { volumeId }, body });
  const restore = (team: TestTeam, backupId: string, body: unknown = {}) => call(restoreRoute.POST, "POST", `/api/v1/backups/${backupId}/restore`, { cookie: team.cookie, params: { backupId }, body });
  const auditCount = (teamId: string) => getDb().auditEvent.count({ where: { teamId } });

  /** What the backup worker records when an archive is stored. */
  async function succeeded(backupId: string, dataBytes = 10 * 1024 * 1024) {
    const b = await getDb().volumeBackup.findUniqueOrThrow({ where: { id: backupId } });
    const objectKey = archiveKey(b.teamId, b.volumeId!, b.id);
    return getDb().volumeBackup.update({ where: { id: backupId }, data: { status: "SUCCEEDED", objectKey, sha256: "0".repeat(64), sizeBytes: 1000, dataBytes, finishedAt: new Date() } });
  }

  beforeAll(async () => {
    env = setupApiTestEnv({ databaseUrl: await prepare() });
    expect(env.databaseUrl).toBeTruthy();
    admin = await signUp(`admin-${Date.now().toString(36)}@example.test`);
    const repo = await createFixtureRepo();
    factory = new FixtureFactory(getDb(), { gitUrl: repo.fileUrl });
  });

  describe("backups", () => {
    it("queues a backup (202), lists it per volume and for the team, and audits it", async () => {
      const t = await newTeam("bk-queue");
      const projectId = await createProject(t);
      const v = await readyVolume(t, projectId);
      const before = await auditCount(t.teamId);
      const res = await queue(t, v.id, { consistent: true });
      expect(res.status, JSON.stringify(res.json)).toBe(202);
      expect(res.json.backup).toMatchObject({ volumeId: v.id, volumeName: "data", trigger: "manual", consistent: true, status: "QUEUED", target: { id: null, name: "local backup directory" }, bytesDone: 0, sha256: "" });
      expect(await auditCount(t.teamId)).toBe(before + 1);
      const perVolume = await call(volumeBackups.GET, "GET", `/api/v1/volumes/${v.id}/backups`, { cookie: t.cookie, params: { volumeId: v.id } });
      expect(perVolume.json.backups.map((b: { id: string }) => b.id)).toEqual([res.json.backup.id]);
      const all = await call(backupsRoute.GET, "GET", `/api/v1/backups?volumeId=${v.id}`, { cookie: t.cookie });
      expect(all.json.backups).toHaveLength(1);
      const one = await call(backupRoute.GET, "GET", `/api/v1/backups/${res.json.backup.id}`, { cookie: t.cookie, params: { backupId: res.json.backup.id } });
      expect(one.json.backup.id).toBe(res.json.backup.id);
      // One at a time per volume.
      const again = await queue(t, v.id);
      expect(again.status).toBe(409);
      expect(again.json.error.message).toMatch(/already queued/);
    });

    it("uses the volume's backup settings when the request says nothing", async () => {
      const t = await newTeam("bk-defaults");
      const projectId = await createProject(t);
      const v = await readyVolume(t, projectId);
      await getDb().volume.update({ where: { id: v.id }, data: { backupConsistent: true } });
      const res = await queue(t, v.id);
      expect(res.status).toBe(202);
      expect(res.json.backup.consistent).toBe(true);
    });

    it("refuses bad input with 422 and queues nothing", async () => {
      const t = await newTeam("bk-input");
      const projectId = await createProject(t);
      const v = await readyVolume(t, projectId);
      for (const body of [{ consistent: "yes" }, { consistent: true, extra: 1 }, []]) {
        const res = await queue(t, v.id, body);
        expect(res.status, JSON.stringify(body)).toBe(422);
      }
      expect(await getDb().volumeBackup.count({ where: { volumeId: v.id } })).toBe(0);
    });

    it("refuses cluster volumes with 409: not supported yet", async () => {
      const t = await newTeam("bk-cluster");
      const cluster = await factory.cluster();
      const project = await getDb().project.create({ data: { teamId: t.teamId, slug: "kube", name: "Kube", clusterId: cluster.id } });
      const v = await readyVolume(t, project.id);
      const res = await queue(t, v.id);
      expect(res.status).toBe(409);
      expect(res.json.error.message).toMatch(/backups of cluster volumes are not supported yet/);
      expect(await getDb().volumeBackup.count({ where: { volumeId: v.id } })).toBe(0);
    });

    it("refuses a volume being deleted", async () => {
      const t = await newTeam("bk-deleting");
      const projectId = await createProject(t);
      const v = await readyVolume(t, projectId);
      await getDb().volume.update({ where: { id: v.id }, data: { deleteRequestedAt: new Date() } });
      expect((await queue(t, v.id)).status).toBe(409);
    });

    it("deletes a finished backup's archive and row (204), not a running one (409)", async () => {
      const t = await newTeam("bk-delete");
      const projectId = await createProject(t);
      const v = await readyVolume(t, projectId);
      const id = (await queue(t, v.id)).json.backup.id;
      const running = await call(backupRoute.DELETE, "DELETE", `/api/v1/backups/${id}`, { cookie: t.cookie, params: { backupId: id } });
      expect(running.status).toBe(409);
      const b = await succeeded(id);
      const file = path.join(env.dataDir, "backups", b.objectKey);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, randomBytes(1000));
      const res = await call(backupRoute.DELETE, "DELETE", `/api/v1/backups/${id}`, { cookie: t.cookie, params: { backupId: id } });
      expect(res.status).toBe(204);
      expect(existsSync(file)).toBe(false);
      expect(await getDb().volumeBackup.count({ where: { id } })).toBe(0);
    });
  });

  describe("restores", () => {
    it("queues a restore into the same volume (202), one at a time, readable by id", async () => {
      const t = await newTeam("rs-same");
      const projectId = await createProject(t);
      const v = await readyVolume(t, projectId);
      const backupId = (await queue(t, v.id)).json.backup.id;
      const early = await restore(t, backupId);
      expect(early.status).toBe(409);
      expect(early.json.error.message).toMatch(/only a finished backup can be restored/);
      await succeeded(backupId);
      const res = await restore(t, backupId);
      expect(res.status, JSON.stringify(res.json)).toBe(202);
      expect(res.json.restore).toMatchObject({ backupId, volumeId: v.id, status: "QUEUED", bytesDone: 0, totalBytes: 10 * 1024 * 1024 });
      const status = await call(restoreStatus.GET, "GET", `/api/v1/restores/${res.json.restore.id}`, { cookie: t.cookie, params: { restoreId: res.json.restore.id } });
      expect(status.json.restore.id).toBe(res.json.restore.id);
      // The backup names its newest restore: a page reloaded mid-restore finds it again.
      const listed = await call(volumeBackups.GET, "GET", `/api/v1/volumes/${v.id}/backups`, { cookie: t.cookie, params: { volumeId: v.id } });
      expect(listed.json.backups[0].lastRestore).toMatchObject({ id: res.json.restore.id, status: "QUEUED" });
      expect((await restore(t, backupId)).status).toBe(409);
      // While it is queued, the backup it reads cannot be deleted.
      const del = await call(backupRoute.DELETE, "DELETE", `/api/v1/backups/${backupId}`, { cookie: t.cookie, params: { backupId } });
      expect(del.status).toBe(409);
    });

    it("restores into a new volume made in the same transaction, within the storage quota", async () => {
      const t = await newTeam("rs-new");
      const projectId = await createProject(t);
      const v = await readyVolume(t, projectId, "data", 3);
      const backupId = (await queue(t, v.id)).json.backup.id;
      await succeeded(backupId);
      const res = await restore(t, backupId, { newVolume: { name: "data-copy" } });
      expect(res.status, JSON.stringify(res.json)).toBe(202);
      const made = await getDb().volume.findUniqueOrThrow({ where: { id: res.json.restore.volumeId } });
      expect(made).toMatchObject({ name: "data-copy", projectId, sizeGib: 3, state: "pending" });
      const taken = await restore(t, backupId, { newVolume: { name: "data-copy" } });
      expect(taken.status).toBe(409);
      // Over the quota: refused with the numbers, and no volume made.
      const res2 = await call(platformTeamQuota.PUT, "PUT", `/api/v1/platform/teams/${t.teamId}/quota`, {
        cookie: admin,
        params: { teamId: t.teamId },
        body: { cpuMillicores: 4000, memoryMib: 4096, storageGib: 8, maxApps: 20, maxConcurrentBuilds: 2 },
      });
      expect(res2.status).toBe(200);
      const over = await restore(t, backupId, { newVolume: { name: "too-big", sizeGib: 5 } });
      expect(over.status).toBe(422);
      expect(over.json.error.message).toMatch(/8/);
      expect(over.json.error.message).toMatch(/6/);
      expect(await getDb().volume.count({ where: { teamId: t.teamId, name: "too-big" } })).toBe(0);
    });

    it("refuses a volume too small for the archive, and bad input", async () => {
      const t = await newTeam("rs-input");
      const projectId = await createProject(t);
      const v = await readyVolume(t, projectId);
      const backupId = (await queue(t, v.id)).json.backup.id;
      await succeeded(backupId, 3 * 1024 ** 3);
      const small = await restore(t, backupId);
      expect(small.status).toBe(422);
      expect(small.json.error.message).toMatch(/grow it to at least 4 GiB/);
      for (const body of [{ volumeId: 1 }, { newVolume: { name: "Not A Slug" } }, { newVolume: { name: "ok", sizeGib: 0 } }, { volumeId: v.id, newVolume: { name: "both" } }]) {
        const res = await restore(t, backupId, body);
        expect(res.status, JSON.stringify(body)).toBe(422);
      }
      expect(await getDb().volumeRestore.count({ where: { backupId } })).toBe(0);
    });
  });

  describe("tenancy", () => {
    it("answers 404 for another team's volume, backup, restore and target, and changes nothing", async () => {
      const a = await newTeam("ten-a");
      const b = await newTeam("ten-b");
      const va = await readyVolume(a, await createProject(a));
      const vb = await readyVolume(b, await createProject(b));
      const backupId = (await queue(a, va.id)).json.backup.id;
      await succeeded(backupId);
      const restoreId = (await restore(a, backupId)).json.restore.id;
      await getDb().platformSettings.upsert({ where: { id: "platform" }, create: { allowPrivateBackupEndpoints: true }, update: { allowPrivateBackupEndpoints: true } });
      const target = await call(targetsRoute.POST, "POST", "/api/v1/team/backup-targets", { cookie: a.cookie, body: { name: "s3", endpoint: "http://127.0.0.1:9", bucket: "bkt", accessKeyId: "id", secretAccessKey: "secret" } });
      expect(target.status, JSON.stringify(target.json)).toBe(201);
      const before = await auditCount(b.teamId);
      expect((await queue(b, va.id)).status).toBe(404);
      expect((await call(volumeBackups.GET, "GET", `/api/v1/volumes/${va.id}/backups`, { cookie: b.cookie, params: { volumeId: va.id } })).status).toBe(404);
      expect((await call(backupsRoute.GET, "GET", `/api/v1/backups?volumeId=${va.id}`, { cookie: b.cookie })).status).toBe(404);
      expect((await call(backupsRoute.GET, "GET", "/api/v1/backups", { cookie: b.cookie })).json.backups).toEqual([]);
      expect((await call(backupRoute.GET, "GET", `/api/v1/backups/${backupId}`, { cookie: b.cookie, params: { backupId } })).status).toBe(404);
      expect((await call(backupRoute.DELETE, "DELETE", `/api/v1/backups/${backupId}`, { cookie: b.cookie, params: { backupId } })).status).toBe(404);
      expect((await restore(b, backupId, { volumeId: vb.id })).status).toBe(404);
      // Their own backup into someone else's volume is not theirs either.
      const bBackup = (await queue(b, vb.id)).json.backup.id;
      await succeeded(bBackup);
      expect((await restore(b, bBackup, { volumeId: va.id })).status).toBe(404);
      expect((await restore(b, bBackup, { newVolume: { name: "steal", projectId: va.projectId } })).status).toBe(404);
      expect((await call(restoreStatus.GET, "GET", `/api/v1/restores/${restoreId}`, { cookie: b.cookie, params: { restoreId } })).status).toBe(404);
      expect((await call(targetRoute.DELETE, "DELETE", `/api/v1/team/backup-targets/${target.json.target.id}`, { cookie: b.cookie, params: { targetId: target.json.target.id } })).status).toBe(404);
      expect((await call(targetsRoute.GET, "GET", "/api/v1/team/backup-targets", { cookie: b.cookie })).json.targets).toEqual([]);
      // Only b's own queue and backup of its own volume were recorded.
      expect(await auditCount(b.teamId)).toBe(before + 1);
      expect(await getDb().volumeRestore.count({ where: { volumeId: va.id } })).toBe(1);
      expect(await getDb().backupTarget.count({ where: { teamId: a.teamId } })).toBe(1);
    });
  });

  describe("backup targets", () => {
    const body = (over: Record<string, unknown> = {}) => ({ name: "offsite", endpoint: "https://s3.example.test", bucket: "team-backups", prefix: "slipway/", accessKeyId: "AKIAEXAMPLE", secretAccessKey: "very-secret-key", ...over });

    it("refuses internal endpoints unless the platform allows them, and plain http off loopback", async () => {
      await getDb().platformSettings.upsert({ where: { id: "platform" }, create: { allowPrivateBackupEndpoints: false }, update: { allowPrivateBackupEndpoints: false } });
      const t = await newTeam("tg-policy");
      for (const endpoint of ["http://127.0.0.1:9000", "https://169.254.169.254", "https://10.1.2.3", "http://s3.example.test", "https://user:pw@s3.example.test", "https://s3.example.test/bucket", "ftp://s3.example.test", "not a url"]) {
        const res = await call(targetsRoute.POST, "POST", "/api/v1/team/backup-targets", { cookie: t.cookie, body: body({ endpoint }) });
        expect(res.status, endpoint).toBe(422);
      }
      const allow = await call(platform.PUT, "PUT", "/api/v1/platform/settings", { cookie: admin, body: { allowPrivateBackupEndpoints: true } });
      expect(allow.status, JSON.stringify(allow.json)).toBe(200);
      expect(allow.json.allowPrivateBackupEndpoints).toBe(true);
      const ok = await call(targetsRoute.POST, "POST", "/api/v1/team/backup-targets", { cookie: t.cookie, body: body({ endpoint: "http://127.0.0.1:9000/" }) });
      expect(ok.status, JSON.stringify(ok.json)).toBe(201);
      expect(ok.json.target.endpoint).toBe("http://127.0.0.1:9000");
      expect(await getDb().backupTarget.count({ where: { teamId: t.teamId } })).toBe(1);
    });

    it("never returns, stores in the clear or audits the secret key", async () => {
      await getDb().platformSettings.upsert({ where: { id: "platform" }, create: { allowPrivateBackupEndpoints: true }, update: { allowPrivateBackupEndpoints: true } });
      const t = await newTeam("tg-secret");
      const res = await call(targetsRoute.POST, "POST", "/api/v1/team/backup-targets", { cookie: t.cookie, body: body({ endpoint: "http://localhost:9000" }) });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      expect(JSON.stringify(res.json)).not.toContain("very-secret-key");
      const list = await call(targetsRoute.GET, "GET", "/api/v1/team/backup-targets", { cookie: t.cookie });
      expect(list.json.targets).toHaveLength(1);
      expect(JSON.stringify(list.json)).not.toContain("very-secret-key");
      expect(list.json.targets[0]).not.toHaveProperty("secretAccessKey");
      const row = await getDb().backupTarget.findUniqueOrThrow({ where: { id: res.json.target.id } });
      expect(row.secretAccessKeyEncrypted).not.toContain("very-secret-key");
      const audits = await getDb().auditEvent.findMany({ where: { teamId: t.teamId, action: { startsWith: "backup_target" } } });
      expect(audits).toHaveLength(1);
      expect(audits[0]!.data).not.toContain("very-secret-key");
      const dup = await call(targetsRoute.POST, "POST", "/api/v1/team/backup-targets", { cookie: t.cookie, body: body({ endpoint: "http://localhost:9000" }) });
      expect(dup.status).toBe(409);
    });

    it("refuses to delete a target in use (409) and deletes an unused one (204)", async () => {
      await getDb().platformSettings.upsert({ where: { id: "platform" }, create: { allowPrivateBackupEndpoints: true }, update: { allowPrivateBackupEndpoints: true } });
      const t = await newTeam("tg-delete");
      const v = await readyVolume(t, await createProject(t));
      const id = (await call(targetsRoute.POST, "POST", "/api/v1/team/backup-targets", { cookie: t.cookie, body: body({ endpoint: "http://127.0.0.1:9000" }) })).json.target.id;
      await getDb().volume.update({ where: { id: v.id }, data: { backupTargetId: id } });
      const queued = await queue(t, v.id);
      expect(queued.json.backup.target).toEqual({ id, name: "offsite" });
      const inUse = await call(targetRoute.DELETE, "DELETE", `/api/v1/team/backup-targets/${id}`, { cookie: t.cookie, params: { targetId: id } });
      expect(inUse.status).toBe(409);
      expect(inUse.json.error.message).toMatch(/1 volume\(s\) back up to it and 1 backup\(s\) are stored on it/);
      await getDb().volumeBackup.deleteMany({ where: { volumeId: v.id } });
      await getDb().volume.update({ where: { id: v.id }, data: { backupTargetId: null } });
      const res = await call(targetRoute.DELETE, "DELETE", `/api/v1/team/backup-targets/${id}`, { cookie: t.cookie, params: { targetId: id } });
      expect(res.status).toBe(204);
      expect(await getDb().backupTarget.count({ where: { id } })).toBe(0);
    });
  });
}
