// The audit trail, end to end: changes made through a browser session and through an API token
// each leave one event with the right actor, team and target; a team admin reads (and filters,
// and pages through) only their team's events; a developer may not read them; the platform admin
// reads everything, platform-wide events included.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, setupApiTestEnv } from "../../support/api-harness";
import { createFixtureRepo } from "../../support/git-fixtures";
import { FixtureFactory, unreachableKubeconfig } from "../../support/fixtures-factory";
import * as projects from "@/app/api/v1/projects/route";
import * as project from "@/app/api/v1/projects/[projectId]/route";
import * as projectApps from "@/app/api/v1/projects/[projectId]/apps/route";
import * as app from "@/app/api/v1/apps/[appId]/route";
import * as deploy from "@/app/api/v1/apps/[appId]/deploy/route";
import * as rollback from "@/app/api/v1/apps/[appId]/releases/[releaseId]/rollback/route";
import * as clusters from "@/app/api/v1/clusters/route";
import * as teamAudit from "@/app/api/v1/team/audit/route";
import * as platformAudit from "@/app/api/v1/platform/audit/route";
import type { AuditEventDto } from "@/server/audit/schemas";
import { runAsFor } from "@/server/runtime/run-as";

interface Who {
  id: string;
  email: string;
  cookie: string;
}

export function defineAuditSuite(prepare: () => Promise<string | undefined>): void {
  let factory: FixtureFactory;
  let gitUrl: string;
  let teamA: { id: string; slug: string };
  let teamB: { id: string; slug: string };
  let admin: Who;
  let developer: Who;
  let ownerB: Who;
  let platformAdmin: Who;
  let token: { id: string; name: string; secret: string };

  const who = async (teamId: string, role: "OWNER" | "ADMIN" | "DEVELOPER", isPlatformAdmin = false): Promise<Who> => {
    const u = await factory.user({ teamId, role, isPlatformAdmin });
    return { id: u.id, email: u.email, cookie: await factory.sessionCookie(u.id) };
  };

  const events = async (query: string, cookie = admin.cookie) => {
    const res = await call(teamAudit.GET, "GET", `/api/v1/team/audit${query}`, { cookie });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return res.json as { items: AuditEventDto[]; nextCursor: string | null };
  };

  const only = async (action: string, targetId: string) => {
    const page = await events(`?action=${encodeURIComponent(action)}&targetId=${encodeURIComponent(targetId)}`);
    expect(page.items.map((e) => e.action), `${action} ${targetId}`).toEqual([action]);
    return page.items[0]!;
  };

  beforeAll(async () => {
    process.env.SLIPWAY_API_MUTATIONS_PER_MINUTE = "100000";
    setupApiTestEnv({ databaseUrl: await prepare() });
    const { getDb } = await import("@/server/db");
    const db = getDb();
    gitUrl = (await createFixtureRepo()).fileUrl;
    factory = new FixtureFactory(db, { gitUrl });
    await db.platformSettings.upsert({ where: { id: "platform" }, create: { allowLocalGitSources: true }, update: { allowLocalGitSources: true } });
    teamA = await factory.team("audit-a");
    teamB = await factory.team("audit-b");
    const teamP = await factory.team("audit-p");
    admin = await who(teamA.id, "ADMIN");
    developer = await who(teamA.id, "DEVELOPER");
    ownerB = await who(teamB.id, "OWNER");
    platformAdmin = await who(teamP.id, "OWNER", true);
    const t = await factory.apiToken({ teamId: teamA.id, userId: developer.id, role: "DEVELOPER", name: "ci-deployer" });
    token = { id: t.row.id, name: t.row.name, secret: t.token };
  });

  afterAll(async () => {
    const { getDb } = await import("@/server/db");
    await getDb().$disconnect();
  });

  describe("audit trail", () => {
    let projectId: string;
    let appId: string;

    it("records project create, update and delete by a session user, with actor, team and target", async () => {
      const created = await call(projects.POST, "POST", "/api/v1/projects", { cookie: developer.cookie, body: { slug: "shop" } });
      expect(created.status).toBe(201);
      projectId = created.json.id;
      const event = await only("project.create", projectId);
      expect(event).toMatchObject({
        team: { id: teamA.id, slug: teamA.slug },
        actorId: developer.id,
        actorType: "session",
        actorLabel: developer.email,
        tokenId: null,
        targetType: "project",
        data: { slug: "shop" },
      });

      const renamed = await call(project.PATCH, "PATCH", `/api/v1/projects/${projectId}`, { cookie: developer.cookie, params: { projectId }, body: { name: "The Shop" } });
      expect(renamed.status).toBe(200);
      expect(await only("project.update", projectId)).toMatchObject({ actorId: developer.id, targetType: "project", data: { fields: ["name"], changes: { name: { to: "The Shop" } } } });

      const spare = await call(projects.POST, "POST", "/api/v1/projects", { cookie: admin.cookie, body: { slug: "spare" } });
      const deleted = await call(project.DELETE, "DELETE", `/api/v1/projects/${spare.json.id}`, { cookie: admin.cookie, params: { projectId: spare.json.id } });
      expect(deleted.status).toBe(204);
      expect(await only("project.delete", spare.json.id)).toMatchObject({ actorId: admin.id, actorType: "session", data: { slug: "spare" } });
    });

    it("records app create, update, deploy and rollback through an API token as the token", async () => {
      const created = await call(projectApps.POST, "POST", `/api/v1/projects/${projectId}/apps`, { token: token.secret, params: { projectId }, body: { slug: "web", gitUrl, env: { API_KEY: "s3cr3t-value" } } });
      expect(created.status, JSON.stringify(created.json)).toBe(201);
      appId = created.json.id;
      const event = await only("app.create", appId);
      expect(event).toMatchObject({ team: { id: teamA.id }, actorId: developer.id, actorType: "token", tokenId: token.id, targetType: "app", data: { slug: "web" } });
      expect(event.actorLabel).toContain(token.name);

      const updated = await call(app.PATCH, "PATCH", `/api/v1/apps/${appId}`, { token: token.secret, params: { appId }, body: { replicas: 2, env: { API_KEY: "rotated-secret" } } });
      expect(updated.status, JSON.stringify(updated.json)).toBe(200);
      const update = await only("app.update", appId);
      expect(update).toMatchObject({ actorType: "token", tokenId: token.id, data: { changes: { replicas: { from: 1, to: 2 } }, envKeys: ["API_KEY"] } });

      const deployed = await call(deploy.POST, "POST", `/api/v1/apps/${appId}/deploy`, { token: token.secret, params: { appId } });
      expect(deployed.status).toBe(202);
      expect(await only("app.deploy", deployed.json.build.id)).toMatchObject({ actorType: "token", tokenId: token.id, targetType: "build" });

      const release = await factory.release(teamA.id, appId);
      const rolled = await call(rollback.POST, "POST", `/api/v1/apps/${appId}/releases/${release.id}/rollback`, { cookie: developer.cookie, params: { appId, releaseId: release.id } });
      expect(rolled.status).toBe(202);
      expect(await only("release.rollback", rolled.json.id)).toMatchObject({ actorType: "session", actorId: developer.id, targetType: "release" });

      // Secrets never reach the trail.
      const all = await events("?limit=200");
      expect(JSON.stringify(all)).not.toContain("s3cr3t-value");
      expect(JSON.stringify(all)).not.toContain("rotated-secret");
      expect(JSON.stringify(all)).not.toContain(token.secret);
    });

    it("shows a team admin only their own team's events, newest first, and filters them", async () => {
      const other = await call(projects.POST, "POST", "/api/v1/projects", { cookie: ownerB.cookie, body: { slug: "rival" } });
      expect(other.status).toBe(201);
      const page = await events("?limit=200");
      expect(page.items.length).toBeGreaterThanOrEqual(7);
      expect(page.items.every((e) => e.team?.id === teamA.id)).toBe(true);
      expect(JSON.stringify(page)).not.toContain(other.json.id);
      expect(JSON.stringify(page)).not.toContain("rival");
      const times = page.items.map((e) => e.createdAt);
      expect([...times].sort().reverse()).toEqual(times);

      expect((await events("?action=project")).items.map((e) => e.action).sort()).toEqual(["project.create", "project.create", "project.delete", "project.update"]);
      expect((await events("?actorType=token")).items.every((e) => e.tokenId === token.id)).toBe(true);
      expect((await events("?actorType=token")).items.map((e) => e.action).sort()).toEqual(["app.create", "app.deploy", "app.update"]);
      expect((await events(`?actor=${encodeURIComponent(admin.email)}`)).items.map((e) => e.action).sort()).toEqual(["project.create", "project.delete"]);
      expect((await events(`?actor=${encodeURIComponent(admin.email.toUpperCase())}`)).items.map((e) => e.action).sort()).toEqual(["project.create", "project.delete"]);
      expect((await events(`?actor=${token.name.toUpperCase()}`)).items.map((e) => e.action).sort()).toEqual(["app.create", "app.deploy", "app.update"]);
      expect((await events("?targetType=release")).items.map((e) => e.action)).toEqual(["release.rollback"]);
      const future = new Date(Date.now() + 3600_000).toISOString();
      expect((await events(`?from=${future}`)).items).toEqual([]);
      expect((await events(`?to=2000-01-01`)).items).toEqual([]);
    });

    it("pages through the log with a cursor, without gaps or repeats", async () => {
      const whole = (await events("?limit=200")).items.map((e) => e.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: AuditEventDto[]; nextCursor: string | null } = await events(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(whole);
    });

    it("refuses bad filters with 422", async () => {
      for (const q of ["?from=2026-02-01&to=2026-01-01", "?cursor=garbage", "?limit=0", "?actorType=robot", "?from=yesterday"]) {
        const res = await call(teamAudit.GET, "GET", `/api/v1/team/audit${q}`, { cookie: admin.cookie });
        expect(res.status, q).toBe(422);
      }
    });

    it("refuses the team log to a developer and to a developer token, and the platform log to a team admin", async () => {
      expect((await call(teamAudit.GET, "GET", "/api/v1/team/audit", { cookie: developer.cookie })).status).toBe(403);
      expect((await call(teamAudit.GET, "GET", "/api/v1/team/audit", { token: token.secret })).status).toBe(403);
      expect((await call(platformAudit.GET, "GET", "/api/v1/platform/audit", { cookie: admin.cookie })).status).toBe(403);
      expect((await call(platformAudit.GET, "GET", "/api/v1/team/audit")).status).toBe(401);
    });

    it("shows the platform admin every team's events and the platform-wide ones", async () => {
      const name = factory.slug("c");
      const registered = await call(clusters.POST, "POST", "/api/v1/clusters", { cookie: platformAdmin.cookie, body: { name, kubeconfig: unreachableKubeconfig(name) } });
      expect(registered.status, JSON.stringify(registered.json)).toBe(201);

      const all = await call(platformAudit.GET, "GET", "/api/v1/platform/audit?limit=200", { cookie: platformAdmin.cookie });
      expect(all.status).toBe(200);
      const items = all.json.items as AuditEventDto[];
      const teams = new Set(items.map((e) => e.team?.id ?? null));
      expect(teams).toEqual(new Set([teamA.id, teamB.id, null]));
      const cluster = items.find((e) => e.action === "cluster.register");
      expect(cluster).toMatchObject({ team: null, actorId: platformAdmin.id, targetType: "cluster", targetId: registered.json.id });

      const platformOnly = await call(platformAudit.GET, "GET", "/api/v1/platform/audit?team=platform", { cookie: platformAdmin.cookie });
      expect((platformOnly.json.items as AuditEventDto[]).map((e) => e.action)).toEqual(["cluster.register"]);
      const justB = await call(platformAudit.GET, "GET", `/api/v1/platform/audit?team=${teamB.slug}`, { cookie: platformAdmin.cookie });
      expect((justB.json.items as AuditEventDto[]).map((e) => e.action)).toEqual(["project.create"]);
      const unknown = await call(platformAudit.GET, "GET", "/api/v1/platform/audit?team=no-such-team", { cookie: platformAdmin.cookie });
      expect(unknown.status).toBe(422);

      // The team log never shows platform-wide events, even to that team's admin.
      expect((await events("?limit=200")).items.some((e) => e.action.startsWith("cluster."))).toBe(false);
    });

    it("records a release a build made as slipwayd's, in the app's team", async () => {
      const { createRelease } = await import("@/server/releases/create-release");
      const made = await factory.app(teamA.id);
      const release = await createRelease({ runAs: runAsFor(""), appId: made.id, imageRef: "localhost/slipway/app-x:b1", imageDigest: "sha256:" + "a".repeat(64) });
      expect(await only("release.create", release.id)).toMatchObject({ actorType: "system", actorId: null, targetType: "release" });
      const b = await call(platformAudit.GET, "GET", `/api/v1/platform/audit?team=${teamB.slug}&action=release.create`, { cookie: platformAdmin.cookie });
      expect((b.json.items as AuditEventDto[]).length).toBe(0);
    });
  });
}
