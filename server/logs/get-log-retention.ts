import "server-only";
import type { Actor } from "../auth/actor";
import { getDb } from "../db";
import { toLogRetentionDto } from "./log-retention-dto";
import type { LogRetentionDto } from "./schemas";

export async function getLogRetention({ actor }: { actor: Actor }): Promise<LogRetentionDto> {
  return toLogRetentionDto(getDb(), actor.teamId);
}
