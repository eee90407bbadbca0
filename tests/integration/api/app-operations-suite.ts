// App operations (restart, stop, start, scale) and the app's timeline, called the way a client or
// an attacker would: real route handlers, real sessions, a real database. There is no daemon here:
// what is checked is the desired state the web writes (restartGeneration, stopped, replicas), the
// quota it holds, and what it records (events with the person's name, audit events).
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { call, setupApiTestEnv, signUp } from "../../support/api-harness";
import { createFixtureRepo, type FixtureRepo } from "../../support/git-fixtures";
import { FixtureFactory } from "../../support/fixtures-factory";
import * as projects from "@/app/api/v1/projects/route";
import * as projectApps from "@/app/api/v1/projects/[projectId]/apps/route";
import * as appRoute from "@/app/api/v1/apps/[appId]/route";
import * as deployRoute from "@/app/api/v1/apps/[appId]/deploy/route";
import * as restartRoute from "@/app/api/v1/apps/[appId]/restart/route";
import * as stopRoute from "@/app/api/v1/apps/[appId]/stop/route";
import * as startRoute from "@/app/api/v1/apps/[appId]/start/route";
import * as eventsRoute from "@/app/api/v1/apps/[appId]/events/route";
import * as rollbackRoute from "@/app/api/v1/apps/[appId]/releases/[releaseId]/rollback/route";
import * as teamQuotaRoute from "@/app/api/v1/team/quota/route";
import * as platformTeamQuota from "@/app/api/v1/platform/teams/[teamId]/quota/route";
import * as platform from "@/app/api/v1/platform/settings/route";
import * as me from "@/app/api/v1/me/route";
import { getDb } from "@/server/db";
import { createRelease } from "@/server/releases/create-release";
import { runAsFor } from "@/server/runtime/run-as";

const roomy = { cpuMillicores: 4000, memoryMib: 4096, storageGib: 20, maxApps: 20, maxConcurrentBuilds: 2 };

export function defineAppOperationsSuite(prepare: () => Promise<string | undefined>): void {
  let admin: string;
  let repo: FixtureRepo;
  let factory: FixtureFactory;
  let counter = 0;

  interface TestTeam {
    cookie: string;
    teamId: string;
    userId: string;
    /** what the timeline calls this person (sign-up names them after their email's local part) */
    name: string;
  }

  async function newTeam(prefix: string): Promise<TestTeam> {
    counter += 1;
    const name = `${prefix}${counter}`;
    const cookie = await signUp(`${name}@example.test`);
    const res = await call(me.GET, "GET", "/api/v1/me", { cookie });
    expect(res.status).toBe(200);
    return { cookie, teamId: res.json.team.id, userId: res.json.user.id, name };
  }

  async function setCeiling(teamId: string, quota: Partial<typeof roomy>) {
    const res = await call(platformTeamQuota.PUT, "PUT", `/api/v1/platform/teams/${teamId}/quota`, { cookie: admin, params: { teamId }, body: { ...roomy, ...quota } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
  }

  async function createApp(team: TestTeam, slug: string, body: Record<string, unknown> = {}): Promise<string> {
    const p = await call(projects.POST, "POST", "/api/v1/projects", { cookie: team.cookie, body: { slug: `p-${slug}` } });
    expect(p.status, JSON.stringify(p.json)).toBe(201);
    const projectId = p.json.id;
    const res = await call(projectApps.POST, "POST", `/api/v1/projects/${projectId}/apps`, { cookie: team.cookie, params: { projectId }, body: { slug, gitUrl: repo.fileUrl, ...body } });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json.id;
  }

  /** What slipwayd does once a build succeeds and the rollout finishes. */
  async function makeLive(appId: string, buildId?: string) {
    const release = await createRelease({ runAs: runAsFor(""), appId, buildId, imageRef: `localhost/test/app:${randomBytes(3).toString("hex")}`, imageDigest: `sha256:${randomBytes(32).toString("hex")}` });
    await getDb().release.updateMany({ where: { appId, status: "LIVE" }, data: { status: "SUPERSEDED" } });
    await getDb().release.update({ where: { id: release.id }, data: { status: "LIVE", liveAt: new Date() } });
    await getDb().app.update({ where: { id: appId }, data: { liveReleaseId: release.id, targetReleaseId: release.id } });
    return release;
  }

  const op = (handler: unknown, name: string, cookie: string, appId: string) => call(handler, "POST", `/api/v1/apps/${appId}/${name}`, { cookie, params: { appId } });
  const restart = (cookie: string, appId: string) => op(restartRoute.POST, "restart", cookie, appId);
  const stop = (cookie: string, appId: string) => op(stopRoute.POST, "stop", cookie, appId);
  const start = (cookie: string, appId: string) => op(startRoute.POST, "start", cookie, appId);
  const patchApp = (cookie: string, appId: string, body: Record<string, unknown>) => call(appRoute.PATCH, "PATCH", `/api/v1/apps/${appId}`, { cookie, params: { appId }, body });
  const events = (cookie: string, appId: string, query = "") => call(eventsRoute.GET, "GET", `/api/v1/apps/${appId}/events${query}`, { cookie, params: { appId } });
  const usage = async (team: TestTeam) => {
    const res = await call(teamQuotaRoute.GET, "GET", "/api/v1/team/quota", { cookie: team.cookie });
    expect(res.status).toBe(200);
    return res.json.usage as { cpuMillicores: number; memoryMib: number };
  };
  const appRow = (appId: string) => getDb().app.findUniqueOrThrow({ where: { id: appId } });
  const eventRows = (appId: string) => getDb().appEvent.findMany({ where: { appId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  const auditCount = (teamId: string) => getDb().auditEvent.count({ where: { teamId } });

  beforeAll(async () => {
    setupApiTestEnv({ databaseUrl: await prepare() });
    admin = await signUp("admin@example.test");
    repo = await createFixtureRepo();
    factory = new FixtureFactory(getDb(), { gitUrl: repo.fileUrl });
    const allow = await call(platform.PUT, "PUT", "/api/v1/platform/settings", { cookie: admin, body: { allowLocalGitSources: true } });
    expect(allow.status).toBe(200);
  });

  describe("restart", () => {
    it("refuses an app with no live release (409, saying what to do) and changes nothing", async () => {
      const t = await newTeam("ada");
      const appId = await createApp(t, "web");
      const audits = await auditCount(t.teamId);
      const res = await restart(t.cookie, appId);
      expect(res.status).toBe(409);
      expect(res.json.error.code).toBe("CONFLICT");
      expect(res.json.error.message).toMatch(/web has no live release to restart.*Deploy it first/);
      expect((await appRow(appId)).restartGeneration).toBe(0);
      expect(await eventRows(appId)).toEqual([]);
      expect(await auditCount(t.teamId)).toBe(audits);
    });

    it("raises the generation by one and records an event and an audit event naming the person", async () => {
      const t = await newTeam("grace");
      const appId = await createApp(t, "web");
      const live = await makeLive(appId);
      const res = await restart(t.cookie, appId);
      expect(res.status, JSON.stringify(res.json)).toBe(202);
      expect(res.json).toMatchObject({ id: appId, restartGeneration: 1, stopped: false, autoRollback: true });
      expect((await appRow(appId)).restartGeneration).toBe(1);
      expect((await restart(t.cookie, appId)).json.restartGeneration).toBe(2);
      const restarted = (await eventRows(appId)).filter((e) => e.kind === "restarted");
      expect(restarted).toHaveLength(2);
      expect(restarted[0]).toMatchObject({ teamId: t.teamId, message: `restarted v${live.version} by ${t.name} (replicas replaced one at a time)`, releaseId: live.id, actorId: t.userId, actorLabel: t.name });
      const audit = await getDb().auditEvent.findMany({ where: { teamId: t.teamId, action: "app.restart" } });
      expect(audit).toHaveLength(2);
      expect(audit[0]).toMatchObject({ actorId: t.userId, targetType: "app", targetId: appId });
    });

    it("refuses a stopped app (start it instead)", async () => {
      const t = await newTeam("linus");
      const appId = await createApp(t, "web");
      await makeLive(appId);
      expect((await stop(t.cookie, appId)).status).toBe(202);
      const res = await restart(t.cookie, appId);
      expect(res.status).toBe(409);
      expect(res.json.error.message).toMatch(/is stopped.*start it instead/);
      expect((await appRow(appId)).restartGeneration).toBe(0);
    });
  });

  describe("stop and start", () => {
    it("stop frees the quota at once; a second stop is answered and records nothing", async () => {
      const t = await newTeam("barbara");
      const appId = await createApp(t, "web", { cpuMillicores: 300, memoryMib: 128, replicas: 2 });
      const live = await makeLive(appId);
      expect(await usage(t)).toMatchObject({ cpuMillicores: 600, memoryMib: 256 });
      const res = await stop(t.cookie, appId);
      expect(res.status, JSON.stringify(res.json)).toBe(202);
      expect(res.json).toMatchObject({ stopped: true, replicas: 2, liveRelease: { id: live.id } });
      expect(await usage(t)).toMatchObject({ cpuMillicores: 0, memoryMib: 0 });
      const stopped = (await eventRows(appId)).filter((e) => e.kind === "stopped");
      expect(stopped).toHaveLength(1);
      expect(stopped[0]).toMatchObject({ message: `stopped by ${t.name} (was 2 replicas)`, actorId: t.userId, actorLabel: t.name });
      expect(await getDb().auditEvent.count({ where: { teamId: t.teamId, action: "app.stop", actorId: t.userId } })).toBe(1);

      const audits = await auditCount(t.teamId);
      const again = await stop(t.cookie, appId);
      expect(again.status).toBe(200);
      expect(again.json.stopped).toBe(true);
      expect((await eventRows(appId)).filter((e) => e.kind === "stopped")).toHaveLength(1);
      expect(await auditCount(t.teamId)).toBe(audits);
    });

    it("start over quota is refused with limit, usage and value, and the app stays stopped; within quota it starts", async () => {
      const t = await newTeam("margaret");
      await setCeiling(t.teamId, { cpuMillicores: 1000 });
      const web = await createApp(t, "web", { cpuMillicores: 250, replicas: 2 });
      await makeLive(web);
      expect((await stop(t.cookie, web)).status).toBe(202);
      // While web is stopped its 500 millicores are free: another app takes 750 of the 1000.
      const api = await createApp(t, "api", { cpuMillicores: 250, replicas: 3 });
      await makeLive(api);
      expect((await usage(t)).cpuMillicores).toBe(750);

      const audits = await auditCount(t.teamId);
      const refused = await start(t.cookie, web);
      expect(refused.status).toBe(422);
      expect(refused.json.error.code).toBe("QUOTA_EXCEEDED");
      expect(refused.json.error.message).toMatch(/Starting web \(2 replicas\) would exceed the team's cpu quota/);
      expect(refused.json.error.message).toMatch(/needs 500 millicores \(2 × 250\), the team already uses 750 millicores and its quota is 1000 millicores/);
      expect(refused.json.error.details).toMatchObject({ scope: "team", limit: "cpu", usage: 750, requested: 500, value: 1000 });
      expect((await appRow(web)).stopped).toBe(true);
      expect((await usage(t)).cpuMillicores).toBe(750);
      expect((await eventRows(web)).filter((e) => e.kind === "started")).toEqual([]);
      expect(await auditCount(t.teamId)).toBe(audits);

      // Scaling a stopped app takes nothing now; it is the start that is checked (1 × 250 fits).
      const scaled = await patchApp(t.cookie, web, { replicas: 1 });
      expect(scaled.status, JSON.stringify(scaled.json)).toBe(200);
      expect((await usage(t)).cpuMillicores).toBe(750);
      const ok = await start(t.cookie, web);
      expect(ok.status, JSON.stringify(ok.json)).toBe(202);
      expect(ok.json).toMatchObject({ stopped: false, replicas: 1 });
      expect((await usage(t)).cpuMillicores).toBe(1000);
      const timeline = (await eventRows(web)).map((e) => `${e.kind}: ${e.message}`);
      expect(timeline.slice(-3)).toEqual([
        `stopped: stopped by ${t.name} (was 2 replicas)`,
        `scaled: scaled to 1 (was 2) by ${t.name}; stopped, applies when started`,
        `started: started by ${t.name} (1 replica)`,
      ]);
      // Starting a running app is answered and records nothing.
      const audits2 = await auditCount(t.teamId);
      const again = await start(t.cookie, web);
      expect(again.status).toBe(200);
      expect(await auditCount(t.teamId)).toBe(audits2);
    });
  });

  describe("scale", () => {
    it("records 'scaled to N (was M)' with the person; an unchanged scale or another setting records no scale event", async () => {
      const t = await newTeam("hedy");
      const appId = await createApp(t, "web");
      await makeLive(appId);
      const res = await patchApp(t.cookie, appId, { replicas: 3 });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json.replicas).toBe(3);
      expect((await patchApp(t.cookie, appId, { replicas: 3, healthCheckPath: "/healthz" })).status).toBe(200);
      const patched = await patchApp(t.cookie, appId, { autoRollback: false });
      expect(patched.status).toBe(200);
      expect(patched.json.autoRollback).toBe(false);
      expect((await appRow(appId)).autoRollback).toBe(false);
      const scaled = (await eventRows(appId)).filter((e) => e.kind === "scaled");
      expect(scaled).toHaveLength(1);
      expect(scaled[0]).toMatchObject({ message: `scaled to 3 (was 1) by ${t.name}`, actorId: t.userId, actorLabel: t.name });
    });
  });

  describe("deploy and rollback on the timeline", () => {
    it("a release made for a person's build reads 'deploying vN (build #M by …)'; a rollback 'rolled back to vN by …'", async () => {
      const t = await newTeam("katherine");
      const appId = await createApp(t, "web");
      const deploy = await call(deployRoute.POST, "POST", `/api/v1/apps/${appId}/deploy`, { cookie: t.cookie, params: { appId } });
      expect(deploy.status, JSON.stringify(deploy.json)).toBe(202);
      const v1 = await makeLive(appId, deploy.json.build.id);
      await makeLive(appId);
      const rollback = await call(rollbackRoute.POST, "POST", `/api/v1/apps/${appId}/releases/${v1.id}/rollback`, { cookie: t.cookie, params: { appId, releaseId: v1.id } });
      expect(rollback.status, JSON.stringify(rollback.json)).toBe(202);
      const rows = await eventRows(appId);
      expect(rows.map((e) => `${e.kind}: ${e.message}`)).toEqual([
        `deploy_started: deploying v1 (build #${deploy.json.build.number} by ${t.name})`,
        "deploy_started: deploying v2",
        `rolled_back: rolled back to v1 by ${t.name} (as v3)`,
      ]);
      expect(rows[0]).toMatchObject({ actorId: t.userId, actorLabel: t.name, releaseId: v1.id });
      expect(rows[1]).toMatchObject({ actorId: null, actorLabel: null });
      expect(rows[2]).toMatchObject({ actorId: t.userId, releaseId: rollback.json.id });
    });
  });

  describe("who may", () => {
    it("a viewer gets 403 for restart, stop, start and scale, and nothing changes; they may read the timeline", async () => {
      const t = await newTeam("viewer-team");
      const appId = await createApp(t, "web");
      await makeLive(appId);
      const viewer = await factory.user({ teamId: t.teamId, role: "VIEWER" });
      const cookie = await factory.sessionCookie(viewer.id);
      const before = await appRow(appId);
      const audits = await auditCount(t.teamId);
      const eventsBefore = (await eventRows(appId)).length;
      for (const res of [await restart(cookie, appId), await stop(cookie, appId), await start(cookie, appId), await patchApp(cookie, appId, { replicas: 5 })]) {
        expect(res.status).toBe(403);
      }
      await getDb().app.update({ where: { id: appId }, data: { stopped: true } });
      expect((await start(cookie, appId)).status).toBe(403);
      await getDb().app.update({ where: { id: appId }, data: { stopped: false } });
      const after = await appRow(appId);
      expect({ ...after, updatedAt: null }).toEqual({ ...before, updatedAt: null });
      expect(await auditCount(t.teamId)).toBe(audits);
      expect(await eventRows(appId)).toHaveLength(eventsBefore);
      expect((await events(cookie, appId)).status).toBe(200);
    });

    it("another team gets 404 for every operation and the timeline, and nothing changes", async () => {
      const owner = await newTeam("owner");
      const other = await newTeam("intruder");
      const appId = await createApp(owner, "web");
      await makeLive(appId);
      await getDb().app.update({ where: { id: appId }, data: { stopped: false } });
      const before = await appRow(appId);
      const eventsBefore = (await eventRows(appId)).length;
      for (const res of [await restart(other.cookie, appId), await stop(other.cookie, appId), await start(other.cookie, appId), await events(other.cookie, appId), await patchApp(other.cookie, appId, { replicas: 2 })]) {
        expect(res.status).toBe(404);
        expect(JSON.stringify(res.json)).not.toContain(before.slug);
      }
      await getDb().app.update({ where: { id: appId }, data: { stopped: true } });
      expect((await start(other.cookie, appId)).status).toBe(404);
      await getDb().app.update({ where: { id: appId }, data: { stopped: false } });
      expect({ ...(await appRow(appId)), updatedAt: null }).toEqual({ ...before, updatedAt: null });
      expect(await eventRows(appId)).toHaveLength(eventsBefore);
      expect(await getDb().auditEvent.count({ where: { teamId: other.teamId, action: { startsWith: "app." } } })).toBe(0);
    });
  });

  describe("the timeline", () => {
    it("is newest first, pages with a cursor, and never shows another team's events", async () => {
      const t = await newTeam("ida");
      const other = await newTeam("otto");
      const appId = await createApp(t, "web");
      await makeLive(appId);
      const otherApp = await createApp(other, "web");
      await makeLive(otherApp);
      // deploy_started (from makeLive), then five operations.
      expect((await restart(t.cookie, appId)).status).toBe(202);
      expect((await patchApp(t.cookie, appId, { replicas: 2 })).status).toBe(200);
      expect((await stop(t.cookie, appId)).status).toBe(202);
      expect((await start(t.cookie, appId)).status).toBe(202);
      expect((await restart(t.cookie, appId)).status).toBe(202);
      expect((await restart(other.cookie, otherApp)).status).toBe(202);
      const recorded = await eventRows(appId);
      expect(recorded).toHaveLength(6);

      const all = await events(t.cookie, appId);
      expect(all.status).toBe(200);
      expect(all.json.items.map((e: { kind: string }) => e.kind)).toEqual(["restarted", "started", "stopped", "scaled", "restarted", "deploy_started"]);
      expect(all.json.nextCursor).toBeNull();
      expect(all.json.items[0]).toMatchObject({ actor: { id: t.userId, label: t.name }, releaseId: expect.any(String), createdAt: expect.any(String) });
      expect(all.json.items[5].actor).toBeNull();

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await events(t.cookie, appId, `?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        expect(res.status).toBe(200);
        expect(res.json.items.length).toBeLessThanOrEqual(4);
        seen.push(...res.json.items.map((e: { id: string }) => e.id));
        cursor = res.json.nextCursor;
        pages += 1;
      } while (cursor && pages < 5);
      expect(pages).toBe(2);
      expect(seen).toEqual(all.json.items.map((e: { id: string }) => e.id));

      // The other team's timeline holds only its own; its event ids as a cursor read as no cursor.
      const theirs = await events(other.cookie, otherApp);
      expect(theirs.json.items.map((e: { kind: string }) => e.kind)).toEqual(["restarted", "deploy_started"]);
      const foreignCursor = await events(t.cookie, appId, `?limit=2&cursor=${theirs.json.items[0].id}`);
      expect(foreignCursor.status).toBe(200);
      expect(foreignCursor.json.items.map((e: { id: string }) => e.id)).toEqual(seen.slice(0, 2));
      expect(JSON.stringify(all.json)).not.toContain(other.name);
      expect((await events(t.cookie, appId, "?limit=101")).status).toBe(422);
      expect((await events(t.cookie, appId, "?limit=0")).status).toBe(422);
    });
  });
}
