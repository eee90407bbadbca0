// The API the way a client — or an attacker in another team — calls it: real sessions, real
// SQLite, real git. Every refusal must also leave the database unchanged.
import { beforeAll, describe, expect, it } from "vitest";
import type { ApiTestEnv } from "../../support/api-harness";
import { call, setupApiTestEnv, signUp } from "../../support/api-harness";
import { createFixtureRepo, type FixtureRepo } from "../../support/git-fixtures";
import * as projects from "@/app/api/v1/projects/route";
import * as projectApps from "@/app/api/v1/projects/[projectId]/apps/route";
import * as appRoute from "@/app/api/v1/apps/[appId]/route";
import * as deployRoute from "@/app/api/v1/apps/[appId]/deploy/route";
import * as buildsRoute from "@/app/api/v1/apps/[appId]/builds/route";
import * as invitations from "@/app/api/v1/team/invitations/route";
import * as invitation from "@/app/api/v1/invitations/[token]/route";
import * as member from "@/app/api/v1/team/members/[userId]/route";
import * as teamQuota from "@/app/api/v1/platform/teams/[teamId]/quota/route";
import * as platform from "@/app/api/v1/platform/settings/route";
import * as me from "@/app/api/v1/me/route";
import { getDb } from "@/server/db";

let alice: string; // first user: platform admin, owner of team "default"
let bob: string; // second user: owner of his own team
let repo: FixtureRepo;
let projectId: string;
let appId: string;

/** The same journey on each database: `prepare` returns the database URL to use (or undefined for SQLite). */
export function defineTenancySuite(prepare: () => Promise<string | undefined>): void {
  let env: ApiTestEnv;
  beforeAll(async () => {
    env = setupApiTestEnv({ databaseUrl: await prepare() });
    expect(env.databaseUrl).toBeTruthy();
    alice = await signUp("alice@example.test");
    bob = await signUp("bob@example.test");
    repo = await createFixtureRepo();
  });

  describe("sign-up and tenancy", () => {
    it("makes the first user platform admin and owner of the default team, and gives later users their own team", async () => {
      const a = await call(me.GET, "GET", "/api/v1/me", { cookie: alice });
      expect(a.status).toBe(200);
      expect(a.json.user.isPlatformAdmin).toBe(true);
      expect(a.json.team).toMatchObject({ slug: "default", role: "OWNER" });
      const b = await call(me.GET, "GET", "/api/v1/me", { cookie: bob });
      expect(b.json.user.isPlatformAdmin).toBe(false);
      expect(b.json.team.slug).toBe("bob");
    });

    it("refuses requests without a session", async () => {
      const res = await call(projects.GET, "GET", "/api/v1/projects");
      expect(res.status).toBe(401);
    });
  });

  describe("projects and apps", () => {
    it("rejects a project name that is not a DNS-1123 label and creates nothing", async () => {
      for (const slug of ["Shop", "shop_1", "-shop", "shop-", "", "a".repeat(41)]) {
        const res = await call(projects.POST, "POST", "/api/v1/projects", { cookie: alice, body: { slug } });
        expect(res.status, slug).toBe(422);
        expect(res.json.error.fields[0].path).toBe("slug");
      }
      expect(await getDb().project.count()).toBe(0);
    });

    it("creates a project and refuses a duplicate name", async () => {
      const res = await call(projects.POST, "POST", "/api/v1/projects", { cookie: alice, body: { slug: "shop" } });
      expect(res.status).toBe(201);
      projectId = res.json.id;
      const again = await call(projects.POST, "POST", "/api/v1/projects", { cookie: alice, body: { slug: "shop" } });
      expect(again.status).toBe(409);
    });

    it("refuses a local repository until the platform admin allows local sources", async () => {
      const before = await call(projectApps.POST, "POST", `/api/v1/projects/${projectId}/apps`, { cookie: alice, params: { projectId }, body: { slug: "web", gitUrl: repo.dir } });
      expect(before.status).toBe(422);
      expect(before.json.error.message).toMatch(/Local repositories are disabled/);

      const notAdmin = await call(platform.PUT, "PUT", "/api/v1/platform/settings", { cookie: bob, body: { allowLocalGitSources: true } });
      expect(notAdmin.status).toBe(403);
      const ok = await call(platform.PUT, "PUT", "/api/v1/platform/settings", { cookie: alice, body: { allowLocalGitSources: true } });
      expect(ok.status).toBe(200);
      expect(ok.json.allowLocalGitSources).toBe(true);
    });

    it("rejects bad app input with a clear error and creates nothing", async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ slug: "Web!", gitUrl: repo.dir }, /DNS-1123/],
        [{ slug: "web", gitUrl: "/nonexistent/repo" }, /No repository at/],
        [{ slug: "web", gitUrl: repo.fileUrl, gitBranch: "nope" }, /no branch named nope/],
        [{ slug: "web", gitUrl: "ssh://git@example.com/x.git" }, /Only http\(s\)/],
        [{ slug: "web", gitUrl: "http://127.0.0.1:9/x.git" }, /loopback, private or metadata/],
        [{ slug: "web", gitUrl: "http://169.254.169.254/latest" }, /loopback, private or metadata/],
        [{ slug: "web", gitUrl: "https://user:secret@example.com/x.git" }, /credentials/],
        [{ slug: "web", gitUrl: repo.dir, dockerfilePath: "../etc/passwd" }, /inside the repository/],
        [{ slug: "web", gitUrl: repo.dir, cpuMillicores: 1 }, /at least 10 millicores/],
      ];
      for (const [body, message] of cases) {
        const res = await call(projectApps.POST, "POST", `/api/v1/projects/${projectId}/apps`, { cookie: alice, params: { projectId }, body });
        expect(res.status, JSON.stringify(body)).toBe(422);
        expect(res.json.error.message, JSON.stringify(body)).toMatch(message);
      }
      expect(await getDb().app.count()).toBe(0);
    });

    it("refuses a body that is not JSON", async () => {
      const res = await call(projects.POST, "POST", "/api/v1/projects", { cookie: alice, body: "{not json" });
      expect(res.status).toBe(400);
    });

    it("creates an app from a local repository; env values never come back", async () => {
      const res = await call(projectApps.POST, "POST", `/api/v1/projects/${projectId}/apps`, {
        cookie: alice,
        params: { projectId },
        body: { slug: "web", gitUrl: repo.fileUrl, env: { GREETING: "hello", API_KEY: "s3cr3t" } },
      });
      expect(res.status).toBe(201);
      appId = res.json.id;
      expect(res.json.url).toBe("http://web.shop.default.localhost:8088/");
      expect(res.json.envKeys).toEqual(["API_KEY", "GREETING"]);
      expect(JSON.stringify(res.json)).not.toContain("s3cr3t");
      const row = await getDb().app.findUniqueOrThrow({ where: { id: appId } });
      expect(row.envEncrypted).not.toContain("s3cr3t"); // encrypted at rest
    });
  });

  describe("another team's records", () => {
    it("are 404 — read, change, deploy or delete — and stay unchanged", async () => {
      const params = { appId };
      expect((await call(appRoute.GET, "GET", `/api/v1/apps/${appId}`, { cookie: bob, params })).status).toBe(404);
      expect((await call(appRoute.PATCH, "PATCH", `/api/v1/apps/${appId}`, { cookie: bob, params, body: { replicas: 3 } })).status).toBe(404);
      expect((await call(deployRoute.POST, "POST", `/api/v1/apps/${appId}/deploy`, { cookie: bob, params })).status).toBe(404);
      expect((await call(buildsRoute.GET, "GET", `/api/v1/apps/${appId}/builds`, { cookie: bob, params })).status).toBe(404);
      expect((await call(appRoute.DELETE, "DELETE", `/api/v1/apps/${appId}`, { cookie: bob, params })).status).toBe(404);
      expect((await call(projectApps.GET, "GET", `/api/v1/projects/${projectId}/apps`, { cookie: bob, params: { projectId } })).status).toBe(404);
      // Choosing a team one is not a member of falls back to one's own team: still 404.
      expect((await call(appRoute.GET, "GET", `/api/v1/apps/${appId}`, { cookie: bob, params, headers: { "x-slipway-team": "default" } })).status).toBe(404);
      const row = await getDb().app.findUniqueOrThrow({ where: { id: appId } });
      expect(row.replicas).toBe(1);
      expect(await getDb().build.count()).toBe(0);
    });
  });

  describe("roles", () => {
    it("lets a viewer read but not deploy", async () => {
      const invited = await call(invitations.POST, "POST", "/api/v1/team/invitations", { cookie: alice, body: { email: "bob@example.test", role: "VIEWER" } });
      expect(invited.status).toBe(201);
      const token = String(invited.json.link).split("/invite/")[1]!;
      const accepted = await call(invitation.POST, "POST", `/api/v1/invitations/${token}`, { cookie: bob, params: { token } });
      expect(accepted.status).toBe(201);
      const headers = { "x-slipway-team": "default" };
      const read = await call(appRoute.GET, "GET", `/api/v1/apps/${appId}`, { cookie: bob, params: { appId }, headers });
      expect(read.status).toBe(200);
      const deploy = await call(deployRoute.POST, "POST", `/api/v1/apps/${appId}/deploy`, { cookie: bob, params: { appId }, headers });
      expect(deploy.status).toBe(403);
      expect(deploy.json.error.message).toMatch(/viewer/);
      const bobId = (await getDb().user.findUniqueOrThrow({ where: { email: "bob@example.test" } })).id;
      const raise = await call(member.PATCH, "PATCH", `/api/v1/team/members/${bobId}`, { cookie: bob, headers, params: { userId: bobId }, body: { role: "OWNER" } });
      expect(raise.status).toBe(403);
      expect(await getDb().build.count()).toBe(0);
    });
  });

  describe("quota", () => {
    it("refuses an over-quota deploy, naming the limit, its usage and its value, and queues nothing", async () => {
      // The ceiling is the platform admin's to set (alice is the platform admin).
      const teamId = (await getDb().team.findUniqueOrThrow({ where: { slug: "default" } })).id;
      const set = await call(teamQuota.PUT, "PUT", `/api/v1/platform/teams/${teamId}/quota`, {
        cookie: alice,
        params: { teamId },
        body: { cpuMillicores: 200, memoryMib: 4096, storageGib: 10, maxApps: 10, maxConcurrentBuilds: 2 },
      });
      expect(set.status).toBe(200);
      const res = await call(deployRoute.POST, "POST", `/api/v1/apps/${appId}/deploy`, { cookie: alice, params: { appId } });
      expect(res.status).toBe(422);
      expect(res.json.error.code).toBe("QUOTA_EXCEEDED");
      expect(res.json.error.message).toMatch(/cpu quota/);
      expect(res.json.error.message).toMatch(/needs 250 millicores/);
      expect(res.json.error.message).toMatch(/already uses 0 millicores/);
      expect(res.json.error.message).toMatch(/quota is 200 millicores/);
      expect(res.json.error.details).toMatchObject({ limit: "cpu", usage: 0, requested: 250, value: 200 });
      expect(await getDb().build.count()).toBe(0);
    });

    it("queues a build (202) once the quota allows it, and a second deploy while queued is the same build", async () => {
      const teamId = (await getDb().team.findUniqueOrThrow({ where: { slug: "default" } })).id;
      await call(teamQuota.PUT, "PUT", `/api/v1/platform/teams/${teamId}/quota`, {
        cookie: alice,
        params: { teamId },
        body: { cpuMillicores: 1000, memoryMib: 4096, storageGib: 10, maxApps: 10, maxConcurrentBuilds: 2 },
      });
      const first = await call(deployRoute.POST, "POST", `/api/v1/apps/${appId}/deploy`, { cookie: alice, params: { appId } });
      expect(first.status).toBe(202);
      expect(first.json.build).toMatchObject({ status: "QUEUED", number: 1, gitRef: "main" });
      const second = await call(deployRoute.POST, "POST", `/api/v1/apps/${appId}/deploy`, { cookie: alice, params: { appId } });
      expect(second.json.build.id).toBe(first.json.build.id);
      expect(await getDb().build.count()).toBe(1);
    });

    it("counts a queued deploy against the quota of the team's other apps", async () => {
      const other = await call(projectApps.POST, "POST", `/api/v1/projects/${projectId}/apps`, {
        cookie: alice,
        params: { projectId },
        body: { slug: "api", gitUrl: repo.fileUrl, cpuMillicores: 500, replicas: 2 },
      });
      expect(other.status).toBe(201);
      const res = await call(deployRoute.POST, "POST", `/api/v1/apps/${other.json.id}/deploy`, { cookie: alice, params: { appId: other.json.id } });
      expect(res.status).toBe(422);
      expect(res.json.error.details).toMatchObject({ limit: "cpu", usage: 250, requested: 1000, value: 1000 });
    });
  });
}
