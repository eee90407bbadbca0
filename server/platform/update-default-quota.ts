import "server-only";
// The default applies to teams made from now on; existing teams keep their own ceiling.
import { getDb } from "../db";
import { forbidden } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { teamQuotaInput, type TeamQuotaInput } from "../quotas/schemas";

export async function updateDefaultQuota({ actor, input }: { actor: Actor; input: TeamQuotaInput }): Promise<TeamQuotaInput> {
  if (!actor.isPlatformAdmin) throw forbidden("Only a platform admin may change the default quota.");
  const data = teamQuotaInput.parse(input);
  const columns = {
    defaultCpuMillicores: data.cpuMillicores,
    defaultMemoryMib: data.memoryMib,
    defaultStorageGib: data.storageGib,
    defaultMaxApps: data.maxApps,
    defaultMaxConcurrentBuilds: data.maxConcurrentBuilds,
    defaultBuildTimeoutSeconds: data.buildTimeoutSeconds,
  };
  await getDb().$transaction(async (tx) => {
    await tx.platformSettings.upsert({ where: { id: "platform" }, create: columns, update: columns });
    await recordAudit(tx, { actor, teamId: null, action: "platform.default-quota.update", targetType: "platform", targetId: "platform", data });
  });
  return data;
}
