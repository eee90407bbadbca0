import "server-only";
// What a team holds against its quota, computed from what the platform has been asked to run —
// never from the editable size on the app row alone:
//   per app and per resource, the largest of
//     - its live release's per-replica size,
//     - its target release's (pending or rolling out: both may run during a rollout),
//     - the app row's size while a build is queued or running (that build will release it),
//   times the app row's replicas (the scale the runtime is asked to run; quota-checked on every
//   change), or times 0 while the app is stopped (it runs no replica; starting it is checked like a
//   scale up). Plus the number of apps, volume storage and running builds.
// One SQL aggregate for all of it, on SQLite and PostgreSQL alike (CASE instead of GREATEST, quoted
// Prisma table names), so that a check stays cheap with a thousand apps in a team.
import type { Db, Tx } from "../db";
import { Prisma } from "../generated/sqlite/client";

export interface Usage {
  cpuMillicores: number;
  memoryMib: number;
  storageGib: number;
  apps: number;
}

export interface TeamUsage extends Usage {
  runningBuilds: number;
  /** The same usage, per project id (projects without apps or volumes are absent). */
  projects: Record<string, Usage>;
}

/** The parts of one app's footprint: the per-replica sizes that count, and the scale. */
export interface AppFootprintParts {
  appId: string;
  projectId: string;
  slug: string;
  replicas: number;
  /** per replica, of the live release (0 when none) */
  liveCpu: number;
  liveMemory: number;
  /** per replica, of the target release while it is pending, rolling out or live (0 when none) */
  targetCpu: number;
  targetMemory: number;
  /** a build is queued or running: the app row's size will be released */
  buildPending: boolean;
  /** the app row's per-replica size */
  rowCpu: number;
  rowMemory: number;
  /** stopped: no replica runs, so it holds nothing (its replicas and releases are kept) */
  stopped: boolean;
}

export interface AppUsage {
  appId: string;
  projectId: string;
  slug: string;
  replicas: number;
  cpuMillicores: number;
  memoryMib: number;
}

const emptyUsage = (): Usage => ({ cpuMillicores: 0, memoryMib: 0, storageGib: 0, apps: 0 });

// Raw aggregates come back as number (SQLite), bigint (PostgreSQL COUNT/SUM) or null.
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** The footprint of one app given its parts, optionally with the app row changed. */
export function appFootprint(p: AppFootprintParts, change: { replicas?: number; cpuMillicores?: number; memoryMib?: number; stopped?: boolean } = {}): { cpuMillicores: number; memoryMib: number } {
  const replicas = (change.stopped ?? p.stopped) ? 0 : (change.replicas ?? p.replicas);
  const rowCpu = p.buildPending ? (change.cpuMillicores ?? p.rowCpu) : 0;
  const rowMemory = p.buildPending ? (change.memoryMib ?? p.rowMemory) : 0;
  return {
    cpuMillicores: Math.max(p.liveCpu, p.targetCpu, rowCpu) * replicas,
    memoryMib: Math.max(p.liveMemory, p.targetMemory, rowMemory) * replicas,
  };
}

/** One row per app: the per-replica sizes that count (see the top of this file). */
function appPartsSql(where: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT a."id" AS "appId", a."teamId" AS "teamId", a."projectId" AS "projectId", a."slug" AS "slug",
      a."replicas" AS "replicas", a."cpuMillicores" AS "rowCpu", a."memoryMib" AS "rowMemory",
      COALESCE(l."cpuMillicores", 0) AS "liveCpu", COALESCE(l."memoryMib", 0) AS "liveMemory",
      COALESCE(t."cpuMillicores", 0) AS "targetCpu", COALESCE(t."memoryMib", 0) AS "targetMemory",
      CASE WHEN EXISTS (SELECT 1 FROM "Build" b WHERE b."appId" = a."id" AND b."status" IN ('QUEUED', 'RUNNING')) THEN 1 ELSE 0 END AS "buildPending",
      CASE WHEN a."stopped" THEN 1 ELSE 0 END AS "stopped"
    FROM "App" a
    LEFT JOIN "Release" l ON l."id" = a."liveReleaseId"
    LEFT JOIN "Release" t ON t."id" = a."targetReleaseId" AND t."status" IN ('PENDING', 'ROLLING_OUT', 'LIVE')
    WHERE ${where}`;
}

// max(live, target, pending build's row) per replica, times replicas (0 when stopped) — as SQL over appPartsSql.
const cpuSql = Prisma.sql`(1 - x."stopped") * x."replicas" * CASE
  WHEN x."liveCpu" >= x."targetCpu" AND x."liveCpu" >= x."buildPending" * x."rowCpu" THEN x."liveCpu"
  WHEN x."targetCpu" >= x."buildPending" * x."rowCpu" THEN x."targetCpu"
  ELSE x."buildPending" * x."rowCpu" END`;
const memorySql = Prisma.sql`(1 - x."stopped") * x."replicas" * CASE
  WHEN x."liveMemory" >= x."targetMemory" AND x."liveMemory" >= x."buildPending" * x."rowMemory" THEN x."liveMemory"
  WHEN x."targetMemory" >= x."buildPending" * x."rowMemory" THEN x."targetMemory"
  ELSE x."buildPending" * x."rowMemory" END`;

interface GroupRow {
  teamId: string;
  projectId: string;
  apps: unknown;
  cpu: unknown;
  memory: unknown;
}

/** Usage grouped by team and project: one aggregate over apps, one over volumes (if asked for). */
async function groupedUsage(db: Db | Tx, scope: { teamId?: string; excludeAppId?: string; storage?: boolean }): Promise<Map<string, { teamId: string; projectId: string; usage: Usage }>> {
  const conditions: Prisma.Sql[] = [];
  if (scope.teamId !== undefined) conditions.push(Prisma.sql`a."teamId" = ${scope.teamId}`);
  if (scope.excludeAppId !== undefined) conditions.push(Prisma.sql`a."id" <> ${scope.excludeAppId}`);
  const where = conditions.length ? Prisma.join(conditions, " AND ") : Prisma.sql`1 = 1`;
  const rows = await db.$queryRaw<GroupRow[]>`
    SELECT x."teamId" AS "teamId", x."projectId" AS "projectId", COUNT(*) AS "apps",
      SUM(${cpuSql}) AS "cpu", SUM(${memorySql}) AS "memory"
    FROM (${appPartsSql(where)}) x
    GROUP BY x."teamId", x."projectId"`;
  const volumes =
    scope.storage === false
      ? []
      : await db.volume.groupBy({ by: ["teamId", "projectId"], where: scope.teamId !== undefined ? { teamId: scope.teamId } : {}, _sum: { sizeGib: true } });
  const out = new Map<string, { teamId: string; projectId: string; usage: Usage }>();
  const entry = (teamId: string, projectId: string) => {
    const key = `${teamId}/${projectId}`;
    let e = out.get(key);
    if (!e) out.set(key, (e = { teamId, projectId, usage: emptyUsage() }));
    return e.usage;
  };
  for (const r of rows) {
    const u = entry(r.teamId, r.projectId);
    u.apps = num(r.apps);
    u.cpuMillicores = num(r.cpu);
    u.memoryMib = num(r.memory);
  }
  for (const v of volumes) entry(v.teamId, v.projectId).storageGib = v._sum.sizeGib ?? 0;
  return out;
}

function add(into: Usage, u: Usage): void {
  into.cpuMillicores += u.cpuMillicores;
  into.memoryMib += u.memoryMib;
  into.storageGib += u.storageGib;
  into.apps += u.apps;
}

export interface TeamUsageOptions {
  /** Leaves one app out: the one a change is about, whose new footprint the caller adds itself. */
  excludeAppId?: string;
  /** Skip the volume sum (storage reads 0) when the caller does not need it, e.g. a scale check. */
  storage?: boolean;
  /** Skip the running-builds count (reads 0) when the caller does not need it. */
  builds?: boolean;
}

/** A team's usage, in total and per project. */
export async function getTeamUsage(db: Db | Tx, teamId: string, options: TeamUsageOptions = {}): Promise<TeamUsage> {
  // One after the other: inside a transaction they share one connection anyway.
  const groups = await groupedUsage(db, { teamId, excludeAppId: options.excludeAppId, storage: options.storage });
  const runningBuilds = options.builds === false ? 0 : await db.build.count({ where: { teamId, status: "RUNNING" } });
  const total: TeamUsage = { ...emptyUsage(), runningBuilds, projects: {} };
  for (const { projectId, usage } of groups.values()) {
    add(total, usage);
    total.projects[projectId] = usage;
  }
  return total;
}

/** Every team's usage (the platform admin's overview), from the same aggregate. */
export async function getAllTeamsUsage(db: Db | Tx): Promise<Map<string, Omit<TeamUsage, "projects">>> {
  const [groups, builds] = await Promise.all([
    groupedUsage(db, {}),
    db.build.groupBy({ by: ["teamId"], where: { status: "RUNNING" }, _count: { _all: true } }),
  ]);
  const out = new Map<string, Omit<TeamUsage, "projects">>();
  const team = (teamId: string) => {
    let t = out.get(teamId);
    if (!t) out.set(teamId, (t = { ...emptyUsage(), runningBuilds: 0 }));
    return t;
  };
  for (const { teamId, usage } of groups.values()) add(team(teamId), usage);
  for (const b of builds) team(b.teamId).runningBuilds = b._count._all;
  return out;
}

interface PartsRow {
  appId: string;
  projectId: string;
  slug: string;
  replicas: unknown;
  rowCpu: unknown;
  rowMemory: unknown;
  liveCpu: unknown;
  liveMemory: unknown;
  targetCpu: unknown;
  targetMemory: unknown;
  buildPending: unknown;
  stopped: unknown;
}

function toParts(r: PartsRow): AppFootprintParts {
  return {
    appId: r.appId,
    projectId: r.projectId,
    slug: r.slug,
    replicas: num(r.replicas),
    rowCpu: num(r.rowCpu),
    rowMemory: num(r.rowMemory),
    liveCpu: num(r.liveCpu),
    liveMemory: num(r.liveMemory),
    targetCpu: num(r.targetCpu),
    targetMemory: num(r.targetMemory),
    buildPending: num(r.buildPending) === 1,
    stopped: num(r.stopped) === 1,
  };
}

export interface ProjectLimits {
  slug: string;
  cpuMillicores: number | null;
  memoryMib: number | null;
  storageGib: number | null;
  maxApps: number | null;
}

const nullableNum = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * The parts of one app's footprint and its project's limits, in one query (null if the app does
 * not exist in that team).
 */
export async function getAppFootprintParts(db: Db | Tx, teamId: string, appId: string): Promise<(AppFootprintParts & { project: ProjectLimits }) | null> {
  const rows = await db.$queryRaw<(PartsRow & { projectSlug: string; pCpu: unknown; pMemory: unknown; pStorage: unknown; pApps: unknown })[]>`
    SELECT x.*, p."slug" AS "projectSlug", p."quotaCpuMillicores" AS "pCpu", p."quotaMemoryMib" AS "pMemory",
      p."quotaStorageGib" AS "pStorage", p."quotaMaxApps" AS "pApps"
    FROM (${appPartsSql(Prisma.sql`a."teamId" = ${teamId} AND a."id" = ${appId}`)}) x
    JOIN "Project" p ON p."id" = x."projectId"`;
  const r = rows[0];
  if (!r) return null;
  return {
    ...toParts(r),
    project: { slug: r.projectSlug, cpuMillicores: nullableNum(r.pCpu), memoryMib: nullableNum(r.pMemory), storageGib: nullableNum(r.pStorage), maxApps: nullableNum(r.pApps) },
  };
}

/** Usage per app of a team, for the team page's bars. */
export async function listAppUsage(db: Db | Tx, teamId: string): Promise<AppUsage[]> {
  const rows = await db.$queryRaw<PartsRow[]>(appPartsSql(Prisma.sql`a."teamId" = ${teamId}`));
  return rows.map((r) => {
    const parts = toParts(r);
    return { appId: parts.appId, projectId: parts.projectId, slug: parts.slug, replicas: parts.replicas, ...appFootprint(parts) };
  });
}

interface ChangeRow extends PartsRow {
  kind: string;
  apps: unknown;
  cpu: unknown;
  memory: unknown;
  projectSlug: string | null;
  pCpu: unknown;
  pMemory: unknown;
  pStorage: unknown;
  pApps: unknown;
}

/**
 * What a change to one app is checked against, in one query: the team's usage per project without
 * that app (apps, cpu and memory; storage and builds read 0), and the app's footprint parts with
 * its project's limits (null if the app does not exist in that team). The scale route's check.
 */
export async function getUsageForAppChange(db: Db | Tx, teamId: string, appId: string): Promise<{ usage: TeamUsage; parts: (AppFootprintParts & { project: ProjectLimits }) | null }> {
  const rows = await db.$queryRaw<ChangeRow[]>`
    SELECT 'p' AS "kind", x."projectId" AS "projectId", COUNT(*) AS "apps", SUM(${cpuSql}) AS "cpu", SUM(${memorySql}) AS "memory",
      NULL AS "appId", NULL AS "slug", NULL AS "replicas", NULL AS "rowCpu", NULL AS "rowMemory", NULL AS "liveCpu", NULL AS "liveMemory",
      NULL AS "targetCpu", NULL AS "targetMemory", NULL AS "buildPending", NULL AS "stopped",
      NULL AS "projectSlug", NULL AS "pCpu", NULL AS "pMemory", NULL AS "pStorage", NULL AS "pApps"
    FROM (${appPartsSql(Prisma.sql`a."teamId" = ${teamId} AND a."id" <> ${appId}`)}) x
    GROUP BY x."projectId"
    UNION ALL
    SELECT 'a', y."projectId", NULL, NULL, NULL,
      y."appId", y."slug", y."replicas", y."rowCpu", y."rowMemory", y."liveCpu", y."liveMemory",
      y."targetCpu", y."targetMemory", y."buildPending", y."stopped",
      p."slug", p."quotaCpuMillicores", p."quotaMemoryMib", p."quotaStorageGib", p."quotaMaxApps"
    FROM (${appPartsSql(Prisma.sql`a."teamId" = ${teamId} AND a."id" = ${appId}`)}) y
    JOIN "Project" p ON p."id" = y."projectId"`;
  const usage: TeamUsage = { ...emptyUsage(), runningBuilds: 0, projects: {} };
  let parts: (AppFootprintParts & { project: ProjectLimits }) | null = null;
  for (const r of rows) {
    if (r.kind === "a") {
      parts = {
        ...toParts(r),
        project: { slug: r.projectSlug ?? "", cpuMillicores: nullableNum(r.pCpu), memoryMib: nullableNum(r.pMemory), storageGib: nullableNum(r.pStorage), maxApps: nullableNum(r.pApps) },
      };
      continue;
    }
    const u: Usage = { cpuMillicores: num(r.cpu), memoryMib: num(r.memory), storageGib: 0, apps: num(r.apps) };
    usage.projects[r.projectId] = u;
    add(usage, u);
  }
  return { usage, parts };
}

