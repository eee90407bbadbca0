import "server-only";
import type { Db } from "../db";
import { DriverError } from "../runtime/runtime-driver";
import { logger } from "../logger";
import { logDaemon } from "./log-daemon";
import type { LogRetentionDto } from "./schemas";

/** What the team's kept logs take now; null (said in the page) when slipwayd does not answer. */
async function logUsage(teamId: string): Promise<LogRetentionDto["usage"]> {
  try {
    const u = await logDaemon().json<{ bytes: number; lines: number; oldest: number | null }>("GET", `/v1/teams/${encodeURIComponent(teamId)}/logs/usage`);
    return { bytes: u.bytes, lines: u.lines, oldest: u.oldest === null ? null : new Date(u.oldest).toISOString() };
  } catch (e) {
    if (!(e instanceof DriverError) || e.kind !== "unavailable") throw e;
    logger.warn({ err: e.message, teamId }, "log usage unknown: slipwayd not reachable");
    return null;
  }
}

export async function toLogRetentionDto(db: Db, teamId: string): Promise<LogRetentionDto> {
  const [team, settings, usage] = await Promise.all([
    db.team.findUniqueOrThrow({ where: { id: teamId }, select: { logRetentionDays: true, logRetentionMib: true } }),
    db.platformSettings.upsert({ where: { id: "platform" }, create: {}, update: {} }),
    logUsage(teamId),
  ]);
  return {
    days: team.logRetentionDays,
    maxMib: team.logRetentionMib,
    platformMaxDays: settings.maxLogRetentionDays,
    platformMaxMib: settings.maxLogRetentionMib,
    usage,
  };
}
