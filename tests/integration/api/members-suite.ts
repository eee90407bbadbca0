// Members, invitations, the sign-up policy and the first admin, the way clients — and members of
// other teams, or people who merely hold a link — call them: real sessions, a real database.
// Every refusal must also leave the database unchanged.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { call, setupApiTestEnv, signUp, trySignUp, type ApiTestEnv } from "../../support/api-harness";
import * as membersRoute from "@/app/api/v1/team/members/route";
import * as memberRoute from "@/app/api/v1/team/members/[userId]/route";
import * as leaveRoute from "@/app/api/v1/team/leave/route";
import * as invitationsRoute from "@/app/api/v1/team/invitations/route";
import * as invitationIdRoute from "@/app/api/v1/team/invitations/[invitationId]/route";
import * as invitationTokenRoute from "@/app/api/v1/invitations/[token]/route";
import * as platformSettings from "@/app/api/v1/platform/settings/route";
import * as me from "@/app/api/v1/me/route";
import { getDb } from "@/server/db";
import { issueSetupToken, isValidSetupToken, SETUP_TOKEN_HEADER } from "@/server/auth/setup-token";
import { INVITATION_TOKEN_HEADER } from "@/server/invitations/schemas";

const DEFAULT = { "x-slipway-team": "default" };

/** What `npm start` runs before the web server (scripts/run-platform.ts): prints a token, or nothing. */
function runIssueSetupTokenScript(env: ApiTestEnv): string {
  const root = path.resolve(import.meta.dirname, "../../..");
  return execFileSync(process.execPath, ["--import", "tsx", "--conditions=react-server", path.join(root, "scripts/issue-setup-token.ts")], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: env.databaseUrl, SLIPWAY_DATA_DIR: env.dataDir },
    encoding: "utf8",
  }).trim();
}

async function userId(email: string): Promise<string> {
  return (await getDb().user.findUniqueOrThrow({ where: { email } })).id;
}

async function roleIn(teamSlug: string, email: string): Promise<string | null> {
  const m = await getDb().membership.findFirst({ where: { team: { slug: teamSlug }, user: { email } } });
  return m?.role ?? null;
}

function tokenOf(link: string): string {
  const token = link.split("/invite/")[1];
  if (!token) throw new Error(`not an invitation link: ${link}`);
  return token;
}

async function invite(cookie: string, email: string, role: string, headers: Record<string, string> = {}) {
  return call(invitationsRoute.POST, "POST", "/api/v1/team/invitations", { cookie, headers, body: { email, role } });
}

async function accept(cookie: string, token: string) {
  return call(invitationTokenRoute.POST, "POST", `/api/v1/invitations/${token}`, { cookie, params: { token } });
}

async function setPolicy(cookie: string, body: Record<string, unknown>) {
  return call(platformSettings.PUT, "PUT", "/api/v1/platform/settings", { cookie, body });
}

/** The same suite on each database: `prepare` returns the database URL to use (or undefined for SQLite). */
export function defineMembersSuite(prepare: () => Promise<string | undefined>): void {
  let alice: string; // the first admin: platform admin, owner of "default"
  let bob: string; // owner of his own team "bob"
  let carol: string; // invited into "default"
  let env: ApiTestEnv;

  beforeAll(async () => {
    env = setupApiTestEnv({ databaseUrl: await prepare() });
  });

  describe("the first admin", () => {
    it("refuses the first sign-up without a setup token, saying what to do, and creates nothing", async () => {
      const res = await trySignUp("mallory@example.test", { autoSetupToken: false });
      expect(res.status).toBe(403);
      expect(res.json.message).toMatch(/run npm start and open the link it printed/);
      expect(res.cookie).toBeUndefined();
      expect(await getDb().user.count()).toBe(0);
    });

    it("npm start's setup script issues a token that the sign-up gate accepts (and stores only its hash)", async () => {
      const token = runIssueSetupTokenScript(env);
      expect(token).toMatch(/^setup_[A-Za-z0-9_-]{30,}$/);
      expect(await isValidSetupToken(token)).toBe(true);
      const settings = await getDb().platformSettings.findUniqueOrThrow({ where: { id: "platform" } });
      expect(settings.setupTokenHash).not.toContain(token);
      expect(settings.setupTokenHash).toMatch(/^[0-9a-f]{64}$/);
    });

    it("refuses a wrong or stale setup token", async () => {
      const stale = await issueSetupToken();
      expect(stale).toBeTruthy();
      await issueSetupToken(); // a restart issues a new one; the old link stops working
      for (const token of ["setup_wrong", stale!]) {
        const res = await trySignUp("mallory@example.test", { autoSetupToken: false, headers: { [SETUP_TOKEN_HEADER]: token } });
        expect(res.status, token).toBe(403);
        expect(res.json.message).toMatch(/invalid or has expired/);
      }
      expect(await getDb().user.count()).toBe(0);
    });

    it("refuses an expired setup token", async () => {
      const token = (await issueSetupToken())!;
      await getDb().platformSettings.update({ where: { id: "platform" }, data: { setupTokenExpiresAt: new Date(Date.now() - 1000) } });
      const res = await trySignUp("mallory@example.test", { autoSetupToken: false, headers: { [SETUP_TOKEN_HEADER]: token } });
      expect(res.status).toBe(403);
      expect(await getDb().user.count()).toBe(0);
    });

    it("makes the holder of the right token platform admin and owner of default, once", async () => {
      const token = (await issueSetupToken())!;
      const res = await trySignUp("alice@example.test", { autoSetupToken: false, headers: { [SETUP_TOKEN_HEADER]: token } });
      expect(res.status).toBe(200);
      alice = res.cookie!;
      const a = await call(me.GET, "GET", "/api/v1/me", { cookie: alice });
      expect(a.json.user.isPlatformAdmin).toBe(true);
      expect(a.json.team).toMatchObject({ slug: "default", role: "OWNER" });
      // Used up: nothing of it is left, and a platform with users issues no new one.
      const settings = await getDb().platformSettings.findUniqueOrThrow({ where: { id: "platform" } });
      expect(settings.setupTokenHash).toBeNull();
      expect(await isValidSetupToken(token)).toBe(false);
      expect(await issueSetupToken()).toBeNull();
      expect(runIssueSetupTokenScript(env)).toBe("");
      const audit = await getDb().auditEvent.findFirst({ where: { action: "platform.first-admin" } });
      expect(audit).toMatchObject({ actorLabel: "alice@example.test", teamId: null });
    });

    it("gives a later sign-up carrying the used token nothing extra", async () => {
      bob = await signUp("bob@example.test", { headers: { [SETUP_TOKEN_HEADER]: "setup_anything" } });
      const b = await call(me.GET, "GET", "/api/v1/me", { cookie: bob });
      expect(b.json.user.isPlatformAdmin).toBe(false);
      expect(b.json.team).toMatchObject({ slug: "bob", role: "OWNER" });
      expect(await roleIn("default", "bob@example.test")).toBeNull();
    });
  });

  describe("invitations", () => {
    let carolToken: string;

    it("creates a one-time link, stores only its hash, and lists the invitation without it", async () => {
      const res = await invite(alice, "Carol@Example.test", "DEVELOPER");
      expect(res.status).toBe(201);
      expect(res.json.link).toMatch(/^http:\/\/localhost:3000\/invite\/[A-Za-z0-9_-]{40,}$/);
      expect(res.json.invitation).toMatchObject({ email: "carol@example.test", role: "DEVELOPER", invitedBy: "alice@example.test" });
      carolToken = tokenOf(res.json.link);
      const row = await getDb().invitation.findUniqueOrThrow({ where: { id: res.json.invitation.id } });
      expect(JSON.stringify(row)).not.toContain(carolToken);
      expect(row.expiresAt.getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3600_000);
      expect(row.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(7 * 24 * 3600_000);
      const list = await call(invitationsRoute.GET, "GET", "/api/v1/team/invitations", { cookie: alice });
      expect(list.status).toBe(200);
      expect(list.json.map((i: { email: string }) => i.email)).toEqual(["carol@example.test"]);
      expect(JSON.stringify(list.json)).not.toContain(carolToken);
    });

    it("lets the invitee see who invited them to what, then accept: a member with that role", async () => {
      carol = await signUp("carol@example.test");
      const preview = await call(invitationTokenRoute.GET, "GET", `/api/v1/invitations/${carolToken}`, { cookie: carol, params: { token: carolToken } });
      expect(preview.status).toBe(200);
      expect(preview.json).toMatchObject({ email: "carol@example.test", role: "DEVELOPER", team: { slug: "default", name: "Default" }, state: "pending" });
      expect(preview.json.invitedBy).toMatch(/alice@example.test/);
      const res = await accept(carol, carolToken);
      expect(res.status).toBe(201);
      expect(res.json).toMatchObject({ team: { slug: "default" }, role: "DEVELOPER" });
      expect(await roleIn("default", "carol@example.test")).toBe("DEVELOPER");
      const members = await call(membersRoute.GET, "GET", "/api/v1/team/members", { cookie: carol, headers: DEFAULT });
      expect(members.json.map((m: { email: string }) => m.email).sort()).toEqual(["alice@example.test", "carol@example.test"]);
      const audit = await getDb().auditEvent.findFirst({ where: { action: "team.invitation.accept" } });
      expect(audit).toMatchObject({ actorLabel: "carol@example.test", targetType: "invitation" });
    });

    it("works once: a used link is 410 and changes nothing", async () => {
      const again = await accept(carol, carolToken);
      expect(again.status).toBe(410);
      expect(again.json.error.message).toMatch(/already been used\. Ask alice <alice@example.test> for a new invitation/);
      expect(await getDb().membership.count({ where: { team: { slug: "default" } } })).toBe(2);
    });

    it("cannot be accepted by someone signed in with another email", async () => {
      const res = await invite(alice, "dave@example.test", "VIEWER");
      const token = tokenOf(res.json.link);
      const wrong = await accept(bob, token);
      expect(wrong.status).toBe(403);
      expect(wrong.json.error.message).toMatch(/for dave@example.test.*signed in as bob@example.test/);
      expect(await roleIn("default", "bob@example.test")).toBeNull();
      const row = await getDb().invitation.findFirstOrThrow({ where: { email: "dave@example.test" } });
      expect(row.acceptedAt).toBeNull();
    });

    it("refuses an expired or revoked link with 410 and what to do, and adds nobody", async () => {
      const expired = await invite(alice, "erin@example.test", "VIEWER");
      await getDb().invitation.update({ where: { id: expired.json.invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const erin = await signUp("erin@example.test");
      const e = await accept(erin, tokenOf(expired.json.link));
      expect(e.status).toBe(410);
      expect(e.json.error.message).toMatch(/expired.*new invitation/);

      const revoked = await invite(alice, "erin@example.test", "VIEWER");
      const del = await call(invitationIdRoute.DELETE, "DELETE", `/api/v1/team/invitations/${revoked.json.invitation.id}`, {
        cookie: alice,
        params: { invitationId: revoked.json.invitation.id },
      });
      expect(del.status).toBe(200);
      const r = await accept(erin, tokenOf(revoked.json.link));
      expect(r.status).toBe(410);
      expect(r.json.error.message).toMatch(/revoked/);
      expect(await roleIn("default", "erin@example.test")).toBeNull();
      const list = await call(invitationsRoute.GET, "GET", "/api/v1/team/invitations", { cookie: alice });
      expect(list.json.map((i: { email: string }) => i.email)).not.toContain("erin@example.test");
    });

    it("dies with its inviter's authority: after the inviter is demoted below the offered role, 410", async () => {
      // As if carol (a developer here) had offered the owner role: an owner who since stepped down.
      const team = await getDb().team.findUniqueOrThrow({ where: { slug: "default" } });
      const res = await invite(alice, "zoe@example.test", "OWNER");
      await getDb().invitation.update({ where: { id: res.json.invitation.id }, data: { invitedById: await userId("carol@example.test") } });
      const zoe = await signUp("zoe@example.test");
      const r = await accept(zoe, tokenOf(res.json.link));
      expect(r.status).toBe(410);
      expect(r.json.error.message).toMatch(/can no longer grant that role/);
      expect(await getDb().membership.count({ where: { teamId: team.id, user: { email: "zoe@example.test" } } })).toBe(0);
    });

    it("answers an unknown link with 404", async () => {
      const token = "x".repeat(43);
      expect((await accept(bob, token)).status).toBe(404);
    });

    it("says clearly when the invitee is already a member (409), leaving the invitation unused", async () => {
      // Carol joined default already; a second invitation for her is refused at creation…
      const dup = await invite(alice, "carol@example.test", "VIEWER");
      expect(dup.status).toBe(409);
      // …and an invitation accepted after joining another way says so.
      const res = await invite(alice, "dave@example.test", "VIEWER");
      const dave = await signUp("dave@example.test");
      await getDb().membership.create({ data: { teamId: (await getDb().team.findUniqueOrThrow({ where: { slug: "default" } })).id, userId: await userId("dave@example.test"), role: "VIEWER" } });
      const twice = await accept(dave, tokenOf(res.json.link));
      expect(twice.status).toBe(409);
      expect(twice.json.error.message).toMatch(/already a member/);
      await getDb().membership.deleteMany({ where: { user: { email: "dave@example.test" }, team: { slug: "default" } } });
    });
  });

  describe("no silent adding", () => {
    it("has no route that adds an existing user without their consent", () => {
      expect("POST" in membersRoute).toBe(false);
      expect("PUT" in membersRoute).toBe(false);
    });

    it("answers an invitation for an existing account and for an unknown email alike", async () => {
      const existing = await invite(alice, "bob@example.test", "VIEWER");
      const unknown = await invite(alice, "nobody@example.test", "VIEWER");
      expect(existing.status).toBe(201);
      expect(unknown.status).toBe(201);
      const shape = (r: typeof existing) => ({
        keys: Object.keys(r.json).sort(),
        invitation: { ...r.json.invitation, id: "", email: "", createdAt: "", expiresAt: "" },
        link: typeof r.json.link,
      });
      expect(shape(existing)).toEqual(shape(unknown));
      // Bob is not a member until he accepts.
      expect(await roleIn("default", "bob@example.test")).toBeNull();
    });
  });

  describe("roles", () => {
    it("an admin cannot invite or promote to owner, nor demote or remove an owner", async () => {
      const carolId = await userId("carol@example.test");
      const promote = await call(memberRoute.PATCH, "PATCH", `/api/v1/team/members/${carolId}`, { cookie: alice, params: { userId: carolId }, body: { role: "ADMIN" } });
      expect(promote.status).toBe(200);
      expect(promote.json.role).toBe("ADMIN");
      const aliceId = await userId("alice@example.test");
      const invitesBefore = await getDb().invitation.count();

      const inviteOwner = await invite(carol, "frank@example.test", "OWNER", DEFAULT);
      expect(inviteOwner.status).toBe(403);
      const self = await call(memberRoute.PATCH, "PATCH", `/api/v1/team/members/${carolId}`, { cookie: carol, headers: DEFAULT, params: { userId: carolId }, body: { role: "OWNER" } });
      expect(self.status).toBe(403);
      const demote = await call(memberRoute.PATCH, "PATCH", `/api/v1/team/members/${aliceId}`, { cookie: carol, headers: DEFAULT, params: { userId: aliceId }, body: { role: "VIEWER" } });
      expect(demote.status).toBe(403);
      expect(demote.json.error.message).toMatch(/above your role/);
      const remove = await call(memberRoute.DELETE, "DELETE", `/api/v1/team/members/${aliceId}`, { cookie: carol, headers: DEFAULT, params: { userId: aliceId } });
      expect(remove.status).toBe(403);

      expect(await roleIn("default", "alice@example.test")).toBe("OWNER");
      expect(await roleIn("default", "carol@example.test")).toBe("ADMIN");
      expect(await getDb().invitation.count()).toBe(invitesBefore);
      // Up to their own rank is allowed.
      expect((await invite(carol, "frank@example.test", "ADMIN", DEFAULT)).status).toBe(201);
    });

    it("a developer or viewer cannot manage members at all", async () => {
      const dave = await signUp("dave2@example.test");
      const res = await invite(alice, "dave2@example.test", "DEVELOPER");
      expect((await accept(dave, tokenOf(res.json.link))).status).toBe(201);
      expect((await invite(dave, "x@example.test", "VIEWER", DEFAULT)).status).toBe(403);
      const carolId = await userId("carol@example.test");
      const r = await call(memberRoute.DELETE, "DELETE", `/api/v1/team/members/${carolId}`, { cookie: dave, headers: DEFAULT, params: { userId: carolId } });
      expect(r.status).toBe(403);
    });

    it("the last owner cannot be demoted, removed or leave; with a second owner they can", async () => {
      const bobId = await userId("bob@example.test");
      const demote = await call(memberRoute.PATCH, "PATCH", `/api/v1/team/members/${bobId}`, { cookie: bob, params: { userId: bobId }, body: { role: "ADMIN" } });
      expect(demote.status).toBe(409);
      expect(demote.json.error.message).toMatch(/last owner/);
      const remove = await call(memberRoute.DELETE, "DELETE", `/api/v1/team/members/${bobId}`, { cookie: bob, params: { userId: bobId } });
      expect(remove.status).toBe(409);
      const leave = await call(leaveRoute.POST, "POST", "/api/v1/team/leave", { cookie: bob });
      expect(leave.status).toBe(409);
      expect(leave.json.error.message).toMatch(/last owner/);
      expect(await roleIn("bob", "bob@example.test")).toBe("OWNER");

      const grace = await signUp("grace@example.test");
      const inv = await invite(bob, "grace@example.test", "OWNER");
      expect(inv.status).toBe(201);
      expect((await accept(grace, tokenOf(inv.json.link))).status).toBe(201);
      const left = await call(leaveRoute.POST, "POST", "/api/v1/team/leave", { cookie: bob, headers: { "x-slipway-team": "bob" } });
      expect(left.status).toBe(201);
      expect(await roleIn("bob", "bob@example.test")).toBeNull();
      const graceLeaves = await call(leaveRoute.POST, "POST", "/api/v1/team/leave", { cookie: grace, headers: { "x-slipway-team": "bob" } });
      expect(graceLeaves.status).toBe(409);
      // Bob rejoins as a developer for the tests below (grace, the owner there now, invites him).
      const back = await invite(grace, "bob@example.test", "DEVELOPER", { "x-slipway-team": "bob" });
      expect((await accept(bob, tokenOf(back.json.link))).status).toBe(201);
    });

    it("two owners demoting each other at the same time leave the team with an owner", async () => {
      const olga = await signUp("olga@example.test");
      const peter = await signUp("peter@example.test");
      const team = { "x-slipway-team": "olga" };
      const inv = await invite(olga, "peter@example.test", "OWNER");
      expect((await accept(peter, tokenOf(inv.json.link))).status).toBe(201);
      const [olgaId, peterId] = [await userId("olga@example.test"), await userId("peter@example.test")];
      const results = await Promise.all([
        call(memberRoute.PATCH, "PATCH", `/api/v1/team/members/${peterId}`, { cookie: olga, headers: team, params: { userId: peterId }, body: { role: "ADMIN" } }),
        call(memberRoute.PATCH, "PATCH", `/api/v1/team/members/${olgaId}`, { cookie: peter, headers: team, params: { userId: olgaId }, body: { role: "ADMIN" } }),
      ]);
      // The loser is refused either as no longer an owner (403) or as demoting the last owner (409).
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 403 || r.status === 409)).toHaveLength(1);
      expect(await getDb().membership.count({ where: { team: { slug: "olga" }, role: "OWNER" } })).toBe(1);
    });

    it("a link accepted twice at the same time makes one membership", async () => {
      const quinn = await signUp("quinn@example.test");
      const inv = await invite(alice, "quinn@example.test", "VIEWER");
      const token = tokenOf(inv.json.link);
      const results = await Promise.all([accept(quinn, token), accept(quinn, token)]);
      expect(results.map((r) => r.status).filter((s) => s === 201)).toHaveLength(1);
      expect(await getDb().membership.count({ where: { team: { slug: "default" }, user: { email: "quinn@example.test" } } })).toBe(1);
    });

    it("an owner can remove a member and the removal is audited", async () => {
      const daveId = await userId("dave2@example.test");
      const res = await call(memberRoute.DELETE, "DELETE", `/api/v1/team/members/${daveId}`, { cookie: alice, params: { userId: daveId } });
      expect(res.status).toBe(200);
      expect(await roleIn("default", "dave2@example.test")).toBeNull();
      const audit = await getDb().auditEvent.findFirst({ where: { action: "team.member.remove", targetId: daveId } });
      expect(audit?.actorLabel).toBe("alice@example.test");
    });

    it("refuses a role that does not exist with 422 and changes nothing", async () => {
      const carolId = await userId("carol@example.test");
      const res = await call(memberRoute.PATCH, "PATCH", `/api/v1/team/members/${carolId}`, { cookie: alice, params: { userId: carolId }, body: { role: "ROOT" } });
      expect(res.status).toBe(422);
      expect(await roleIn("default", "carol@example.test")).toBe("ADMIN");
    });
  });

  describe("another team's members and invitations", () => {
    it("are 404, with nothing of theirs in the body, and stay unchanged", async () => {
      const carolId = await userId("carol@example.test");
      const pending = await getDb().invitation.findFirstOrThrow({ where: { team: { slug: "default" }, acceptedAt: null, revokedAt: null, email: "nobody@example.test" } });
      // grace2 owns only her own team; carol and the invitation belong to "default".
      const grace = await signUp("grace2@example.test");
      const results = [
        await call(memberRoute.PATCH, "PATCH", `/api/v1/team/members/${carolId}`, { cookie: grace, params: { userId: carolId }, body: { role: "VIEWER" } }),
        await call(memberRoute.DELETE, "DELETE", `/api/v1/team/members/${carolId}`, { cookie: grace, params: { userId: carolId } }),
        await call(invitationIdRoute.DELETE, "DELETE", `/api/v1/team/invitations/${pending.id}`, { cookie: grace, params: { invitationId: pending.id } }),
      ];
      for (const r of results) {
        expect(r.status).toBe(404);
        expect(JSON.stringify(r.json)).not.toMatch(/carol|nobody@|default/);
      }
      const list = await call(invitationsRoute.GET, "GET", "/api/v1/team/invitations", { cookie: grace });
      expect(list.json).toEqual([]);
      expect(await roleIn("default", "carol@example.test")).toBe("ADMIN");
      expect((await getDb().invitation.findUniqueOrThrow({ where: { id: pending.id } })).revokedAt).toBeNull();
    });
  });

  describe("sign-up policy", () => {
    it("only a platform admin sets it, and bad input is 422 and changes nothing", async () => {
      expect((await setPolicy(bob, { signupPolicy: "open" })).status).toBe(403);
      const bad = [
        { signupPolicy: "closed" },
        { signupPolicy: "domains", allowedSignupDomains: [] },
        { allowedSignupDomains: ["not a domain"] },
        { allowedSignupDomains: ["https://example.com"] },
      ];
      for (const body of bad) {
        const res = await setPolicy(alice, body);
        expect(res.status, JSON.stringify(body)).toBe(422);
      }
      const s = await call(platformSettings.GET, "GET", "/api/v1/platform/settings", { cookie: alice });
      expect(s.json).toMatchObject({ signupPolicy: "open", allowedSignupDomains: [] });
    });

    it("invite-only: refuses a sign-up without an invitation, accepts one with it into that team only", async () => {
      expect((await setPolicy(alice, { signupPolicy: "invite-only" })).json.signupPolicy).toBe("invite-only");
      const refused = await trySignUp("henry@example.test");
      expect(refused.status).toBe(403);
      expect(refused.json.message).toMatch(/by invitation only/);
      expect(await getDb().user.count({ where: { email: "henry@example.test" } })).toBe(0);

      const inv = await invite(alice, "henry@example.test", "VIEWER");
      const token = tokenOf(inv.json.link);
      // The invitation is for henry only.
      const other = await trySignUp("ivan@example.test", { headers: { [INVITATION_TOKEN_HEADER]: token } });
      expect(other.status).toBe(403);
      expect(await getDb().user.count({ where: { email: "ivan@example.test" } })).toBe(0);

      const henry = await signUp("henry@example.test", { headers: { [INVITATION_TOKEN_HEADER]: token } });
      const m = await call(me.GET, "GET", "/api/v1/me", { cookie: henry });
      expect(m.json.team).toMatchObject({ slug: "default", role: "VIEWER" });
      expect(m.json.teams).toHaveLength(1);
      expect((await getDb().invitation.findUniqueOrThrow({ where: { id: inv.json.invitation.id } })).acceptedAt).not.toBeNull();
      // Used: it does not let anyone else sign up.
      const reuse = await trySignUp("henry2@example.test", { headers: { [INVITATION_TOKEN_HEADER]: token } });
      expect(reuse.status).toBe(403);
    });

    it("domains: lets in addresses at the allowed domains, and others only with an invitation", async () => {
      const set = await setPolicy(alice, { signupPolicy: "domains", allowedSignupDomains: ["Corp.test", "@lab.corp.test"] });
      expect(set.status).toBe(200);
      expect(set.json.allowedSignupDomains).toEqual(["corp.test", "lab.corp.test"]);
      const inDomain = await trySignUp("jane@corp.test");
      expect(inDomain.status).toBe(200);
      expect(await roleIn("jane", "jane@corp.test")).toBe("OWNER");
      for (const email of ["kim@example.test", "kim@evilcorp.test", "kim@corp.test.evil.test"]) {
        const refused = await trySignUp(email);
        expect(refused.status, email).toBe(403);
        expect(refused.json.message).toMatch(/corp.test, lab.corp.test/);
      }
      const inv = await invite(alice, "kim@example.test", "DEVELOPER");
      const kim = await trySignUp("kim@example.test", { headers: { [INVITATION_TOKEN_HEADER]: tokenOf(inv.json.link) } });
      expect(kim.status).toBe(200);
      expect(await roleIn("default", "kim@example.test")).toBe("DEVELOPER");
    });

    it("open: anyone signs up and gets a team of their own", async () => {
      await setPolicy(alice, { signupPolicy: "open" });
      const res = await trySignUp("leo@example.test");
      expect(res.status).toBe(200);
      expect(await roleIn("leo", "leo@example.test")).toBe("OWNER");
      const audit = await getDb().auditEvent.findFirst({ where: { action: "platform.settings.update" }, orderBy: { createdAt: "desc" } });
      expect(audit?.teamId).toBeNull();
    });
  });
}

/** Three first sign-ups racing with the same setup token: exactly one becomes the platform admin. */
export function defineFirstAdminRaceSuite(prepare: () => Promise<string | undefined>): void {
  beforeAll(async () => {
    setupApiTestEnv({ databaseUrl: await prepare() });
  });

  it("makes exactly one platform admin out of three concurrent sign-ups with the same token", async () => {
    const token = (await issueSetupToken())!;
    const headers = { [SETUP_TOKEN_HEADER]: token };
    const results = await Promise.all(
      ["first@example.test", "second@example.test", "third@example.test"].map((email) => trySignUp(email, { autoSetupToken: false, headers })),
    );
    // Each sign-up may pass the gate (there were no users when it looked), but the token is
    // consumed once: one admin, one owner of default.
    expect(await getDb().user.count({ where: { isPlatformAdmin: true } })).toBe(1);
    const owners = await getDb().membership.findMany({ where: { team: { slug: "default" } } });
    expect(owners).toHaveLength(1);
    const admin = await getDb().user.findFirstOrThrow({ where: { isPlatformAdmin: true } });
    expect(owners[0]!.userId).toBe(admin.id);
    expect(results.some((r) => r.status === 200)).toBe(true);
    expect(await isValidSetupToken(token)).toBe(false);
  });
}
