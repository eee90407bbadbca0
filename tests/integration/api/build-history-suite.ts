// Build history and cancel through the API, the way a member (or another team) would call them:
// real sessions, a real database, no daemon (builds are moved through their states in the rows).
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { call, setupApiTestEnv, signUp } from "../../support/api-harness";
import { FixtureFactory } from "../../support/fixtures-factory";
import { createFixtureRepo } from "../../support/git-fixtures";
import * as projects from "@/app/api/v1/projects/route";
import * as projectApps from "@/app/api/v1/projects/[projectId]/apps/route";
import * as deployRoute from "@/app/api/v1/apps/[appId]/deploy/route";
import * as buildsRoute from "@/app/api/v1/apps/[appId]/builds/route";
import * as buildRoute from "@/app/api/v1/builds/[buildId]/route";
import * as cancelRoute from "@/app/api/v1/builds/[buildId]/cancel/route";
import * as platform from "@/app/api/v1/platform/settings/route";
import * as platformTeamQuota from "@/app/api/v1/platform/teams/[teamId]/quota/route";
import * as defaultQuota from "@/app/api/v1/platform/default-quota/route";
import * as me from "@/app/api/v1/me/route";
import { getDb } from "@/server/db";

const CEILING = { cpuMillicores: 8000, memoryMib: 8192, storageGib: 40, maxApps: 40, maxConcurrentBuilds: 4 };

export function defineBuildHistorySuite(prepare: () => Promise<string | undefined>): void {
  let admin: string;
  let ada: { cookie: string; teamId: string; userId: string; name: string };
  let eve: { cookie: string; teamId: string };
  let viewerCookie: string;
  let appId: string;
  let factory: FixtureFactory;

  async function member(email: string) {
    const cookie = await signUp(email);
    const res = await call(me.GET, "GET", "/api/v1/me", { cookie });
    return { cookie, teamId: res.json.team.id as string, userId: res.json.user.id as string, name: email.split("@")[0]! };
  }

  async function history(cookie: string, query = "") {
    return call(buildsRoute.GET, "GET", `/api/v1/apps/${appId}/builds${query}`, { cookie, params: { appId } });
  }

  async function cancel(cookie: string, buildId: string) {
    return call(cancelRoute.POST, "POST", `/api/v1/builds/${buildId}/cancel`, { cookie, params: { buildId } });
  }

  beforeAll(async () => {
    setupApiTestEnv({ databaseUrl: await prepare() });
    admin = await signUp("root@example.test");
    expect((await call(platform.PUT, "PUT", "/api/v1/platform/settings", { cookie: admin, body: { allowLocalGitSources: true } })).status).toBe(200);
    ada = await member("ada@example.test");
    eve = await member("eve@example.test");
    const repo = await createFixtureRepo();
    factory = new FixtureFactory(getDb(), { gitUrl: repo.fileUrl });
    const viewer = await factory.user({ teamId: ada.teamId, role: "VIEWER" });
    viewerCookie = await factory.sessionCookie(viewer.id);
    const project = await call(projects.POST, "POST", "/api/v1/projects", { cookie: ada.cookie, body: { slug: "shop" } });
    const app = await call(projectApps.POST, "POST", `/api/v1/projects/${project.json.id}/apps`, {
      cookie: ada.cookie,
      params: { projectId: project.json.id },
      body: { slug: "web", gitUrl: repo.fileUrl },
    });
    expect(app.status, JSON.stringify(app.json)).toBe(201);
    appId = app.json.id;
  });

  describe("build history", () => {
    it("says who or what triggered each build, with commit, delivery and duration, newest first", async () => {
      const db = getDb();
      const deployed = await call(deployRoute.POST, "POST", `/api/v1/apps/${appId}/deploy`, { cookie: ada.cookie, params: { appId } });
      expect(deployed.status).toBe(202);
      const manualId: string = deployed.json.build.id;
      // The worker's part, written directly: it ran for 4.25 s and recorded the commit it built.
      const started = new Date(Date.now() - 60_000);
      await db.build.update({
        where: { id: manualId },
        data: { status: "SUCCEEDED", startedAt: started, finishedAt: new Date(started.getTime() + 4250), commitSha: "a".repeat(40), commitMessage: "Fix the header", commitAuthor: "Ada Lovelace" },
      });
      const sha = randomBytes(20).toString("hex");
      const push = await db.build.create({
        data: { teamId: ada.teamId, appId, number: 2, gitRef: sha, trigger: "push", commitMessage: "Speed up the index", commitAuthor: "Grace Hopper" },
      });
      // Two deliveries joined this build (the second coalesced into it): the newest is shown.
      for (const [deliveryId, ago] of [["gh-older", 5000], ["gh-newest", 1000]] as const) {
        await db.webhookDelivery.create({
          data: { teamId: ada.teamId, appId, provider: "github", deliveryId, event: "push", ref: "refs/heads/main", branch: "main", commitSha: sha, outcome: "queued", statusCode: 202, payload: "{}", headers: "{}", buildId: push.id, receivedAt: new Date(Date.now() - ago) },
        });
      }
      const redeliver = await db.build.create({ data: { teamId: ada.teamId, appId, number: 3, gitRef: sha, trigger: "redeliver", createdById: ada.userId } });

      const res = await history(ada.cookie);
      expect(res.status).toBe(200);
      expect(res.json.map((b: { number: number }) => b.number)).toEqual([3, 2, 1]);
      const [r, p, m] = res.json;
      expect(m).toMatchObject({ id: manualId, trigger: "manual", triggeredBy: { name: ada.name }, commitMessage: "Fix the header", commitAuthor: "Ada Lovelace", deliveryId: null, durationMs: 4250, canceledBy: null, status: "SUCCEEDED" });
      expect(p).toMatchObject({ id: push.id, trigger: "push", triggeredBy: null, commitMessage: "Speed up the index", commitAuthor: "Grace Hopper", deliveryId: "gh-newest", durationMs: null, gitRef: sha, status: "QUEUED" });
      expect(r).toMatchObject({ id: redeliver.id, trigger: "redeliver", triggeredBy: { name: ada.name }, deliveryId: null });
      // The single-build route answers the same DTO.
      const one = await call(buildRoute.GET, "GET", `/api/v1/builds/${push.id}`, { cookie: ada.cookie, params: { buildId: push.id } });
      expect(one.json).toEqual(p);
      // A viewer reads the history; another team gets 404 and learns nothing.
      expect((await history(viewerCookie)).status).toBe(200);
      const foreign = await history(eve.cookie);
      expect(foreign.status).toBe(404);
      expect(JSON.stringify(foreign.json)).not.toContain("Speed up");
      await db.build.deleteMany({ where: { appId } });
    });

    it("pages with a cursor: 20 by default, at most 100", async () => {
      const db = getDb();
      await db.build.createMany({ data: Array.from({ length: 25 }, (_, i) => ({ teamId: ada.teamId, appId, number: i + 1, gitRef: "main", status: "FAILED" as const })) });
      const first = await history(ada.cookie);
      expect(first.json.map((b: { number: number }) => b.number)).toEqual(Array.from({ length: 20 }, (_, i) => 25 - i));
      const page = await history(ada.cookie, "?limit=10");
      expect(page.json).toHaveLength(10);
      const next = await history(ada.cookie, `?limit=10&cursor=${page.json[9].id}`);
      expect(next.json.map((b: { number: number }) => b.number)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
      const last = await history(ada.cookie, `?limit=10&cursor=${next.json[9].id}`);
      expect(last.json.map((b: { number: number }) => b.number)).toEqual([5, 4, 3, 2, 1]);
      expect((await history(ada.cookie, "?limit=101")).status).toBe(422);
      expect((await history(ada.cookie, "?limit=0")).status).toBe(422);
      await db.build.deleteMany({ where: { appId } });
    });
  });

  describe("cancel", () => {
    it("cancels a queued build at once, audited, and says who", async () => {
      const deployed = await call(deployRoute.POST, "POST", `/api/v1/apps/${appId}/deploy`, { cookie: ada.cookie, params: { appId } });
      const id: string = deployed.json.build.id;
      const res = await cancel(ada.cookie, id);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json).toMatchObject({ id, status: "CANCELED", canceledBy: { name: ada.name }, error: `Canceled by ${ada.name}`, startedAt: null });
      const row = await getDb().build.findUniqueOrThrow({ where: { id } });
      expect(row).toMatchObject({ status: "CANCELED", canceledById: ada.userId, leaseOwner: null });
      expect(row.finishedAt).not.toBeNull();
      const audit = await getDb().auditEvent.findFirstOrThrow({ where: { action: "build.cancel", targetId: id } });
      expect(audit.teamId).toBe(ada.teamId);
      // A new deploy after the cancel queues a new build (the canceled one is not reused).
      const again = await call(deployRoute.POST, "POST", `/api/v1/apps/${appId}/deploy`, { cookie: ada.cookie, params: { appId } });
      expect(again.json.build.id).not.toBe(id);
      await getDb().build.deleteMany({ where: { appId } });
    });

    it("cancels a running build in the database at once (its worker stops it) and clears its lease", async () => {
      const b = await factory.build(ada.teamId, appId, "QUEUED");
      await getDb().build.update({ where: { id: b.id }, data: { status: "RUNNING", startedAt: new Date(), leaseOwner: "host:1:w0", leaseExpiresAt: new Date(Date.now() + 30_000), attempts: 1 } });
      const res = await cancel(ada.cookie, b.id);
      expect(res.status).toBe(200);
      expect(await getDb().build.findUniqueOrThrow({ where: { id: b.id } })).toMatchObject({ status: "CANCELED", leaseOwner: null, leaseExpiresAt: null });
      expect(res.json.durationMs).toBeGreaterThanOrEqual(0);
    });

    it("answers 409 for a finished build and changes nothing", async () => {
      for (const status of ["SUCCEEDED", "FAILED"] as const) {
        const b = await factory.build(ada.teamId, appId, status);
        const res = await cancel(ada.cookie, b.id);
        expect(res.status).toBe(409);
        expect(res.json.error.code).toBe("CONFLICT");
        expect(res.json.error.message).toMatch(new RegExp(`Build #${b.number} has already finished \\(${status.toLowerCase()}\\); only a queued or running build can be canceled`));
        const after = await getDb().build.findUniqueOrThrow({ where: { id: b.id } });
        expect(after).toEqual(b);
        expect(await getDb().auditEvent.count({ where: { action: "build.cancel", targetId: b.id } })).toBe(0);
      }
    });

    it("is 404 for another team's build and 403 for a viewer; the build keeps running", async () => {
      const b = await factory.build(ada.teamId, appId, "QUEUED");
      const foreign = await cancel(eve.cookie, b.id);
      expect(foreign.status).toBe(404);
      expect((await cancel(eve.cookie, "no-such-build")).status).toBe(404);
      const viewer = await cancel(viewerCookie, b.id);
      expect(viewer.status).toBe(403);
      expect((await getDb().build.findUniqueOrThrow({ where: { id: b.id } })).status).toBe("QUEUED");
    });
  });

  describe("the team's build time limit", () => {
    it("is set with the other ceilings (10 s to 6 h) and kept when a client leaves it out", async () => {
      const put = (teamId: string, body: Record<string, unknown>) =>
        call(platformTeamQuota.PUT, "PUT", `/api/v1/platform/teams/${teamId}/quota`, { cookie: admin, params: { teamId }, body });
      expect((await getDb().teamQuota.findUniqueOrThrow({ where: { teamId: ada.teamId } })).buildTimeoutSeconds).toBe(1800);
      expect((await put(ada.teamId, { ...CEILING, buildTimeoutSeconds: 9 })).status).toBe(422);
      expect((await put(ada.teamId, { ...CEILING, buildTimeoutSeconds: 6 * 3600 + 1 })).status).toBe(422);
      const ok = await put(ada.teamId, { ...CEILING, buildTimeoutSeconds: 600 });
      expect(ok.status).toBe(200);
      expect((await put(ada.teamId, CEILING)).status).toBe(200);
      expect((await getDb().teamQuota.findUniqueOrThrow({ where: { teamId: ada.teamId } })).buildTimeoutSeconds).toBe(600);
      // A team owner cannot raise it.
      expect((await call(platformTeamQuota.PUT, "PUT", `/api/v1/platform/teams/${ada.teamId}/quota`, { cookie: ada.cookie, params: { teamId: ada.teamId }, body: { ...CEILING, buildTimeoutSeconds: 21600 } })).status).toBe(403);
      // New teams start from the platform default.
      expect((await call(defaultQuota.PUT, "PUT", "/api/v1/platform/default-quota", { cookie: admin, body: { ...CEILING, buildTimeoutSeconds: 900 } })).status).toBe(200);
      const fresh = await member("fresh@example.test");
      expect((await getDb().teamQuota.findUniqueOrThrow({ where: { teamId: fresh.teamId } })).buildTimeoutSeconds).toBe(900);
      expect((await call(defaultQuota.GET, "GET", "/api/v1/platform/default-quota", { cookie: admin })).json.buildTimeoutSeconds).toBe(900);
    });
  });
}
