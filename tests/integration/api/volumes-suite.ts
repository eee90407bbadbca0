// Volumes through the API the way tenants use (and abuse) them: real sessions, a real database, no
// daemon (the runtime's side is tested with slipwayd under tests/integration/daemon/). Every
// refusal must say why and change nothing.
import { beforeAll, describe, expect, it } from "vitest";
import type { ApiTestEnv } from "../../support/api-harness";
import { call, setupApiTestEnv, signUp } from "../../support/api-harness";
import { createFixtureRepo, type FixtureRepo } from "../../support/git-fixtures";
import { FixtureFactory } from "../../support/fixtures-factory";
import * as projects from "@/app/api/v1/projects/route";
import * as projectRoute from "@/app/api/v1/projects/[projectId]/route";
import * as projectApps from "@/app/api/v1/projects/[projectId]/apps/route";
import * as appRoute from "@/app/api/v1/apps/[appId]/route";
import * as volumesRoute from "@/app/api/v1/volumes/route";
import * as volumeRoute from "@/app/api/v1/volumes/[volumeId]/route";
import * as attachRoute from "@/app/api/v1/volumes/[volumeId]/attach/route";
import * as detachRoute from "@/app/api/v1/volumes/[volumeId]/detach/route";
import * as platformTeamQuota from "@/app/api/v1/platform/teams/[teamId]/quota/route";
import * as platform from "@/app/api/v1/platform/settings/route";
import * as members from "@/app/api/v1/team/members/route";
import * as me from "@/app/api/v1/me/route";
import { getDb } from "@/server/db";

interface TestTeam {
  cookie: string;
  teamId: string;
}

export function defineVolumesSuite(prepare: () => Promise<string | undefined>): void {
  let env: ApiTestEnv;
  let admin: string;
  let repo: FixtureRepo;
  let factory: FixtureFactory;
  let counter = 0;

  async function newTeam(prefix: string): Promise<TestTeam> {
    counter += 1;
    const cookie = await signUp(`${prefix}${counter}-${Date.now().toString(36)}@example.test`);
    const res = await call(me.GET, "GET", "/api/v1/me", { cookie });
    expect(res.status).toBe(200);
    return { cookie, teamId: res.json.team.id };
  }

  async function setStorage(teamId: string, storageGib: number) {
    const res = await call(platformTeamQuota.PUT, "PUT", `/api/v1/platform/teams/${teamId}/quota`, {
      cookie: admin,
      params: { teamId },
      body: { cpuMillicores: 4000, memoryMib: 4096, storageGib, maxApps: 20, maxConcurrentBuilds: 2 },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
  }

  async function createProject(team: TestTeam, slug: string): Promise<string> {
    const res = await call(projects.POST, "POST", "/api/v1/projects", { cookie: team.cookie, body: { slug } });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json.id;
  }

  async function createApp(team: TestTeam, projectId: string, slug: string, body: Record<string, unknown> = {}): Promise<string> {
    const res = await call(projectApps.POST, "POST", `/api/v1/projects/${projectId}/apps`, { cookie: team.cookie, params: { projectId }, body: { slug, gitUrl: repo.fileUrl, ...body } });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json.id;
  }

  const create = (team: TestTeam, body: Record<string, unknown>) => call(volumesRoute.POST, "POST", "/api/v1/volumes", { cookie: team.cookie, body });
  const get = (team: TestTeam, volumeId: string) => call(volumeRoute.GET, "GET", `/api/v1/volumes/${volumeId}`, { cookie: team.cookie, params: { volumeId } });
  const patch = (team: TestTeam, volumeId: string, body: Record<string, unknown>) => call(volumeRoute.PATCH, "PATCH", `/api/v1/volumes/${volumeId}`, { cookie: team.cookie, params: { volumeId }, body });
  const remove = (team: TestTeam, volumeId: string) => call(volumeRoute.DELETE, "DELETE", `/api/v1/volumes/${volumeId}`, { cookie: team.cookie, params: { volumeId } });
  const attach = (team: TestTeam, volumeId: string, body: Record<string, unknown>) => call(attachRoute.POST, "POST", `/api/v1/volumes/${volumeId}/attach`, { cookie: team.cookie, params: { volumeId }, body });
  const detach = (team: TestTeam, volumeId: string) => call(detachRoute.POST, "POST", `/api/v1/volumes/${volumeId}/detach`, { cookie: team.cookie, params: { volumeId } });

  async function createVolume(team: TestTeam, body: Record<string, unknown>): Promise<string> {
    const res = await create(team, body);
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json.volume.id;
  }

  const volumeCount = (teamId: string) => getDb().volume.count({ where: { teamId } });
  const auditCount = (teamId: string) => getDb().auditEvent.count({ where: { teamId } });

  beforeAll(async () => {
    env = setupApiTestEnv({ databaseUrl: await prepare() });
    expect(env.databaseUrl).toBeTruthy();
    admin = await signUp(`admin-${Date.now().toString(36)}@example.test`);
    repo = await createFixtureRepo();
    factory = new FixtureFactory(getDb(), { gitUrl: repo.fileUrl });
    const allow = await call(platform.PUT, "PUT", "/api/v1/platform/settings", { cookie: admin, body: { allowLocalGitSources: true } });
    expect(allow.status).toBe(200);
  });

  describe("create, list, grow", () => {
    it("creates a volume attached to an app, lists it for the team and the app, and counts it in the quota", async () => {
      const t = await newTeam("vol-create");
      const projectId = await createProject(t, "shop");
      const appId = await createApp(t, projectId, "db");
      const res = await create(t, { projectId, name: "data", sizeGib: 2, appId, mountPath: "/var/lib/data/" });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      expect(res.json.volume).toMatchObject({ name: "data", sizeGib: 2, appId, appSlug: "db", mountPath: "/var/lib/data", projectSlug: "shop", runtime: "embedded", state: "pending", provisionedGib: 0, usedBytes: null, deleting: false });
      const all = await call(volumesRoute.GET, "GET", "/api/v1/volumes", { cookie: t.cookie });
      expect(all.json.volumes.map((v: { name: string }) => v.name)).toEqual(["data"]);
      const forApp = await call(volumesRoute.GET, "GET", `/api/v1/volumes?appId=${appId}`, { cookie: t.cookie });
      expect(forApp.json.volumes).toHaveLength(1);
      const usage = await getDb().volume.aggregate({ where: { teamId: t.teamId }, _sum: { sizeGib: true } });
      expect(usage._sum.sizeGib).toBe(2);
      expect(await getDb().auditEvent.count({ where: { teamId: t.teamId, action: "volume.create" } })).toBe(1);
      expect(await getDb().appEvent.count({ where: { appId, kind: "volume_attached" } })).toBe(1);
    });

    it("refuses a size over the team's storage quota with the numbers, and creates nothing", async () => {
      const t = await newTeam("vol-quota");
      await setStorage(t.teamId, 10);
      const projectId = await createProject(t, "shop");
      await createVolume(t, { projectId, name: "first", sizeGib: 6 });
      const before = await volumeCount(t.teamId);
      const res = await create(t, { projectId, name: "second", sizeGib: 5 });
      expect(res.status).toBe(422);
      expect(res.json.error.code).toBe("QUOTA_EXCEEDED");
      expect(res.json.error.message).toContain("storage quota");
      expect(res.json.error.message).toMatch(/needs 5 GiB.*already uses 6 GiB.*quota is 10 GiB/);
      expect(res.json.error.details).toMatchObject({ limit: "storage", usage: 6, requested: 5, value: 10 });
      expect(await volumeCount(t.teamId)).toBe(before);
      // Exactly the rest still fits.
      await createVolume(t, { projectId, name: "second", sizeGib: 4 });
    });

    it("grows a volume within the quota, refuses shrinking and growing past it, and changes nothing on refusal", async () => {
      const t = await newTeam("vol-grow");
      await setStorage(t.teamId, 8);
      const projectId = await createProject(t, "shop");
      const id = await createVolume(t, { projectId, name: "data", sizeGib: 2 });
      const grown = await patch(t, id, { sizeGib: 5 });
      expect(grown.status, JSON.stringify(grown.json)).toBe(200);
      expect(grown.json.volume.sizeGib).toBe(5);
      const shrink = await patch(t, id, { sizeGib: 3 });
      expect(shrink.status).toBe(422);
      expect(shrink.json.error.message).toContain("only grow");
      const over = await patch(t, id, { sizeGib: 9 });
      expect(over.status).toBe(422);
      expect(over.json.error.details).toMatchObject({ limit: "storage", usage: 5, requested: 4, value: 8 });
      expect((await get(t, id)).json.volume.sizeGib).toBe(5);
    });

    it("refuses a bad name, size or backup schedule with the field, and a duplicate name with 409", async () => {
      const t = await newTeam("vol-bad");
      const projectId = await createProject(t, "shop");
      for (const body of [
        { projectId, name: "Not A Label", sizeGib: 1 },
        { projectId, name: "ok", sizeGib: 0 },
        { projectId, name: "ok", sizeGib: 1.5 },
        { projectId, name: "ok" },
      ]) {
        const res = await create(t, body);
        expect(res.status, JSON.stringify(body)).toBe(422);
      }
      const id = await createVolume(t, { projectId, name: "data", sizeGib: 1 });
      const dup = await create(t, { projectId, name: "data", sizeGib: 1 });
      expect(dup.status).toBe(409);
      const cron = await patch(t, id, { backupSchedule: "every day" });
      expect(cron.status).toBe(422);
      expect(JSON.stringify(cron.json.error)).toContain("backupSchedule");
      const seconds = await patch(t, id, { backupSchedule: "*/5 * * * * *" });
      expect(seconds.status).toBe(422);
      const ok = await patch(t, id, { backupSchedule: "0 3 * * *", backupRetention: 5, backupConsistent: true });
      expect(ok.status, JSON.stringify(ok.json)).toBe(200);
      expect(ok.json.volume).toMatchObject({ backupSchedule: "0 3 * * *", backupRetention: 5, backupConsistent: true });
      expect(await volumeCount(t.teamId)).toBe(1);
    });

    it("lets a viewer read volumes but not create, change or delete them", async () => {
      const t = await newTeam("vol-viewer");
      const projectId = await createProject(t, "shop");
      const id = await createVolume(t, { projectId, name: "data", sizeGib: 1 });
      const viewerUser = await factory.user({ teamId: t.teamId, role: "VIEWER" });
      const viewer = { cookie: await factory.sessionCookie(viewerUser.id), teamId: t.teamId };
      expect((await call(members.GET, "GET", "/api/v1/team/members", { cookie: viewer.cookie })).status).toBe(200);
      expect((await get(viewer, id)).status).toBe(200);
      expect((await create(viewer, { projectId, name: "more", sizeGib: 1 })).status).toBe(403);
      expect((await patch(viewer, id, { sizeGib: 2 })).status).toBe(403);
      expect((await remove(viewer, id)).status).toBe(403);
      expect((await get(t, id)).json.volume.sizeGib).toBe(1);
    });
  });

  describe("mount paths", () => {
    it.each([
      ["relative", "data"],
      ["dot-dot", "/srv/../etc"],
      ["dot", "/srv/./data"],
      ["the root", "/"],
      ["/proc", "/proc"],
      ["inside /sys", "/sys/fs"],
      ["/dev", "/dev"],
      ["/etc", "/etc"],
      ["inside /usr", "/usr/local/data"],
      ["a colon", "/srv/a:b"],
    ])("refuses a mount path that is %s, and attaches nothing", async (_what, mountPath) => {
      const t = await newTeam("vol-path");
      const projectId = await createProject(t, "shop");
      const appId = await createApp(t, projectId, "web");
      const id = await createVolume(t, { projectId, name: "data", sizeGib: 1 });
      const before = await auditCount(t.teamId);
      const res = await attach(t, id, { appId, mountPath });
      expect(res.status, JSON.stringify(res.json)).toBe(422);
      expect(res.json.error.fields?.[0]?.path).toBe("mountPath");
      const created = await create(t, { projectId, name: "other", sizeGib: 1, appId, mountPath });
      expect(created.status).toBe(422);
      expect((await get(t, id)).json.volume.appId).toBeNull();
      expect(await volumeCount(t.teamId)).toBe(1);
      expect(await auditCount(t.teamId)).toBe(before);
    });
  });

  describe("attach and detach", () => {
    it("attaches, rolls the live app's replicas, refuses an overlapping path, moves, detaches", async () => {
      const t = await newTeam("vol-attach");
      const projectId = await createProject(t, "shop");
      const appId = await createApp(t, projectId, "web");
      const release = await factory.release(t.teamId, appId);
      await getDb().app.update({ where: { id: appId }, data: { liveReleaseId: release.id, targetReleaseId: release.id } });
      const a = await createVolume(t, { projectId, name: "uploads", sizeGib: 1 });
      const b = await createVolume(t, { projectId, name: "cache", sizeGib: 1 });
      const generation = async () => (await getDb().app.findUniqueOrThrow({ where: { id: appId } })).restartGeneration;
      const g0 = await generation();
      const first = await attach(t, a, { appId, mountPath: "/srv/uploads" });
      expect(first.status, JSON.stringify(first.json)).toBe(202);
      expect(await generation()).toBe(g0 + 1);
      // The same request again changes nothing.
      expect((await attach(t, a, { appId, mountPath: "/srv/uploads" })).status).toBe(200);
      expect(await generation()).toBe(g0 + 1);
      for (const mountPath of ["/srv/uploads", "/srv/uploads/cache", "/srv"]) {
        const clash = await attach(t, b, { appId, mountPath });
        expect(clash.status, mountPath).toBe(409);
        expect(clash.json.error.message).toContain("uploads");
      }
      expect((await attach(t, b, { appId, mountPath: "/srv/cache" })).status).toBe(202);
      const moved = await attach(t, a, { appId, mountPath: "/data/uploads" });
      expect(moved.status).toBe(202);
      expect(moved.json.volume.mountPath).toBe("/data/uploads");
      const listed = await call(volumesRoute.GET, "GET", `/api/v1/volumes?appId=${appId}`, { cookie: t.cookie });
      expect(listed.json.volumes.map((v: { mountPath: string }) => v.mountPath).sort()).toEqual(["/data/uploads", "/srv/cache"]);
      const off = await detach(t, a);
      expect(off.status).toBe(202);
      expect(off.json.volume).toMatchObject({ appId: null, mountPath: "" });
      expect((await detach(t, a)).status).toBe(200);
      expect(await getDb().appEvent.count({ where: { appId, kind: "volume_detached" } })).toBe(1);
    });

    it("refuses attaching to an app of another project, or a volume already attached elsewhere", async () => {
      const t = await newTeam("vol-proj");
      const shop = await createProject(t, "shop");
      const blog = await createProject(t, "blog");
      const web = await createApp(t, shop, "web");
      const api = await createApp(t, shop, "api");
      const posts = await createApp(t, blog, "posts");
      const id = await createVolume(t, { projectId: shop, name: "data", sizeGib: 1 });
      const other = await attach(t, id, { appId: posts, mountPath: "/data" });
      expect(other.status).toBe(422);
      expect(other.json.error.message).toContain("project");
      expect((await attach(t, id, { appId: web, mountPath: "/data" })).status).toBe(202);
      const taken = await attach(t, id, { appId: api, mountPath: "/data" });
      expect(taken.status).toBe(409);
      expect(taken.json.error.message).toContain("web");
      expect((await get(t, id)).json.volume.appId).toBe(web);
    });

    it("refuses deleting an attached volume with 409; a detached one is marked for the runtime to remove", async () => {
      const t = await newTeam("vol-del");
      const projectId = await createProject(t, "shop");
      const appId = await createApp(t, projectId, "web");
      const id = await createVolume(t, { projectId, name: "data", sizeGib: 1, appId, mountPath: "/data" });
      const refused = await remove(t, id);
      expect(refused.status).toBe(409);
      expect(refused.json.error.message).toContain("detach it first");
      expect((await getDb().volume.findUniqueOrThrow({ where: { id } })).deleteRequestedAt).toBeNull();
      expect((await detach(t, id)).status).toBe(202);
      const deleted = await remove(t, id);
      expect(deleted.status).toBe(202);
      expect(deleted.json.volume.deleting).toBe(true);
      expect((await remove(t, id)).status).toBe(200);
      const afterDelete = await attach(t, id, { appId, mountPath: "/data" });
      expect(afterDelete.status).toBe(409);
      expect((await patch(t, id, { sizeGib: 2 })).status).toBe(409);
    });
  });

  it("refuses deleting a project that still has volumes, so their data is never dropped unseen", async () => {
    const t = await newTeam("vol-project-del");
    const projectId = await createProject(t, "shop");
    const id = await createVolume(t, { projectId, name: "data", sizeGib: 1 });
    const refused = await call(projectRoute.DELETE, "DELETE", `/api/v1/projects/${projectId}`, { cookie: t.cookie, params: { projectId } });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toContain("1 volume(s)");
    expect((await get(t, id)).status).toBe(200);
  });

  it("refuses moving a project with volumes to another runtime (their data would stay behind)", async () => {
    const t = await newTeam("vol-project-move");
    const projectId = await createProject(t, "shop");
    await createVolume(t, { projectId, name: "data", sizeGib: 1 });
    const cluster = await factory.cluster();
    const moved = await call(projectRoute.PATCH, "PATCH", `/api/v1/projects/${projectId}`, { cookie: t.cookie, params: { projectId }, body: { runtimeTarget: `cluster:${cluster.name}` } });
    expect(moved.status).toBe(409);
    expect(moved.json.error.message).toContain("data lives on embedded");
    expect((await getDb().project.findUniqueOrThrow({ where: { id: projectId } })).clusterId).toBeNull();
  });

  it("says on the app why a restore into its volume holds it, and stops saying so when the restore ends", async () => {
    const t = await newTeam("vol-held");
    const projectId = await createProject(t, "shop");
    const appId = await createApp(t, projectId, "web");
    const id = await createVolume(t, { projectId, name: "data", sizeGib: 1, appId, mountPath: "/data" });
    const getApp = () => call(appRoute.GET, "GET", `/api/v1/apps/${appId}`, { cookie: t.cookie, params: { appId } });
    expect((await getApp()).json.heldBy).toBeNull();
    const backup = await getDb().volumeBackup.create({ data: { teamId: t.teamId, volumeId: id, volumeName: "data", projectId, status: "SUCCEEDED" } });
    const restore = await getDb().volumeRestore.create({ data: { teamId: t.teamId, backupId: backup.id, volumeId: id } });
    expect((await getApp()).json.heldBy).toContain("volume data is being restored");
    await getDb().volumeRestore.update({ where: { id: restore.id }, data: { status: "SUCCEEDED" } });
    expect((await getApp()).json.heldBy).toBeNull();
  });

  describe("on a Kubernetes cluster (ReadWriteOnce)", () => {
    it("refuses a volume on an app with several replicas, and scaling an app with a volume past 1", async () => {
      const t = await newTeam("vol-rwo");
      const projectId = await createProject(t, "shop");
      const cluster = await factory.cluster();
      await getDb().project.update({ where: { id: projectId }, data: { clusterId: cluster.id } });
      const many = await createApp(t, projectId, "many", { replicas: 2 });
      const one = await createApp(t, projectId, "one");
      const id = await createVolume(t, { projectId, name: "data", sizeGib: 1 });
      expect((await get(t, id)).json.volume.runtime).toBe(`cluster:${cluster.name}`);
      const refused = await attach(t, id, { appId: many, mountPath: "/data" });
      expect(refused.status).toBe(422);
      expect(refused.json.error.message).toContain("ReadWriteOnce");
      expect(refused.json.error.message).toContain("Scale many to 1 replica");
      expect((await attach(t, id, { appId: one, mountPath: "/data" })).status).toBe(202);
      const scale = await call(appRoute.PATCH, "PATCH", `/api/v1/apps/${one}`, { cookie: t.cookie, params: { appId: one }, body: { replicas: 3 } });
      expect(scale.status).toBe(422);
      expect(scale.json.error.message).toContain("ReadWriteOnce");
      expect((await getDb().app.findUniqueOrThrow({ where: { id: one } })).replicas).toBe(1);
    });

    it("lets several replicas share a volume on the embedded runtime (one host)", async () => {
      const t = await newTeam("vol-shared");
      const projectId = await createProject(t, "shop");
      const appId = await createApp(t, projectId, "web", { replicas: 3 });
      const id = await createVolume(t, { projectId, name: "data", sizeGib: 1 });
      expect((await attach(t, id, { appId, mountPath: "/data" })).status).toBe(202);
      const scale = await call(appRoute.PATCH, "PATCH", `/api/v1/apps/${appId}`, { cookie: t.cookie, params: { appId }, body: { replicas: 4 } });
      expect(scale.status, JSON.stringify(scale.json)).toBe(200);
    });
  });

  describe("tenancy", () => {
    it("answers 404 for another team's volume and app, and changes nothing", async () => {
      const a = await newTeam("vol-ten-a");
      const b = await newTeam("vol-ten-b");
      const aProject = await createProject(a, "shop");
      const aApp = await createApp(a, aProject, "web");
      const bProject = await createProject(b, "shop");
      const bApp = await createApp(b, bProject, "web");
      const aVol = await createVolume(a, { projectId: aProject, name: "data", sizeGib: 1 });
      const bVol = await createVolume(b, { projectId: bProject, name: "data", sizeGib: 1 });
      expect((await get(b, aVol)).status).toBe(404);
      expect((await patch(b, aVol, { sizeGib: 3 })).status).toBe(404);
      expect((await remove(b, aVol)).status).toBe(404);
      expect((await attach(b, aVol, { appId: bApp, mountPath: "/data" })).status).toBe(404);
      expect((await detach(b, aVol)).status).toBe(404);
      // Their own volume onto another team's app, or a volume into another team's project.
      expect((await attach(b, bVol, { appId: aApp, mountPath: "/data" })).status).toBe(404);
      expect((await create(b, { projectId: aProject, name: "sneaky", sizeGib: 1 })).status).toBe(404);
      const listed = await call(volumesRoute.GET, "GET", `/api/v1/volumes?projectId=${aProject}`, { cookie: b.cookie });
      expect(listed.json.volumes).toEqual([]);
      const row = await getDb().volume.findUniqueOrThrow({ where: { id: aVol } });
      expect(row).toMatchObject({ sizeGib: 1, appId: null, deleteRequestedAt: null });
      expect(await volumeCount(a.teamId)).toBe(1);
    });
  });
}
