import "server-only";
// The team admin's retention of the team's runtime logs, within the platform admin's maximums.
// slipwayd's janitor applies it on its next pass (and clamps again, should a maximum drop later).
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { getDb } from "../db";
import { AppError } from "../errors";
import { toLogRetentionDto } from "./log-retention-dto";
import { logRetentionInput, type LogRetentionDto, type LogRetentionInput } from "./schemas";

export async function updateLogRetention({ actor, input }: { actor: Actor; input: LogRetentionInput }): Promise<LogRetentionDto> {
  const data = logRetentionInput.parse(input);
  const db = getDb();
  await db.$transaction(async (tx) => {
    const settings = await tx.platformSettings.upsert({ where: { id: "platform" }, create: {}, update: {} });
    const fields = [];
    if (data.days !== undefined && data.days > settings.maxLogRetentionDays) {
      fields.push({ path: "days", message: `at most ${settings.maxLogRetentionDays} days (the platform's maximum; a platform admin can raise it)` });
    }
    if (data.maxMib !== undefined && data.maxMib > settings.maxLogRetentionMib) {
      fields.push({ path: "maxMib", message: `at most ${settings.maxLogRetentionMib} MiB (the platform's maximum; a platform admin can raise it)` });
    }
    if (fields.length) throw new AppError("VALIDATION", `Log retention beyond the platform's maximum: ${fields.map((f) => `${f.path} ${f.message}`).join("; ")}.`, { fields });
    await tx.team.update({
      where: { id: actor.teamId },
      data: { ...(data.days !== undefined ? { logRetentionDays: data.days } : {}), ...(data.maxMib !== undefined ? { logRetentionMib: data.maxMib } : {}) },
    });
    await recordAudit(tx, { actor, teamId: actor.teamId, action: "team.logRetention.update", targetType: "team", targetId: actor.teamId, data });
  });
  return toLogRetentionDto(db, actor.teamId);
}
