// Quotas the way a tenant would try to get around them: through the API, with real sessions and a
// real database. Every refusal must name the limit, the usage and the value, and change nothing.
// There is no daemon here: an app is made "live" by creating its release and marking it LIVE.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { ApiTestEnv } from "../../support/api-harness";
import { call, setupApiTestEnv, signUp } from "../../support/api-harness";
import { createFixtureRepo, type FixtureRepo } from "../../support/git-fixtures";
import * as projects from "@/app/api/v1/projects/route";
import * as projectApps from "@/app/api/v1/projects/[projectId]/apps/route";
import * as projectQuota from "@/app/api/v1/projects/[projectId]/quota/route";
import * as appRoute from "@/app/api/v1/apps/[appId]/route";
import * as deployRoute from "@/app/api/v1/apps/[appId]/deploy/route";
import * as rollbackRoute from "@/app/api/v1/apps/[appId]/releases/[releaseId]/rollback/route";
import * as teamQuotaRoute from "@/app/api/v1/team/quota/route";
import * as platformTeams from "@/app/api/v1/platform/teams/route";
import * as platformTeamQuota from "@/app/api/v1/platform/teams/[teamId]/quota/route";
import * as defaultQuota from "@/app/api/v1/platform/default-quota/route";
import * as platform from "@/app/api/v1/platform/settings/route";
import * as me from "@/app/api/v1/me/route";
import { getDb } from "@/server/db";
import { createRelease } from "@/server/releases/create-release";
import { runAsFor } from "@/server/runtime/run-as";
import type { TeamQuotaInput } from "@/server/quotas/schemas";

const roomy: TeamQuotaInput = { cpuMillicores: 4000, memoryMib: 4096, storageGib: 20, maxApps: 20, maxConcurrentBuilds: 2 };

export function defineQuotaSuite(prepare: () => Promise<string | undefined>): void {
  let env: ApiTestEnv;
  let admin: string; // first user: the platform admin
  let repo: FixtureRepo;
  let counter = 0;

  interface TestTeam {
    cookie: string;
    teamId: string;
  }

  async function newTeam(prefix: string): Promise<TestTeam> {
    counter += 1;
    const cookie = await signUp(`${prefix}${counter}@example.test`);
    const res = await call(me.GET, "GET", "/api/v1/me", { cookie });
    expect(res.status).toBe(200);
    return { cookie, teamId: res.json.team.id };
  }

  async function setCeiling(teamId: string, quota: Partial<TeamQuotaInput>) {
    const res = await call(platformTeamQuota.PUT, "PUT", `/api/v1/platform/teams/${teamId}/quota`, { cookie: admin, params: { teamId }, body: { ...roomy, ...quota } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
  }

  async function createProject(team: TestTeam, slug = "shop"): Promise<string> {
    const res = await call(projects.POST, "POST", "/api/v1/projects", { cookie: team.cookie, body: { slug } });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json.id;
  }

  async function tryCreateApp(team: TestTeam, projectId: string, slug: string, body: Record<string, unknown> = {}) {
    return call(projectApps.POST, "POST", `/api/v1/projects/${projectId}/apps`, { cookie: team.cookie, params: { projectId }, body: { slug, gitUrl: repo.fileUrl, ...body } });
  }

  async function createApp(team: TestTeam, projectId: string, slug: string, body: Record<string, unknown> = {}): Promise<string> {
    const res = await tryCreateApp(team, projectId, slug, body);
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json.id;
  }

  /** What slipwayd does once a build succeeds and the rollout finishes. */
  async function makeLive(appId: string) {
    const release = await createRelease({ runAs: runAsFor(""), appId, imageRef: `localhost/test/app:${randomBytes(3).toString("hex")}`, imageDigest: `sha256:${randomBytes(32).toString("hex")}` });
    await getDb().release.updateMany({ where: { appId, status: "LIVE" }, data: { status: "SUPERSEDED" } });
    await getDb().release.update({ where: { id: release.id }, data: { status: "LIVE", liveAt: new Date() } });
    await getDb().app.update({ where: { id: appId }, data: { liveReleaseId: release.id, targetReleaseId: release.id } });
    return release;
  }

  const patchApp = (team: TestTeam, appId: string, body: Record<string, unknown>) =>
    call(appRoute.PATCH, "PATCH", `/api/v1/apps/${appId}`, { cookie: team.cookie, params: { appId }, body });

  const teamQuota = async (team: TestTeam) => {
    const res = await call(teamQuotaRoute.GET, "GET", "/api/v1/team/quota", { cookie: team.cookie });
    expect(res.status).toBe(200);
    return res.json;
  };

  beforeAll(async () => {
    env = setupApiTestEnv({ databaseUrl: await prepare() });
    expect(env.databaseUrl).toBeTruthy();
    admin = await signUp("admin@example.test");
    repo = await createFixtureRepo();
    const allow = await call(platform.PUT, "PUT", "/api/v1/platform/settings", { cookie: admin, body: { allowLocalGitSources: true } });
    expect(allow.status).toBe(200);
  });

  describe("who owns the ceiling", () => {
    it("refuses a team owner who tries to raise their own team's quota, and leaves it unchanged", async () => {
      const owner = await newTeam("owner");
      const before = await getDb().teamQuota.findUniqueOrThrow({ where: { teamId: owner.teamId } });
      // The team's own quota route is read-only now (Next.js answers 405 for a method a route lacks).
      expect("PUT" in teamQuotaRoute).toBe(false);
      const own = await call(platformTeamQuota.PUT, "PUT", `/api/v1/platform/teams/${owner.teamId}/quota`, {
        cookie: owner.cookie,
        params: { teamId: owner.teamId },
        body: { ...roomy, cpuMillicores: 1_000_000, memoryMib: 10_000_000 },
      });
      expect(own.status).toBe(403);
      const dflt = await call(defaultQuota.PUT, "PUT", "/api/v1/platform/default-quota", { cookie: owner.cookie, body: { ...roomy, cpuMillicores: 1_000_000 } });
      expect(dflt.status).toBe(403);
      expect((await call(platformTeams.GET, "GET", "/api/v1/platform/teams", { cookie: owner.cookie })).status).toBe(403);
      expect((await call(defaultQuota.GET, "GET", "/api/v1/platform/default-quota", { cookie: owner.cookie })).status).toBe(403);
      const after = await getDb().teamQuota.findUniqueOrThrow({ where: { teamId: owner.teamId } });
      expect(after).toEqual(before);
      expect((await getDb().platformSettings.findUniqueOrThrow({ where: { id: "platform" } })).defaultCpuMillicores).not.toBe(1_000_000);
    });

    it("lets the platform admin set a team's ceiling and list every team with its usage", async () => {
      const t = await newTeam("ceiling");
      const projectId = await createProject(t);
      const appId = await createApp(t, projectId, "web", { cpuMillicores: 300, memoryMib: 128, replicas: 2 });
      await makeLive(appId);
      await setCeiling(t.teamId, { cpuMillicores: 1234, memoryMib: 2048, maxApps: 7 });
      expect((await teamQuota(t)).quota).toMatchObject({ cpuMillicores: 1234, memoryMib: 2048, maxApps: 7 });
      const list = await call(platformTeams.GET, "GET", "/api/v1/platform/teams", { cookie: admin });
      expect(list.status).toBe(200);
      const row = list.json.find((r: { id: string }) => r.id === t.teamId);
      expect(row.quota).toMatchObject({ cpuMillicores: 1234, memoryMib: 2048, maxApps: 7 });
      expect(row.usage).toMatchObject({ cpuMillicores: 600, memoryMib: 256, apps: 1 });
      const audit = await getDb().auditEvent.findFirst({ where: { teamId: t.teamId, action: "team.quota.update" } });
      expect(audit).not.toBeNull();
      const missing = await call(platformTeamQuota.PUT, "PUT", "/api/v1/platform/teams/nope/quota", { cookie: admin, params: { teamId: "nope" }, body: roomy });
      expect(missing.status).toBe(404);
      const bad = await call(platformTeamQuota.PUT, "PUT", `/api/v1/platform/teams/${t.teamId}/quota`, { cookie: admin, params: { teamId: t.teamId }, body: { ...roomy, cpuMillicores: -1 } });
      expect(bad.status).toBe(422);
      expect((await teamQuota(t)).quota.cpuMillicores).toBe(1234);
    });

    it("gives a new sign-up the platform's default quota for new teams", async () => {
      const custom = { cpuMillicores: 1500, memoryMib: 1536, storageGib: 5, maxApps: 3, maxConcurrentBuilds: 1, buildTimeoutSeconds: 600 };
      const set = await call(defaultQuota.PUT, "PUT", "/api/v1/platform/default-quota", { cookie: admin, body: custom });
      expect(set.status).toBe(200);
      expect((await call(defaultQuota.GET, "GET", "/api/v1/platform/default-quota", { cookie: admin })).json).toEqual(custom);
      const fresh = await newTeam("fresh");
      expect((await teamQuota(fresh)).quota).toEqual(custom);
      await call(defaultQuota.PUT, "PUT", "/api/v1/platform/default-quota", { cookie: admin, body: roomy });
    });
  });

  describe("scaling a live app", () => {
    it("refuses PATCH replicas 20 on a live app past the ceiling, naming limit, usage and value; the row is unchanged", async () => {
      const t = await newTeam("scale");
      await setCeiling(t.teamId, { cpuMillicores: 4000 });
      const projectId = await createProject(t);
      const appId = await createApp(t, projectId, "web");
      await makeLive(appId);
      const res = await patchApp(t, appId, { replicas: 20 });
      expect(res.status).toBe(422);
      expect(res.json.error.code).toBe("QUOTA_EXCEEDED");
      expect(res.json.error.message).toMatch(/Scaling web to 20 replicas would exceed the team's cpu quota/);
      expect(res.json.error.message).toMatch(/needs 5000 millicores \(20 × 250\)/);
      expect(res.json.error.message).toMatch(/already uses 0 millicores/);
      expect(res.json.error.message).toMatch(/quota is 4000 millicores/);
      expect(res.json.error.details).toMatchObject({ scope: "team", limit: "cpu", usage: 0, requested: 5000, value: 4000 });
      expect((await getDb().app.findUniqueOrThrow({ where: { id: appId } })).replicas).toBe(1);
      expect((await teamQuota(t)).usage.cpuMillicores).toBe(250);
      // Within the ceiling it is allowed, and counts at once.
      const ok = await patchApp(t, appId, { replicas: 16 });
      expect(ok.status).toBe(200);
      expect((await teamQuota(t)).usage.cpuMillicores).toBe(4000);
      // Scaling down is always allowed, even over a lowered ceiling.
      await setCeiling(t.teamId, { cpuMillicores: 1000 });
      expect((await patchApp(t, appId, { replicas: 8 })).status).toBe(200);
    });

    it("lets only one of two concurrent scale-ups that each fit alone pass, never past the ceiling", async () => {
      const t = await newTeam("race");
      // Two live apps at 250 millicores: 500 used. Each scale-up to 3 replicas (+500) fits alone.
      await setCeiling(t.teamId, { cpuMillicores: 1000 });
      const projectId = await createProject(t);
      const a = await createApp(t, projectId, "a");
      const b = await createApp(t, projectId, "b");
      await makeLive(a);
      await makeLive(b);
      for (let round = 0; round < 5; round++) {
        await getDb().app.updateMany({ where: { id: { in: [a, b] } }, data: { replicas: 1 } });
        const results = await Promise.all([patchApp(t, a, { replicas: 3 }), patchApp(t, b, { replicas: 3 })]);
        const statuses = results.map((r) => r.status).sort();
        expect(statuses, `round ${round}: ${JSON.stringify(results.map((r) => r.json?.error ?? "ok"))}`).toEqual([200, 422]);
        expect(results.find((r) => r.status === 422)!.json.error.code).toBe("QUOTA_EXCEEDED");
        const usage = (await teamQuota(t)).usage.cpuMillicores;
        expect(usage).toBe(1000);
        const rows = await getDb().app.findMany({ where: { id: { in: [a, b] } } });
        expect(rows.map((r) => r.replicas).sort()).toEqual([1, 3]);
      }
    });
  });

  describe("deploy and rollback", () => {
    it("refuses a deploy past the ceiling and queues nothing", async () => {
      const t = await newTeam("deploy");
      await setCeiling(t.teamId, { memoryMib: 1000 });
      const projectId = await createProject(t);
      const appId = await createApp(t, projectId, "big", { memoryMib: 512, replicas: 2 });
      const res = await call(deployRoute.POST, "POST", `/api/v1/apps/${appId}/deploy`, { cookie: t.cookie, params: { appId } });
      expect(res.status).toBe(422);
      expect(res.json.error.message).toMatch(/Deploying big would exceed the team's memory quota: it needs 1024 MiB \(2 × 512\)/);
      expect(res.json.error.details).toMatchObject({ limit: "memory", usage: 0, requested: 1024, value: 1000 });
      expect(await getDb().build.count({ where: { appId } })).toBe(0);
    });

    it("counts a queued build at the app row's size, and refuses resizing it past the ceiling", async () => {
      const t = await newTeam("queued");
      await setCeiling(t.teamId, { cpuMillicores: 1000 });
      const projectId = await createProject(t);
      const appId = await createApp(t, projectId, "web", { cpuMillicores: 400 });
      expect((await call(deployRoute.POST, "POST", `/api/v1/apps/${appId}/deploy`, { cookie: t.cookie, params: { appId } })).status).toBe(202);
      expect((await teamQuota(t)).usage.cpuMillicores).toBe(400);
      // The queued build will release the app row: growing it is checked.
      const res = await patchApp(t, appId, { cpuMillicores: 1200 });
      expect(res.status).toBe(422);
      expect(res.json.error.details).toMatchObject({ limit: "cpu", requested: 1200, value: 1000 });
      expect((await getDb().app.findUniqueOrThrow({ where: { id: appId } })).cpuMillicores).toBe(400);
    });

    it("refuses a rollback to a release bigger than the ceiling allows, and creates no release", async () => {
      const t = await newTeam("rollback");
      const projectId = await createProject(t);
      const appId = await createApp(t, projectId, "web", { cpuMillicores: 1500 });
      const v1 = await makeLive(appId);
      expect(v1.cpuMillicores).toBe(1500);
      expect((await patchApp(t, appId, { cpuMillicores: 500 })).status).toBe(200);
      await makeLive(appId); // v2 at 500
      await setCeiling(t.teamId, { cpuMillicores: 1000 });
      const releases = await getDb().release.count({ where: { appId } });
      const res = await call(rollbackRoute.POST, "POST", `/api/v1/apps/${appId}/releases/${v1.id}/rollback`, { cookie: t.cookie, params: { appId, releaseId: v1.id } });
      expect(res.status).toBe(422);
      expect(res.json.error.message).toMatch(/Rolling web back to v1 would exceed the team's cpu quota: it needs 1500 millicores/);
      expect(res.json.error.details).toMatchObject({ limit: "cpu", usage: 0, requested: 1500, value: 1000 });
      expect(await getDb().release.count({ where: { appId } })).toBe(releases);
      await setCeiling(t.teamId, { cpuMillicores: 2000 });
      const ok = await call(rollbackRoute.POST, "POST", `/api/v1/apps/${appId}/releases/${v1.id}/rollback`, { cookie: t.cookie, params: { appId, releaseId: v1.id } });
      expect(ok.status).toBe(202);
      // The rollback's target counts at its size while it rolls out, alongside nothing else.
      expect((await teamQuota(t)).usage.cpuMillicores).toBe(1500);
      const created = await getDb().release.findUniqueOrThrow({ where: { id: ok.json.id } });
      expect(created).toMatchObject({ cpuMillicores: 1500, status: "PENDING" });
    });
  });

  describe("number of apps", () => {
    it("refuses an app past the team's maxApps and past the project's limit", async () => {
      const t = await newTeam("apps");
      await setCeiling(t.teamId, { maxApps: 2 });
      const p1 = await createProject(t, "one");
      const p2 = await createProject(t, "two");
      await createApp(t, p1, "a");
      await createApp(t, p2, "b");
      const over = await tryCreateApp(t, p1, "c");
      expect(over.status).toBe(422);
      expect(over.json.error.code).toBe("QUOTA_EXCEEDED");
      expect(over.json.error.message).toMatch(/exceed the team's apps quota: it needs 1 apps, the team already uses 2 apps and its quota is 2 apps/);
      expect(over.json.error.details).toMatchObject({ scope: "team", limit: "apps", usage: 2, requested: 1, value: 2 });

      await setCeiling(t.teamId, { maxApps: 10 });
      expect((await call(projectQuota.PUT, "PUT", `/api/v1/projects/${p1}/quota`, { cookie: t.cookie, params: { projectId: p1 }, body: { cpuMillicores: null, memoryMib: null, storageGib: null, maxApps: 1 } })).status).toBe(200);
      const projectOver = await tryCreateApp(t, p1, "c");
      expect(projectOver.status).toBe(422);
      expect(projectOver.json.error.message).toMatch(/exceed project one's apps limit: it needs 1 apps, the project already uses 1 apps and its limit is 1 apps/);
      expect(projectOver.json.error.details).toMatchObject({ scope: "project", limit: "apps", usage: 1, value: 1 });
      // Another project of the same team still has room.
      expect((await tryCreateApp(t, p2, "c")).status).toBe(201);
      expect(await getDb().app.count({ where: { teamId: t.teamId } })).toBe(3);
    });
  });

  describe("project limits", () => {
    it("divides the team's quota: a project's cpu limit refuses a scale-up the team could afford", async () => {
      const t = await newTeam("projects");
      await setCeiling(t.teamId, { cpuMillicores: 4000 });
      const shop = await createProject(t, "shop");
      const blog = await createProject(t, "blog");
      const web = await createApp(t, shop, "web");
      await makeLive(web);
      const put = await call(projectQuota.PUT, "PUT", `/api/v1/projects/${shop}/quota`, {
        cookie: t.cookie,
        params: { projectId: shop },
        body: { cpuMillicores: 500, memoryMib: null, storageGib: null, maxApps: null },
      });
      expect(put.status).toBe(200);
      expect(put.json.limits).toEqual({ cpuMillicores: 500, memoryMib: null, storageGib: null, maxApps: null });
      const res = await patchApp(t, web, { replicas: 3 });
      expect(res.status).toBe(422);
      expect(res.json.error.message).toMatch(/Scaling web to 3 replicas would exceed project shop's cpu limit: it needs 750 millicores \(3 × 250\), the project already uses 0 millicores and its limit is 500 millicores/);
      expect(res.json.error.details).toMatchObject({ scope: "project", limit: "cpu", usage: 0, requested: 750, value: 500 });
      expect((await patchApp(t, web, { replicas: 2 })).status).toBe(200);

      // A limit above the team's ceiling is refused, and so is another team's project (404).
      const above = await call(projectQuota.PUT, "PUT", `/api/v1/projects/${blog}/quota`, {
        cookie: t.cookie,
        params: { projectId: blog },
        body: { cpuMillicores: 5000, memoryMib: null, storageGib: null, maxApps: null },
      });
      expect(above.status).toBe(422);
      expect(above.json.error.message).toMatch(/above the team's quota of 4000/);
      const other = await newTeam("other");
      const foreign = await call(projectQuota.PUT, "PUT", `/api/v1/projects/${shop}/quota`, {
        cookie: other.cookie,
        params: { projectId: shop },
        body: { cpuMillicores: null, memoryMib: null, storageGib: null, maxApps: null },
      });
      expect(foreign.status).toBe(404);
      expect(JSON.stringify(foreign.json)).not.toContain("shop");
      const row = await getDb().project.findUniqueOrThrow({ where: { id: shop } });
      expect(row.quotaCpuMillicores).toBe(500);
      const blogRow = await getDb().project.findUniqueOrThrow({ where: { id: blog } });
      expect(blogRow.quotaCpuMillicores).toBeNull();

      // The team page shows usage per project and per app, with the project's limits.
      const q = await teamQuota(t);
      expect(q.projects.find((p: { id: string }) => p.id === shop)).toMatchObject({ slug: "shop", limits: { cpuMillicores: 500 }, usage: { cpuMillicores: 500, apps: 1 } });
      expect(q.projects.find((p: { id: string }) => p.id === blog)).toMatchObject({ slug: "blog", usage: { cpuMillicores: 0, apps: 0 } });
      expect(q.apps).toEqual([expect.objectContaining({ id: web, slug: "web", projectId: shop, replicas: 2, cpuMillicores: 500, memoryMib: 512 })]);
    });
  });

  describe("usage comes from what runs, not from editable rows", () => {
    it("does not count a never-deployed app's size, and counts a live app at its release's size", async () => {
      const t = await newTeam("usage");
      await setCeiling(t.teamId, { cpuMillicores: 1000 });
      const projectId = await createProject(t);
      const idle = await createApp(t, projectId, "idle");
      // Never deployed: its size is a setting for the next deploy, it holds nothing.
      expect((await patchApp(t, idle, { cpuMillicores: 64_000 })).status).toBe(200);
      expect((await teamQuota(t)).usage).toMatchObject({ cpuMillicores: 0, memoryMib: 0, apps: 1 });

      const live = await createApp(t, projectId, "live", { cpuMillicores: 300, memoryMib: 200, replicas: 2 });
      await makeLive(live);
      expect((await teamQuota(t)).usage).toMatchObject({ cpuMillicores: 600, memoryMib: 400 });
      // Resizing the row of a live app changes nothing that runs until the next deploy...
      expect((await patchApp(t, live, { cpuMillicores: 100, memoryMib: 50 })).status).toBe(200);
      expect((await teamQuota(t)).usage).toMatchObject({ cpuMillicores: 600, memoryMib: 400 });
      // ...and growing it is not a way to dodge the check at deploy time.
      expect((await patchApp(t, live, { cpuMillicores: 2000 })).status).toBe(200);
      const deploy = await call(deployRoute.POST, "POST", `/api/v1/apps/${live}/deploy`, { cookie: t.cookie, params: { appId: live } });
      expect(deploy.status).toBe(422);
      expect(deploy.json.error.details).toMatchObject({ limit: "cpu", usage: 0, requested: 4000, value: 1000 });
    });
  });
}
