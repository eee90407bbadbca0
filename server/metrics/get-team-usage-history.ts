import "server-only";
import type { Actor } from "../auth/actor";
import { logDaemon } from "../logs/log-daemon";
import type { MetricRange, TeamUsageHistoryDto } from "./schemas";

/** The actor's team's usage over a range against its quota (only ever the actor's own team). */
export async function getTeamUsageHistory({ actor, range }: { actor: Actor; range: MetricRange }): Promise<TeamUsageHistoryDto> {
  return logDaemon().json<TeamUsageHistoryDto>("GET", `/v1/teams/${encodeURIComponent(actor.teamId)}/usage?range=${range}`);
}
