import "server-only";
// The one quota check. Every change that can grow a team's usage (deploy, rollback, scale or
// resize, starting a stopped app, a new app, storage) calls it inside the same transaction as the change. It refuses a
// change that would take the team past its ceiling, or the project past the limit a team admin
// set for it, naming the limit, the usage and the value so the user knows exactly what to change.
import type { Tx } from "../db";
import { AppError } from "../errors";
import type { TeamQuota } from "../generated/sqlite/client";
import { createTeamQuota } from "./create-team-quota";
import { appFootprint, getAppFootprintParts, getTeamUsage, getUsageForAppChange, type AppFootprintParts, type ProjectLimits, type TeamUsage } from "./team-usage";

/** How the changed app's footprint will differ once the change is made. */
export type AppChange =
  /** a build is queued: the app row's size will be released */
  | { kind: "deploy" }
  /** an existing release becomes the target (a rollback): its per-replica size */
  | { kind: "release"; cpuMillicores: number; memoryMib: number }
  /** the app row changes; a replicas change applies to what runs at once */
  | { kind: "update"; replicas?: number; cpuMillicores?: number; memoryMib?: number }
  /** a stopped app starts: its replicas run again */
  | { kind: "start" };

export interface AssertWithinQuotaOptions {
  teamId: string;
  /** "Deploying web", "Scaling web to 20 replicas": how the refusal starts. */
  action: string;
  /** The app whose footprint changes (its current footprint is left out of the usage). */
  app?: { id: string; change: AppChange };
  /** The project a new app or volume goes into (taken from the app otherwise). */
  projectId?: string;
  addApps?: number;
  addStorageGib?: number;
}

export interface QuotaCheckResult {
  quota: TeamQuota;
  usage: TeamUsage;
}

interface Check {
  limit: "cpu" | "memory" | "storage" | "apps";
  unit: string;
  usage: number;
  requested: number;
  /** what the app holds today: a change that does not grow a resource is never refused */
  current: number;
  value: number | null;
  perReplica?: { replicas: number; size: number };
}

/** Takes the team's quota lock: the first write of the transaction (see TeamQuota.revision). */
async function lockTeamQuota(tx: Tx, teamId: string): Promise<TeamQuota> {
  try {
    return await tx.teamQuota.update({ where: { teamId }, data: { revision: { increment: 1 } } });
  } catch (e) {
    // Teams made before quotas were created with them: give them the platform default.
    if ((e as { code?: string }).code !== "P2025") throw e;
    await createTeamQuota(tx, teamId);
    return tx.teamQuota.update({ where: { teamId }, data: { revision: { increment: 1 } } });
  }
}

function nextFootprint(parts: AppFootprintParts, change: AppChange) {
  switch (change.kind) {
    case "deploy":
      return appFootprint({ ...parts, buildPending: true });
    case "release":
      return appFootprint({ ...parts, targetCpu: change.cpuMillicores, targetMemory: change.memoryMib });
    case "update":
      return appFootprint(parts, change);
    case "start":
      return appFootprint(parts, { stopped: false });
  }
}

function refuse(action: string, scope: { kind: "team" } | { kind: "project"; slug: string }, c: Check): never {
  const who = scope.kind === "team" ? "the team's" : `project ${scope.slug}'s`;
  const holder = scope.kind === "team" ? "the team" : "the project";
  const word = scope.kind === "team" ? "quota" : "limit";
  const how = c.perReplica && c.perReplica.replicas > 0 ? ` (${c.perReplica.replicas} × ${c.perReplica.size})` : "";
  const fix =
    c.limit === "apps" ? "Delete an app" : c.limit === "storage" ? "Make the volume smaller" : `Lower the app's ${c.limit} or replicas`;
  const who2 = scope.kind === "team" ? "ask the platform admin to raise the team's quota" : "ask a team admin to raise the project's limit";
  throw new AppError(
    "QUOTA_EXCEEDED",
    `${action} would exceed ${who} ${c.limit} ${word}: it needs ${c.requested} ${c.unit}${how}, ${holder} already uses ${c.usage} ${c.unit} ` +
      `and its ${word} is ${c.value} ${c.unit}. ${fix}, or ${who2}.`,
    { details: { scope: scope.kind, limit: c.limit, usage: c.usage, requested: c.requested, value: c.value, unit: c.unit } },
  );
}

function exceeds(c: Check): boolean {
  return c.value !== null && c.requested > c.current && c.usage + c.requested > c.value;
}

export async function assertWithinQuota(tx: Tx, options: AssertWithinQuotaOptions): Promise<QuotaCheckResult> {
  const quota = await lockTeamQuota(tx, options.teamId);
  let parts: (AppFootprintParts & { project: ProjectLimits }) | null = null;
  let usage: TeamUsage;
  if (options.app && !options.addStorageGib) {
    // The common case (deploy, rollback, scale, resize): the usage and the app in one query.
    ({ usage, parts } = await getUsageForAppChange(tx, options.teamId, options.app.id));
    if (!parts) throw new AppError("NOT_FOUND", "App not found");
  } else {
    if (options.app) {
      parts = await getAppFootprintParts(tx, options.teamId, options.app.id);
      if (!parts) throw new AppError("NOT_FOUND", "App not found");
    }
    // Only what this change can grow is read: no running-builds count.
    usage = await getTeamUsage(tx, options.teamId, { excludeAppId: parts?.appId, storage: (options.addStorageGib ?? 0) > 0, builds: false });
  }
  const projectId = parts?.projectId ?? options.projectId;
  const current = parts ? appFootprint(parts) : { cpuMillicores: 0, memoryMib: 0 };
  const next = parts && options.app ? nextFootprint(parts, options.app.change) : current;
  const replicas = parts && options.app?.change.kind === "update" ? (options.app.change.replicas ?? parts.replicas) : (parts?.replicas ?? 0);
  const addApps = options.addApps ?? 0;
  const addStorage = options.addStorageGib ?? 0;

  const checks = (u: { cpuMillicores: number; memoryMib: number; storageGib: number; apps: number }, limits: { cpu: number | null; memory: number | null; storage: number | null; apps: number | null }): Check[] => [
    { limit: "cpu", unit: "millicores", usage: u.cpuMillicores, requested: next.cpuMillicores, current: current.cpuMillicores, value: limits.cpu, perReplica: replicas ? { replicas, size: next.cpuMillicores / replicas } : undefined },
    { limit: "memory", unit: "MiB", usage: u.memoryMib, requested: next.memoryMib, current: current.memoryMib, value: limits.memory, perReplica: replicas ? { replicas, size: next.memoryMib / replicas } : undefined },
    { limit: "storage", unit: "GiB", usage: u.storageGib, requested: addStorage, current: 0, value: limits.storage },
    { limit: "apps", unit: "apps", usage: u.apps, requested: addApps, current: 0, value: limits.apps },
  ];

  for (const c of checks(usage, { cpu: quota.cpuMillicores, memory: quota.memoryMib, storage: quota.storageGib, apps: quota.maxApps })) {
    if (exceeds(c)) refuse(options.action, { kind: "team" }, c);
  }
  if (projectId) {
    let project = parts?.project;
    if (!project) {
      const row = await tx.project.findFirst({ where: { id: projectId, teamId: options.teamId } });
      if (!row) throw new AppError("NOT_FOUND", "Project not found");
      project = { slug: row.slug, cpuMillicores: row.quotaCpuMillicores, memoryMib: row.quotaMemoryMib, storageGib: row.quotaStorageGib, maxApps: row.quotaMaxApps };
    }
    const projectUsage = usage.projects[projectId] ?? { cpuMillicores: 0, memoryMib: 0, storageGib: 0, apps: 0 };
    const limits = { cpu: project.cpuMillicores, memory: project.memoryMib, storage: project.storageGib, apps: project.maxApps };
    for (const c of checks(projectUsage, limits)) {
      if (exceeds(c)) refuse(options.action, { kind: "project", slug: project.slug }, c);
    }
  }
  return { quota, usage };
}
