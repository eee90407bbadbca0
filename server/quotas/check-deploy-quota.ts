import "server-only";
// Refuses a deploy that would take the team past its cpu or memory quota, naming the limit, the
// current usage and the quota's value so the user knows exactly what to change.
import type { Db, Tx } from "../db";
import { AppError } from "../errors";
import { getTeamUsage } from "./team-usage";

export interface DeployFootprint {
  appId: string;
  appSlug: string;
  cpuMillicores: number;
  memoryMib: number;
  replicas: number;
}

export async function checkDeployQuota(db: Db | Tx, teamId: string, app: DeployFootprint): Promise<void> {
  const quota = await db.teamQuota.findUnique({ where: { teamId } });
  if (!quota) throw new AppError("INTERNAL", "The team has no quota record.");
  const usage = await getTeamUsage(db, teamId, { excludeAppId: app.appId });
  const wantCpu = app.cpuMillicores * app.replicas;
  const wantMemory = app.memoryMib * app.replicas;
  const checks = [
    { limit: "cpu", unit: "millicores", usage: usage.cpuMillicores, requested: wantCpu, value: quota.cpuMillicores },
    { limit: "memory", unit: "MiB", usage: usage.memoryMib, requested: wantMemory, value: quota.memoryMib },
  ] as const;
  for (const c of checks) {
    if (c.usage + c.requested > c.value) {
      throw new AppError(
        "QUOTA_EXCEEDED",
        `Deploying ${app.appSlug} would exceed the team's ${c.limit} quota: it needs ${c.requested} ${c.unit} ` +
          `(${app.replicas} × ${c.requested / app.replicas}), the team already uses ${c.usage} ${c.unit} ` +
          `and its quota is ${c.value} ${c.unit}. Lower the app's ${c.limit} or replicas, or ask a team admin to raise the quota.`,
        { details: { limit: c.limit, usage: c.usage, requested: c.requested, value: c.value, unit: c.unit } },
      );
    }
  }
}
