// API tokens the way a script — or an attacker holding a leaked or stale token — uses them:
// real sessions, real tokens as `Authorization: Bearer`, real route handlers and database.
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, call, setupApiTestEnv, signUp } from "../../support/api-harness";
import { createFixtureRepo } from "../../support/git-fixtures";
import * as tokens from "@/app/api/v1/team/tokens/route";
import * as tokenRoute from "@/app/api/v1/team/tokens/[tokenId]/route";
import * as projects from "@/app/api/v1/projects/route";
import * as projectRoute from "@/app/api/v1/projects/[projectId]/route";
import * as projectApps from "@/app/api/v1/projects/[projectId]/apps/route";
import * as deployRoute from "@/app/api/v1/apps/[appId]/deploy/route";
import * as platform from "@/app/api/v1/platform/settings/route";
import * as me from "@/app/api/v1/me/route";
import { getDb } from "@/server/db";

type Handler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;

/** As a script sends it: the token, no Origin, no cookie, no Sec-Fetch-* headers. */
async function bearer(handler: unknown, method: string, urlPath: string, token: string, options: { body?: unknown; params?: Record<string, string>; headers?: Record<string, string> } = {}) {
  const req = new Request(`${BASE}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const res = await (handler as Handler)(req, { params: Promise.resolve((options.params ?? {}) as never) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

export function defineApiTokenSuite(prepare: () => Promise<string | undefined>): void {
  let alice: string; // owner of team "default"
  let bob: string; // owner of his own team "bob"
  let carol: string; // developer in team "default"
  let aliceId: string;
  let carolId: string;
  let defaultTeamId: string;
  let bobProjectId: string;
  let appId: string;

  async function createToken(cookie: string, body: Record<string, unknown>) {
    const res = await call(tokens.POST, "POST", "/api/v1/team/tokens", { cookie, body, headers: { "x-slipway-team": "default" } });
    return res;
  }

  beforeAll(async () => {
    setupApiTestEnv({ databaseUrl: await prepare() });
    alice = await signUp("alice@example.test");
    bob = await signUp("bob@example.test");
    carol = await signUp("carol@example.test");
    const db = getDb();
    aliceId = (await db.user.findUniqueOrThrow({ where: { email: "alice@example.test" } })).id;
    carolId = (await db.user.findUniqueOrThrow({ where: { email: "carol@example.test" } })).id;
    defaultTeamId = (await db.team.findUniqueOrThrow({ where: { slug: "default" } })).id;
    // Membership is H2's routes' business; here it is only a precondition.
    await db.membership.create({ data: { teamId: defaultTeamId, userId: carolId, role: "DEVELOPER" } });

    const bobProject = await call(projects.POST, "POST", "/api/v1/projects", { cookie: bob, body: { slug: "bobs" } });
    expect(bobProject.status).toBe(201);
    bobProjectId = bobProject.json.id;

    await db.platformSettings.upsert({ where: { id: "platform" }, create: { id: "platform", allowLocalGitSources: true }, update: { allowLocalGitSources: true } });
    const repo = await createFixtureRepo();
    const project = await call(projects.POST, "POST", "/api/v1/projects", { cookie: alice, body: { slug: "shop" } });
    expect(project.status).toBe(201);
    const app = await call(projectApps.POST, "POST", `/api/v1/projects/${project.json.id}/apps`, {
      cookie: alice,
      params: { projectId: project.json.id },
      body: { slug: "web", gitUrl: repo.fileUrl },
    });
    expect(app.status).toBe(201);
    appId = app.json.id;
  });

  describe("creating", () => {
    it("shows the token once and stores only its SHA-256 hash", async () => {
      const res = await createToken(alice, { name: "ci", role: "DEVELOPER", expiresInDays: 30 });
      expect(res.status).toBe(201);
      const token: string = res.json.token;
      expect(token).toMatch(/^slw_[A-Za-z0-9_-]{43}$/);
      expect(res.json).toMatchObject({ name: "ci", role: "DEVELOPER", prefix: token.slice(0, 10), revokedAt: null, lastUsedAt: null });
      expect(new Date(res.json.expiresAt).getTime() - Date.now()).toBeGreaterThan(29.9 * 86_400_000);
      expect(JSON.stringify(res.json)).not.toMatch(/hash/i);

      const row = await getDb().apiToken.findUniqueOrThrow({ where: { id: res.json.id } });
      expect(row.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
      expect(Object.values(row).map(String).some((v) => v.includes(token.slice(4)))).toBe(false);

      const list = await call(tokens.GET, "GET", "/api/v1/team/tokens", { cookie: alice });
      expect(list.status).toBe(200);
      expect(list.json.map((t: { id: string }) => t.id)).toContain(res.json.id);
      const body = JSON.stringify(list.json);
      expect(body).not.toContain(token.slice(4));
      expect(body).not.toContain(row.tokenHash);
      expect(body).not.toMatch(/"token"|hash/i);

      const audit = await getDb().auditEvent.findFirst({ where: { action: "team.token.create", targetId: res.json.id } });
      expect(audit).toMatchObject({ teamId: defaultTeamId, actorId: aliceId, actorType: "session" });
      expect(audit!.data).not.toContain(token.slice(4));
    });

    it("refuses a role above the creator's own, and bad input, storing nothing", async () => {
      const before = await getDb().apiToken.count();
      for (const role of ["ADMIN", "OWNER"]) {
        const res = await createToken(carol, { name: "too-high", role });
        expect(res.status, role).toBe(403);
        expect(res.json.error.message).toMatch(/developer/);
      }
      for (const body of [{ name: "", role: "VIEWER" }, { name: "x", role: "ROOT" }, { name: "x", role: "VIEWER", expiresInDays: 0 }, { name: "x", role: "VIEWER", expiresInDays: 1.5 }]) {
        const res = await createToken(carol, body);
        expect(res.status, JSON.stringify(body)).toBe(422);
      }
      expect(await getDb().apiToken.count()).toBe(before);
    });

    it("refuses a token minting another token", async () => {
      const { json } = await createToken(alice, { name: "minter", role: "OWNER" });
      const before = await getDb().apiToken.count();
      const res = await bearer(tokens.POST, "POST", "/api/v1/team/tokens", json.token, { body: { name: "child", role: "VIEWER" } });
      expect(res.status).toBe(403);
      expect(await getDb().apiToken.count()).toBe(before);
    });
  });

  describe("using", () => {
    it("works as Bearer on /api/v1 routes, with no Origin, and records when it was last used", async () => {
      const { json } = await createToken(alice, { name: "script", role: "DEVELOPER" });
      const who = await bearer(me.GET, "GET", "/api/v1/me", json.token);
      expect(who.status).toBe(200);
      expect(who.json.team).toMatchObject({ slug: "default" });
      const created = await bearer(projects.POST, "POST", "/api/v1/projects", json.token, { body: { slug: "from-script" } });
      expect(created.status).toBe(201);
      const row = await getDb().apiToken.findUniqueOrThrow({ where: { id: json.id } });
      expect(row.lastUsedAt).not.toBeNull();
      const audit = await getDb().auditEvent.findFirst({ where: { targetId: created.json.id } });
      expect(audit).toMatchObject({ actorType: "token", tokenId: json.id });
    });

    it("while the same change by cookie without the dashboard's Origin is refused", async () => {
      const res = await call(projects.POST, "POST", "/api/v1/projects", { cookie: alice, body: { slug: "no-origin" }, headers: { origin: "" } });
      expect(res.status).toBe(403);
      expect(await getDb().project.count({ where: { slug: "no-origin" } })).toBe(0);
    });

    it("passes the same permission checks: a VIEWER token cannot deploy although its owner is OWNER", async () => {
      const viewer = (await createToken(alice, { name: "viewer", role: "VIEWER" })).json.token;
      expect((await bearer(projects.GET, "GET", "/api/v1/projects", viewer)).status).toBe(200);
      const deploy = await bearer(deployRoute.POST, "POST", `/api/v1/apps/${appId}/deploy`, viewer, { params: { appId } });
      expect(deploy.status).toBe(403);
      expect(deploy.json.error.message).toMatch(/viewer/);
      expect((await bearer(projects.POST, "POST", "/api/v1/projects", viewer, { body: { slug: "viewer-made" } })).status).toBe(403);
      expect(await getDb().build.count()).toBe(0);

      const developer = (await createToken(alice, { name: "deployer", role: "DEVELOPER" })).json.token;
      const ok = await bearer(deployRoute.POST, "POST", `/api/v1/apps/${appId}/deploy`, developer, { params: { appId } });
      expect(ok.status).toBe(202);
      expect(await getDb().build.count()).toBe(1);
    });

    it("is never a platform admin, even when its owner is", async () => {
      const owner = (await createToken(alice, { name: "owner", role: "OWNER" })).json.token;
      expect((await call(me.GET, "GET", "/api/v1/me", { cookie: alice })).json.user.isPlatformAdmin).toBe(true);
      const res = await bearer(platform.PUT, "PUT", "/api/v1/platform/settings", owner, { body: { allowPrivateGitHosts: true } });
      expect(res.status).toBe(403);
      expect((await getDb().platformSettings.findUniqueOrThrow({ where: { id: "platform" } })).allowPrivateGitHosts).toBe(false);
    });

    it("acts with its owner's lower role after a demotion, and fails once the owner is removed", async () => {
      const { json } = await createToken(carol, { name: "carol-ci", role: "DEVELOPER" });
      expect((await bearer(projects.POST, "POST", "/api/v1/projects", json.token, { body: { slug: "carol-1" } })).status).toBe(201);

      await getDb().membership.update({ where: { teamId_userId: { teamId: defaultTeamId, userId: carolId } }, data: { role: "VIEWER" } });
      const demoted = await bearer(projects.POST, "POST", "/api/v1/projects", json.token, { body: { slug: "carol-2" } });
      expect(demoted.status).toBe(403);
      expect(demoted.json.error.message).toMatch(/viewer/);
      expect((await bearer(projects.GET, "GET", "/api/v1/projects", json.token)).status).toBe(200);

      await getDb().membership.delete({ where: { teamId_userId: { teamId: defaultTeamId, userId: carolId } } });
      expect((await bearer(projects.GET, "GET", "/api/v1/projects", json.token)).status).toBe(401);
      expect(await getDb().project.count({ where: { slug: "carol-2" } })).toBe(0);
      await getDb().membership.create({ data: { teamId: defaultTeamId, userId: carolId, role: "DEVELOPER" } });
    });

    it("is refused (401) when revoked or expired, or when it is not a token at all", async () => {
      const { json } = await createToken(alice, { name: "short-lived", role: "VIEWER", expiresInDays: 1 });
      expect((await bearer(projects.GET, "GET", "/api/v1/projects", json.token)).status).toBe(200);
      await getDb().apiToken.update({ where: { id: json.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const expired = await bearer(projects.GET, "GET", "/api/v1/projects", json.token);
      expect(expired.status).toBe(401);

      const second = (await createToken(alice, { name: "to-revoke", role: "VIEWER" })).json;
      const revoked = await call(tokenRoute.DELETE, "DELETE", `/api/v1/team/tokens/${second.id}`, { cookie: alice, params: { tokenId: second.id } });
      expect(revoked.status).toBe(200);
      expect(revoked.json.revokedAt).not.toBeNull();
      expect((await bearer(projects.GET, "GET", "/api/v1/projects", second.token)).status).toBe(401);

      for (const bad of ["slw_" + "A".repeat(43), "not-a-token", second.token + "x"]) {
        expect((await bearer(projects.GET, "GET", "/api/v1/projects", bad)).status, bad).toBe(401);
      }
      const malformed = await call(projects.GET, "GET", "/api/v1/projects", { cookie: alice, headers: { authorization: "Basic abc" } });
      expect(malformed.status).toBe(401);
    });

    it("cannot act on another team: 404, whatever team it asks for", async () => {
      const { json } = await createToken(alice, { name: "cross", role: "OWNER" });
      const read = await bearer(projectRoute.GET, "GET", `/api/v1/projects/${bobProjectId}`, json.token, { params: { projectId: bobProjectId } });
      expect(read.status).toBe(404);
      expect(JSON.stringify(read.json)).not.toContain("bobs");
      const asBob = await bearer(projectRoute.DELETE, "DELETE", `/api/v1/projects/${bobProjectId}`, json.token, { params: { projectId: bobProjectId }, headers: { "x-slipway-team": "bob" } });
      expect(asBob.status).toBe(404);
      const who = await bearer(me.GET, "GET", "/api/v1/me", json.token, { headers: { "x-slipway-team": "bob", cookie: bob } });
      expect(who.json.team.slug).toBe("default");
      expect(await getDb().project.count({ where: { id: bobProjectId } })).toBe(1);
    });
  });

  describe("listing and revoking", () => {
    it("shows members their own tokens and admins everyone's", async () => {
      const carolList = await call(tokens.GET, "GET", "/api/v1/team/tokens", { cookie: carol, headers: { "x-slipway-team": "default" } });
      expect(carolList.status).toBe(200);
      expect(carolList.json.length).toBeGreaterThan(0);
      expect(carolList.json.every((t: { owner: { email: string } }) => t.owner.email === "carol@example.test")).toBe(true);
      const aliceList = await call(tokens.GET, "GET", "/api/v1/team/tokens", { cookie: alice });
      const owners = new Set(aliceList.json.map((t: { owner: { email: string } }) => t.owner.email));
      expect(owners).toEqual(new Set(["alice@example.test", "carol@example.test"]));
      const bobList = await call(tokens.GET, "GET", "/api/v1/team/tokens", { cookie: bob });
      expect(bobList.json).toEqual([]);
    });

    it("lets a member revoke only their own; an admin any of the team's; another team's is 404", async () => {
      const aliceToken = (await createToken(alice, { name: "alice-own", role: "VIEWER" })).json;
      const carolToken = (await createToken(carol, { name: "carol-own", role: "VIEWER" })).json;
      const headers = { "x-slipway-team": "default" };

      const byCarol = await call(tokenRoute.DELETE, "DELETE", `/api/v1/team/tokens/${aliceToken.id}`, { cookie: carol, headers, params: { tokenId: aliceToken.id } });
      expect(byCarol.status).toBe(404);
      const byBob = await call(tokenRoute.DELETE, "DELETE", `/api/v1/team/tokens/${aliceToken.id}`, { cookie: bob, params: { tokenId: aliceToken.id } });
      expect(byBob.status).toBe(404);
      expect(JSON.stringify(byBob.json)).not.toContain("alice-own");
      expect((await bearer(projects.GET, "GET", "/api/v1/projects", aliceToken.token)).status).toBe(200);

      const own = await call(tokenRoute.DELETE, "DELETE", `/api/v1/team/tokens/${carolToken.id}`, { cookie: carol, headers, params: { tokenId: carolToken.id } });
      expect(own.status).toBe(200);
      const byAdmin = await call(tokenRoute.DELETE, "DELETE", `/api/v1/team/tokens/${aliceToken.id}`, { cookie: alice, params: { tokenId: aliceToken.id } });
      expect(byAdmin.status).toBe(200);
      const again = await call(tokenRoute.DELETE, "DELETE", `/api/v1/team/tokens/${aliceToken.id}`, { cookie: alice, params: { tokenId: aliceToken.id } });
      expect(again.status).toBe(200);
      expect(again.json.revokedAt).toBe(byAdmin.json.revokedAt);
      expect(await getDb().auditEvent.count({ where: { action: "team.token.revoke", targetId: aliceToken.id } })).toBe(1);
      expect((await bearer(projects.GET, "GET", "/api/v1/projects", aliceToken.token)).status).toBe(401);
    });
  });
}
