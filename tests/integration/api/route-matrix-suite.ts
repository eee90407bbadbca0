// The route matrix: every /api/v1 route file found on disk at test time, every HTTP method it
// exports, against every kind of caller, on the caller's own team's records and on another
// team's. The expected status is derived, not listed: from the handler's `.permission` (set by
// server/http.ts route()), from the role table below (written from the README, independently of
// server/auth/permissions.ts, so a wrong grant there fails here), and from the kind of record the
// route's path parameters point at. A new route is covered without editing this file; a route
// with a path parameter this file cannot make a record for fails with a message saying so.
// Every change is also checked against the audit trail: a 2xx change recorded an event attributed
// to the caller; a refusal recorded none.
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE, setupApiTestEnv } from "../../support/api-harness";
import { createFixtureRepo, type FixtureRepo } from "../../support/git-fixtures";
import { FixtureFactory, unreachableKubeconfig } from "../../support/fixtures-factory";
import { startDnsServer, type DnsScript, type DnsServer } from "../../support/dns-server";
import type { Db } from "@/server/db";

type Role = "OWNER" | "ADMIN" | "DEVELOPER" | "VIEWER";
type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
const METHODS: Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

// The README's role × action table.
const ROLE_TABLE: Record<Role, ReadonlySet<string>> = {
  VIEWER: new Set(["read", "self"]),
  DEVELOPER: new Set(["read", "self", "project:write", "app:write", "app:deploy"]),
  ADMIN: new Set(["read", "self", "project:write", "app:write", "app:deploy", "team:members", "team:quota", "team:audit"]),
  OWNER: new Set(["read", "self", "project:write", "app:write", "app:deploy", "team:members", "team:quota", "team:audit"]),
};

// Path parameters that name a team's record (another team's → 404), records that belong to no team
// (clusters; teams under /platform), and invitation links (a signed-in user, no team needed).
const TENANT_PARAMS = new Set(["projectId", "appId", "buildId", "releaseId", "deliveryId", "domainId", "tokenId", "invitationId", "userId", "volumeId", "backupId", "restoreId", "targetId"]);
const PLATFORM_PARAMS = new Set(["clusterId", "teamId"]);
const INVITATION_PARAMS = new Set(["token"]);

// Routes that need slipwayd or a reachable cluster; these tests run neither, so an allowed caller
// may get 503 RUNTIME_UNAVAILABLE from them (and from nothing else).
const NEEDS_RUNTIME = new Set([
  "GET /apps/[appId]/logs",
  "GET /apps/[appId]/logs/search",
  "GET /apps/[appId]/logs/download",
  "GET /apps/[appId]/metrics",
  "GET /team/usage",
  "GET /clusters/[clusterId]/pods",
  "DELETE /apps/[appId]",
]);

// Routes no API token may call, whatever its role: a leaked token must not mint more tokens or
// take its owner out of the team.
const SESSION_ONLY = new Set(["POST /team/tokens", "POST /team/leave"]);

interface BodyContext {
  factory: FixtureFactory;
  repo: FixtureRepo;
  /** the path parameters' records made for this call (projectId, appId, …) */
  params: Record<string, string>;
}
interface RouteCase {
  body?: (ctx: BodyContext) => unknown;
  /** Statuses of success for an allowed caller with this body; default 2xx. */
  expect?: number[];
}

// Valid request bodies, per "METHOD /path". A route missing here is sent `{}` and must answer 2xx
// or 422 (so it is still checked for 401/403/404 and for not crashing).
const VALID: Record<string, RouteCase> = {
  "POST /projects": { body: ({ factory }) => ({ slug: factory.slug("p") }), expect: [201] },
  "PATCH /projects/[projectId]": { body: () => ({ name: "Renamed by the matrix" }), expect: [200] },
  "DELETE /projects/[projectId]": { expect: [200, 204] },
  "PUT /projects/[projectId]/quota": { body: () => ({ cpuMillicores: 1000, memoryMib: 1024, storageGib: null, maxApps: null }) },
  "POST /projects/[projectId]/apps": { body: ({ factory, repo }) => ({ slug: factory.slug("a"), gitUrl: repo.fileUrl }), expect: [201] },
  "PATCH /apps/[appId]": { body: () => ({ healthCheckPath: "/healthz" }), expect: [200] },
  "DELETE /apps/[appId]": { expect: [200, 202, 204] },
  "POST /apps/[appId]/deploy": { expect: [202] },
  "POST /apps/[appId]/releases/[releaseId]/rollback": { expect: [202] },
  "POST /apps/[appId]/restart": { expect: [202] },
  // The matrix's apps run on the embedded runtime, whose ingress serves them: "open" says so.
  "POST /apps/[appId]/open": { expect: [409] },
  "POST /apps/[appId]/stop": { expect: [202] },
  "POST /apps/[appId]/start": { expect: [202] },
  "POST /builds/[buildId]/cancel": { expect: [200] },
  "POST /apps/[appId]/domains": { body: ({ factory }) => ({ hostname: `${factory.slug("d")}.example.test` }), expect: [201] },
  "DELETE /apps/[appId]/domains/[domainId]": { expect: [204] },
  // The matrix's DNS server holds each fixture domain's TXT record: the check passes.
  "POST /apps/[appId]/domains/[domainId]/verify": { body: () => ({ method: "txt" }), expect: [200] },
  // The first switch-on generates the secret (and answers it once).
  "PATCH /apps/[appId]/webhook": { body: () => ({ deployOnPush: true, branchFilter: "release/*" }), expect: [200] },
  "POST /apps/[appId]/webhook/secret": { expect: [201] },
  // As the intake answers: 202 when a build was queued or joined, 200 when ignored.
  "POST /apps/[appId]/deliveries/[deliveryId]/redeliver": { expect: [200, 202] },
  "PATCH /volumes/[volumeId]": { body: () => ({ backupRetention: 3 }), expect: [200] },
  "DELETE /volumes/[volumeId]": { expect: [202] },
  // The fixture volume is attached to an app of its project for these two (see recordsFor).
  "POST /volumes/[volumeId]/attach": { body: ({ params }) => ({ appId: params.attachAppId, mountPath: "/srv/data" }), expect: [202] },
  "POST /volumes/[volumeId]/detach": { expect: [202] },
  "POST /volumes/[volumeId]/backups": { body: () => ({ consistent: false }), expect: [202] },
  // Into the volume it was taken from.
  "POST /backups/[backupId]/restore": { body: () => ({}), expect: [202] },
  "DELETE /backups/[backupId]": { expect: [204] },
  // A loopback endpoint: the matrix allows private backup endpoints (see the settings it seeds).
  "POST /team/backup-targets": { body: ({ factory }) => ({ name: factory.slug("bt"), endpoint: "http://127.0.0.1:9000", bucket: "matrix-bucket", accessKeyId: "matrix", secretAccessKey: "matrix-secret" }), expect: [201] },
  "DELETE /team/backup-targets/[targetId]": { expect: [204] },
  "POST /clusters": {
    body: ({ factory }) => {
      const name = factory.slug("c");
      return { name, kubeconfig: unreachableKubeconfig(name) };
    },
    expect: [201],
  },
  "PATCH /clusters/[clusterId]": { body: () => ({ ingressDomain: "apps.example.test" }), expect: [200] },
  "DELETE /clusters/[clusterId]": { expect: [200, 204] },
  "POST /clusters/[clusterId]/check": { expect: [200] },
  // Local git sources stay allowed: the app-creation case needs them.
  "PUT /platform/settings": { body: () => ({ allowLocalGitSources: true }), expect: [200] },
  "PUT /platform/default-quota": { body: () => ({ cpuMillicores: 4000, memoryMib: 4096, storageGib: 20, maxApps: 20, maxConcurrentBuilds: 2 }) },
  "PUT /platform/teams/[teamId]/quota": { body: () => ({ cpuMillicores: 8000, memoryMib: 8192, storageGib: 40, maxApps: 40, maxConcurrentBuilds: 4 }) },
  "PATCH /team/members/[userId]": { body: () => ({ role: "DEVELOPER" }) },
  "POST /team/invitations": { body: ({ factory }) => ({ email: `${factory.slug("inv")}@example.test`, role: "VIEWER" }), expect: [201] },
  "PATCH /team/log-retention": { body: () => ({ days: 3 }), expect: [200] },
  "POST /team/tokens": { body: ({ factory }) => ({ name: factory.slug("t"), role: "VIEWER" }), expect: [201] },
  "DELETE /team/tokens/[tokenId]": { expect: [200, 204] },
  "DELETE /team/members/[userId]": { expect: [200, 204] },
  "DELETE /team/invitations/[invitationId]": { expect: [200, 204] },
  // Every team in the matrix has a second owner, so any member may leave.
  "POST /team/leave": { expect: [200, 201, 204] },
  // Addressed to the caller, from an owner of a new team: accepting works.
  "POST /invitations/[token]": { expect: [200, 201] },
};

type ActorName =
  | "anonymous"
  | "nonMember"
  | "viewer"
  | "developer"
  | "admin"
  | "owner"
  | "platformAdmin"
  | "platformAdminMember"
  | "viewerToken"
  | "platformAdminToken";

interface ActorDef {
  name: ActorName;
  via: "none" | "session" | "token";
  role: Role;
  isPlatformAdmin: boolean;
  /** The team the caller acts in. */
  home: "A" | "B" | "P";
  /** Another team, whose records the caller must not reach. */
  foreign: "A" | "B" | "P";
  /** Only tried on another team's records (a user of another team, on team A's). */
  onlyForeign?: boolean;
}

// Team A is the team under test; B is another tenant; P is the platform admin's own team.
const ACTORS: ActorDef[] = [
  { name: "anonymous", via: "none", role: "VIEWER", isPlatformAdmin: false, home: "A", foreign: "B" },
  { name: "nonMember", via: "session", role: "OWNER", isPlatformAdmin: false, home: "B", foreign: "A", onlyForeign: true },
  { name: "viewer", via: "session", role: "VIEWER", isPlatformAdmin: false, home: "A", foreign: "B" },
  { name: "developer", via: "session", role: "DEVELOPER", isPlatformAdmin: false, home: "A", foreign: "B" },
  { name: "admin", via: "session", role: "ADMIN", isPlatformAdmin: false, home: "A", foreign: "B" },
  { name: "owner", via: "session", role: "OWNER", isPlatformAdmin: false, home: "A", foreign: "B" },
  // Owner of the platform's own team, not a member of A.
  { name: "platformAdmin", via: "session", role: "OWNER", isPlatformAdmin: true, home: "P", foreign: "A" },
  // The flag gives platform administration, never more than its role inside a team.
  { name: "platformAdminMember", via: "session", role: "VIEWER", isPlatformAdmin: true, home: "A", foreign: "B" },
  // A VIEWER token created by A's owner: acts as a viewer.
  { name: "viewerToken", via: "token", role: "VIEWER", isPlatformAdmin: false, home: "A", foreign: "B" },
  // A token of the platform admin: tokens never carry platform administration.
  { name: "platformAdminToken", via: "token", role: "ADMIN", isPlatformAdmin: false, home: "P", foreign: "A" },
];

interface DiscoveredRoute {
  file: string;
  /** "/projects/[projectId]/apps" */
  pattern: string;
  params: string[];
}

const apiRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../app/api/v1");

export function discoverRoutes(): DiscoveredRoute[] {
  const files = (readdirSync(apiRoot, { recursive: true }) as string[]).filter((f) => path.basename(f) === "route.ts").sort();
  return files.map((rel) => {
    const dir = path.dirname(rel).split(path.sep).filter((s) => s !== ".");
    const pattern = "/" + dir.join("/");
    const params = dir.filter((s) => /^\[[^\]]+\]$/.test(s)).map((s) => s.slice(1, -1));
    return { file: path.join(apiRoot, rel), pattern, params };
  });
}

type Scope = "own" | "other";
type RouteKind = "team" | "tenant-record" | "platform-record" | "invitation";

function routeKind(route: DiscoveredRoute, permission: string): RouteKind {
  const unknown = route.params.filter((p) => !TENANT_PARAMS.has(p) && !PLATFORM_PARAMS.has(p) && !INVITATION_PARAMS.has(p));
  if (unknown.length) {
    throw new Error(
      `Route ${route.pattern} has path parameter(s) [${unknown.join(", ")}] that the route matrix cannot make a record for: ` +
        `add a fixture for each in tests/integration/api/route-matrix-suite.ts (recordFor) and tests/support/fixtures-factory.ts.`,
    );
  }
  if (permission === "signed-in") return "invitation";
  if (route.params.some((p) => TENANT_PARAMS.has(p))) return "tenant-record";
  if (route.params.some((p) => PLATFORM_PARAMS.has(p))) return "platform-record";
  return "team";
}

function scopesFor(actor: ActorDef, kind: RouteKind): Scope[] {
  if (kind !== "tenant-record") return ["own"];
  if (actor.via === "none") return ["own"];
  return actor.onlyForeign ? ["other"] : ["own", "other"];
}

type Expectation = { kind: "status"; statuses: number[]; label: string };

function expected(actor: ActorDef, permission: string, kind: RouteKind, scope: Scope, key: string, method: Method): Expectation {
  if (actor.via === "none") return { kind: "status", statuses: [401], label: "401" };
  const granted =
    permission === "signed-in"
      ? actor.via === "session"
      : permission === "platform:admin"
        ? actor.via === "session" && actor.isPlatformAdmin
        : (ROLE_TABLE[actor.role]?.has(permission) ?? false);
  if (!granted || (actor.via === "token" && SESSION_ONLY.has(key))) return { kind: "status", statuses: [403], label: "403" };
  if (scope === "other") return { kind: "status", statuses: [404], label: "404" };
  const spec = VALID[key];
  const success = spec?.expect ?? (method === "GET" || spec ? [200, 201, 202, 204] : [200, 201, 202, 204, 422]);
  const statuses = NEEDS_RUNTIME.has(key) ? [...success, 503] : success;
  return { kind: "status", statuses, label: statuses.join("|") };
}

interface World {
  db: Db;
  factory: FixtureFactory;
  repo: FixtureRepo;
  teams: Record<"A" | "B" | "P", { id: string; slug: string; name: string }>;
  users: Record<string, { id: string; email: string; team: "A" | "B" | "P"; role: Role; isPlatformAdmin: boolean }>;
  credentials: Record<ActorName, { cookie?: string; token?: string; userKey?: string }>;
  tokens: { key: string; teamId: string; userId: string; role: Role; name: string; tokenHash: string; tokenPrefix: string }[];
  /** answers custom-domain checks (SLIPWAY_DNS_RESOLVER): each fixture domain's TXT proof */
  dns: DnsServer;
  dnsScript: DnsScript;
}

/** Records for one case: each path parameter gets a fresh record in `teamId`, consistent with the others. */
async function recordsFor(world: World, route: DiscoveredRoute, actor: ActorDef, teamKey: "A" | "B" | "P") {
  const { factory } = world;
  const team = world.teams[teamKey];
  const values: Record<string, string> = {};
  const secrets: string[] = [team.id, team.slug, team.name];
  const actorUser = world.credentials[actor.name].userKey ? world.users[world.credentials[actor.name].userKey!] : undefined;
  let projectId: string | undefined;
  let appId: string | undefined;
  const ensureProject = async () => {
    if (!projectId) {
      const p = await factory.project(team.id);
      projectId = p.id;
      secrets.push(p.id, p.slug, p.name);
    }
    return projectId;
  };
  const ensureApp = async () => {
    if (!appId) {
      const a = await factory.app(team.id, await ensureProject());
      appId = a.id;
      secrets.push(a.id, a.slug);
    }
    return appId;
  };
  // Dependencies first: an app's build or release belongs to that app.
  const order = ["projectId", "appId", "buildId", "releaseId", "deliveryId", "domainId", "volumeId", "backupId", "restoreId", "targetId", "tokenId", "invitationId", "userId", "clusterId", "teamId", "token"];
  const params = [...route.params].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  for (const param of params) {
    switch (param) {
      case "projectId":
        values.projectId = await ensureProject();
        break;
      case "appId":
        values.appId = await ensureApp();
        // Operations need an app they can act on: a restart a live release, a start a stopped app.
        if (route.pattern.endsWith("/restart")) await factory.release(team.id, values.appId);
        if (route.pattern.endsWith("/start")) await world.db.app.update({ where: { id: values.appId }, data: { stopped: true } });
        break;
      case "buildId": {
        // Only a queued or running build can be canceled (a finished one answers 409).
        const b = await factory.build(team.id, await ensureApp(), route.pattern.endsWith("/cancel") ? "QUEUED" : "SUCCEEDED");
        values.buildId = b.id;
        secrets.push(b.id);
        break;
      }
      case "releaseId": {
        const r = await factory.release(team.id, await ensureApp());
        values.releaseId = r.id;
        secrets.push(r.id);
        break;
      }
      case "deliveryId": {
        const d = await factory.delivery(team.id, await ensureApp());
        values.deliveryId = d.id;
        secrets.push(d.id, d.deliveryId);
        break;
      }
      case "domainId": {
        const d = await factory.domain(team.id, await ensureApp());
        world.dnsScript[`_slipway-challenge.${d.hostname}`] = { TXT: [[d.verificationToken]] };
        world.dns.setScript(world.dnsScript);
        values.domainId = d.id;
        secrets.push(d.id, d.hostname, d.verificationToken);
        break;
      }
      case "volumeId": {
        const v = await factory.volume(team.id, await ensureProject());
        values.volumeId = v.id;
        if (route.pattern.endsWith("/attach") || route.pattern.endsWith("/detach")) {
          const app = await factory.app(team.id, await ensureProject());
          values.attachAppId = app.id;
          if (route.pattern.endsWith("/detach")) await world.db.volume.update({ where: { id: v.id }, data: { appId: app.id, mountPath: "/srv/data" } });
        }
        secrets.push(v.id, v.name);
        break;
      }
      case "backupId": {
        const volumeId = values.volumeId ?? (await factory.volume(team.id, await ensureProject())).id;
        const b = await factory.backup(team.id, volumeId);
        values.backupId = b.id;
        secrets.push(b.id);
        break;
      }
      case "restoreId": {
        const volumeId = values.volumeId ?? (await factory.volume(team.id, await ensureProject())).id;
        const r = await factory.restore(team.id, (await factory.backup(team.id, volumeId)).id, volumeId);
        values.restoreId = r.id;
        secrets.push(r.id);
        break;
      }
      case "targetId": {
        const t = await factory.backupTarget(team.id);
        values.targetId = t.id;
        secrets.push(t.id, t.name);
        break;
      }
      case "tokenId": {
        // The caller's own token when it is in this team (anyone may revoke their own); else a
        // token of a member of that team.
        const ownerKey = actorUser && actorUser.team === teamKey ? actor.name : undefined;
        const userId = ownerKey ? actorUser!.id : (await factory.user({ teamId: team.id, role: "DEVELOPER" })).id;
        const t = await factory.apiToken({ teamId: team.id, userId, role: "VIEWER" });
        values.tokenId = t.row.id;
        secrets.push(t.row.id, t.row.name);
        break;
      }
      case "invitationId": {
        const inv = await factory.invitation({ teamId: team.id, invitedById: world.users[`owner${teamKey}2`]!.id });
        values.invitationId = inv.row.id;
        secrets.push(inv.row.id, inv.row.email);
        break;
      }
      case "userId": {
        const u = await factory.user({ teamId: team.id, role: "VIEWER" });
        values.userId = u.id;
        secrets.push(u.id, u.email);
        break;
      }
      case "clusterId":
        values.clusterId = (await factory.cluster()).id;
        break;
      case "teamId":
        values.teamId = (await factory.team("quota")).id;
        break;
      case "token": {
        // An invitation to a new team, addressed to the caller, so a signed-in caller may accept it.
        const t = await factory.team("invites");
        const inviter = await factory.user({ teamId: t.id, role: "OWNER" });
        const inv = await factory.invitation({ teamId: t.id, email: actorUser?.email, role: "VIEWER", invitedById: inviter.id });
        values.token = inv.token;
        break;
      }
      default:
        throw new Error(`no fixture for path parameter [${param}] of ${route.pattern}: add one in tests/integration/api/route-matrix-suite.ts (recordsFor)`);
    }
  }
  return { values, secrets };
}

/** Calls a handler like an HTTP client; for an event stream, reads the status and cancels the body. */
async function request(handler: unknown, method: Method, urlPath: string, options: { cookie?: string; token?: string; body?: unknown; params: Record<string, string> }) {
  const headers: Record<string, string> = { origin: BASE };
  if (method !== "GET") headers["content-type"] = "application/json";
  if (options.cookie) headers.cookie = options.cookie;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const abort = new AbortController();
  const req = new Request(`${BASE}${urlPath}`, {
    method,
    headers,
    signal: abort.signal,
    body: method === "GET" ? undefined : JSON.stringify(options.body ?? {}),
  });
  const res = await (handler as (r: Request, c: { params: Promise<unknown> }) => Promise<Response>)(req, { params: Promise.resolve(options.params) });
  if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) {
    abort.abort();
    await res.body?.cancel();
    return { status: res.status, text: "" };
  }
  return { status: res.status, text: await res.text() };
}

/**
 * Puts every caller back as it was: a case may have made one leave its team, accept an
 * invitation to another, change a role or revoke a token.
 */
async function restoreWorld(world: World): Promise<void> {
  const { db } = world;
  const users = Object.values(world.users);
  // Read first and write only what a case changed: most cases change none of this.
  const [memberships, userRows, tokenRows] = await Promise.all([
    db.membership.findMany({ where: { userId: { in: users.map((u) => u.id) } } }),
    db.user.findMany({ where: { id: { in: users.map((u) => u.id) } } }),
    db.apiToken.findMany({ where: { tokenHash: { in: world.tokens.map((t) => t.tokenHash) } } }),
  ]);
  for (const user of users) {
    const teamId = world.teams[user.team].id;
    const mine = memberships.filter((m) => m.userId === user.id);
    if (mine.some((m) => m.teamId !== teamId)) await db.membership.deleteMany({ where: { userId: user.id, teamId: { not: teamId } } });
    const home = mine.find((m) => m.teamId === teamId);
    if (home?.role !== user.role) {
      await db.membership.upsert({ where: { teamId_userId: { teamId, userId: user.id } }, create: { teamId, userId: user.id, role: user.role }, update: { role: user.role } });
    }
    if (userRows.find((u) => u.id === user.id)?.isPlatformAdmin !== user.isPlatformAdmin) {
      await db.user.update({ where: { id: user.id }, data: { isPlatformAdmin: user.isPlatformAdmin } });
    }
  }
  for (const t of world.tokens) {
    const row = tokenRows.find((r) => r.tokenHash === t.tokenHash);
    if (row && !row.revokedAt && !row.expiresAt && row.role === t.role) continue;
    await db.apiToken.upsert({
      where: { tokenHash: t.tokenHash },
      create: { teamId: t.teamId, userId: t.userId, role: t.role, name: t.name, tokenHash: t.tokenHash, tokenPrefix: t.tokenPrefix },
      update: { revokedAt: null, expiresAt: null, role: t.role },
    });
  }
}

/**
 * Every change is audited, and only changes are: a 2xx answer to a change must have recorded at
 * least one event, attributed to the caller (the token's owner and the token, for a token); a
 * refusal must have recorded none (and so, since every change is audited, changed nothing).
 */
async function auditProblem(world: World, actor: ActorDef, status: number, before: number): Promise<string | undefined> {
  const after = await world.db.auditEvent.count();
  const recorded = after > before ? await world.db.auditEvent.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: after - before }) : [];
  const succeeded = status >= 200 && status < 300;
  if (!succeeded) return recorded.length ? `refused (${status}) yet recorded ${recorded.map((e) => e.action).join(", ")}` : undefined;
  if (!recorded.length) return "changed something (2xx) but recorded no audit event";
  const userKey = world.credentials[actor.name].userKey;
  const userId = userKey ? world.users[userKey]!.id : undefined;
  const wrong = recorded.filter((e) => e.actorId !== userId || e.actorType !== actor.via || (actor.via === "token") !== (e.tokenId !== null));
  if (wrong.length) return `audit event(s) ${wrong.map((e) => `${e.action} by ${e.actorType}:${e.actorLabel}`).join(", ")} not attributed to ${actor.name}`;
  return undefined;
}

interface CaseResult {
  route: string;
  method: Method;
  actor: ActorName;
  scope: Scope;
  expected: string;
  got: number;
  problem?: string;
}

function table(rows: CaseResult[]): string {
  const head = ["route", "method", "actor", "records", "expected", "got", "problem"];
  const lines = rows.map((r) => [r.route, r.method, r.actor, r.scope, r.expected, String(r.got), r.problem ?? ""]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  return [fmt(head), ...lines.map(fmt)].join("\n");
}

/** The matrix on one database: `prepare` returns its URL (undefined: a SQLite copy). */
export function defineRouteMatrixSuite(prepare: () => Promise<string | undefined>): void {
  const routes = discoverRoutes();
  let world: World;

  beforeAll(async () => {
    // Read once per process by the route wrapper: set before the first route call.
    process.env.SLIPWAY_API_MUTATIONS_PER_MINUTE = "1000000";
    const dnsScript: DnsScript = {};
    const dns = await startDnsServer(dnsScript);
    process.env.SLIPWAY_DNS_RESOLVER = dns.address;
    setupApiTestEnv({ databaseUrl: await prepare() });
    const { getDb } = await import("@/server/db");
    const db = getDb();
    // Thousands of small writes: on SQLite, skip the fsync per commit (this file's own database).
    if (!process.env.DATABASE_URL?.startsWith("postgres")) await db.$queryRawUnsafe("PRAGMA synchronous = OFF");
    const repo = await createFixtureRepo();
    const factory = new FixtureFactory(db, { gitUrl: repo.fileUrl });
    await db.platformSettings.upsert({ where: { id: "platform" }, create: { allowLocalGitSources: true, allowPrivateBackupEndpoints: true }, update: { allowLocalGitSources: true, allowPrivateBackupEndpoints: true } });
    const [A, B, P] = [await factory.team("alpha"), await factory.team("beta"), await factory.team("platform")];
    const teams = { A, B, P };
    const users: World["users"] = {};
    const credentials = {} as World["credentials"];
    const tokens: World["tokens"] = [];
    const addUser = async (key: string, team: "A" | "B" | "P", role: Role, isPlatformAdmin = false) => {
      const u = await factory.user({ teamId: teams[team].id, role, isPlatformAdmin, email: `${key.toLowerCase()}-${factory.slug("m")}@example.test` });
      users[key] = { id: u.id, email: u.email, team, role, isPlatformAdmin };
      return u;
    };
    // A second owner in every team, so that an owner may leave in the "leave" case.
    await addUser("ownerA2", "A", "OWNER");
    await addUser("ownerB2", "B", "OWNER");
    await addUser("ownerP2", "P", "OWNER");
    for (const actor of ACTORS) {
      if (actor.via === "none") {
        credentials[actor.name] = {};
      } else if (actor.via === "session") {
        const u = await addUser(actor.name, actor.home, actor.role, actor.isPlatformAdmin);
        credentials[actor.name] = { cookie: await factory.sessionCookie(u.id), userKey: actor.name };
      }
    }
    // Tokens are created by the team's owner (A) or the platform admin (P), with a lower or equal role.
    for (const actor of ACTORS.filter((a) => a.via === "token")) {
      const ownerKey = actor.home === "A" ? "owner" : "platformAdmin";
      const owner = users[ownerKey]!;
      const t = await factory.apiToken({ teamId: teams[actor.home].id, userId: owner.id, role: actor.role, name: `${actor.name}-token` });
      tokens.push({ key: actor.name, teamId: t.row.teamId, userId: owner.id, role: actor.role, name: t.row.name, tokenHash: t.row.tokenHash, tokenPrefix: t.row.tokenPrefix });
      credentials[actor.name] = { token: t.token, userKey: ownerKey };
    }
    world = { db, factory, repo, teams, users, credentials, tokens, dns, dnsScript };
  });

  afterAll(async () => {
    const { getDb } = await import("@/server/db");
    await getDb().$disconnect();
    delete process.env.SLIPWAY_DNS_RESOLVER;
    await world?.dns.close();
  });

  describe("route matrix", () => {
    it("finds the /api/v1 routes on disk", () => {
      const patterns = routes.map((r) => r.pattern);
      expect(patterns).toContain("/projects");
      expect(patterns).toContain("/apps/[appId]");
      expect(patterns.length).toBeGreaterThan(15);
    });

    it("every caller reaches their own session or token (the fixtures work)", async () => {
      const me = await import("@/app/api/v1/me/route");
      for (const actor of ACTORS) {
        const res = await request(me.GET, "GET", "/api/v1/me", { ...world.credentials[actor.name], params: {} });
        if (actor.via === "none") {
          expect(res.status, actor.name).toBe(401);
          continue;
        }
        expect(res.status, `${actor.name}: ${res.text}`).toBe(200);
        const body = JSON.parse(res.text);
        expect(body.team.id, actor.name).toBe(world.teams[actor.home].id);
        expect(body.team.role, actor.name).toBe(actor.role);
        expect(body.user.isPlatformAdmin, actor.name).toBe(actor.isPlatformAdmin);
      }
    });

    for (const route of routes) {
      it(`${route.pattern}`, async () => {
        const mod = (await import(/* @vite-ignore */ route.file)) as Record<string, unknown>;
        const methods = METHODS.filter((m) => typeof mod[m] === "function");
        expect(methods.length, `${route.pattern} exports no HTTP method`).toBeGreaterThan(0);
        const failures: CaseResult[] = [];
        for (const method of methods) {
          const handler = mod[method] as { permission?: string };
          const permission = handler.permission;
          if (typeof permission !== "string") {
            failures.push({ route: route.pattern, method, actor: "anonymous", scope: "own", expected: "route()", got: 0, problem: "handler has no .permission: wrap it with route() or userRoute() from server/http.ts" });
            continue;
          }
          const kind = routeKind(route, permission);
          const key = `${method} ${route.pattern}`;
          for (const actor of ACTORS) {
            for (const scope of scopesFor(actor, kind)) {
              const teamKey = scope === "own" ? actor.home : actor.foreign;
              const { values, secrets } = await recordsFor(world, route, actor, teamKey);
              const urlPath = "/api/v1" + route.pattern.replace(/\[([^\]]+)\]/g, (_, p: string) => encodeURIComponent(values[p]!));
              const spec = VALID[key];
              const body = method === "GET" ? undefined : (spec?.body?.({ factory: world.factory, repo: world.repo, params: values }) ?? {});
              const exp = expected(actor, permission, kind, scope, key, method);
              const creds = world.credentials[actor.name];
              const auditBefore = method === "GET" ? 0 : await world.db.auditEvent.count();
              let res: { status: number; text: string };
              try {
                res = await request(handler, method, urlPath, { cookie: creds.cookie, token: creds.token, body, params: values });
              } catch (e) {
                failures.push({ route: route.pattern, method, actor: actor.name, scope, expected: exp.label, got: -1, problem: `threw: ${(e as Error).message}` });
                continue;
              }
              let problem: string | undefined;
              if (!exp.statuses.includes(res.status)) problem = res.text.slice(0, 160);
              else if (res.status === 404) {
                const leaked = secrets.filter((s) => s && res.text.includes(s));
                if (leaked.length) problem = `404 body names the other team's records: ${leaked.join(", ")}`;
              }
              if (problem === undefined && method !== "GET") problem = await auditProblem(world, actor, res.status, auditBefore);
              if (problem !== undefined) failures.push({ route: route.pattern, method, actor: actor.name, scope, expected: exp.label, got: res.status, problem });
              if (method !== "GET") await restoreWorld(world);
            }
          }
        }
        expect(failures, `route matrix mismatches:\n${table(failures)}\n`).toEqual([]);
      });
    }
  });
}
