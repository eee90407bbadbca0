// Every team's usage against its quota, sampled once a minute from the one function that
// computes it (server/quotas/team-usage.ts), so the chart shows exactly what quota checks see.
// Log bytes come from the log store when one is wired in; null otherwise (said, not zero).
import type { Db } from "../../db";
import { getAllTeamsUsage } from "../../quotas/team-usage";
import type { Logger } from "../logger";
import type { MetricsStore, TeamSample } from "./metrics-store";
import { floorTo } from "./metric-steps";

export const TEAM_SAMPLE_SECONDS = 60;

export class TeamUsageSampler {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly opts: { db: Db; store: MetricsStore; log: Logger; logBytes?: (teamId: string) => number | null; everyMs?: number },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.opts.everyMs ?? TEAM_SAMPLE_SECONDS * 1000);
    this.timer.unref();
    void this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async tick(): Promise<void> {
    try {
      await this.sampleOnce();
    } catch (e) {
      this.opts.log.warn({ err: e instanceof Error ? e.message : String(e) }, "sampling team usage failed; trying again next minute");
    }
  }

  async sampleOnce(): Promise<number> {
    const [teams, usage] = await Promise.all([this.opts.db.team.findMany({ select: { id: true } }), getAllTeamsUsage(this.opts.db)]);
    const ts = floorTo(Date.now() / 1000, 5);
    const samples: TeamSample[] = teams.map(({ id }) => {
      const u = usage.get(id);
      return {
        ts,
        teamId: id,
        cpuMillicores: u?.cpuMillicores ?? 0,
        memoryMib: u?.memoryMib ?? 0,
        storageGib: u?.storageGib ?? 0,
        apps: u?.apps ?? 0,
        logBytes: this.opts.logBytes?.(id) ?? null,
      };
    });
    this.opts.store.writeTeams(samples);
    return samples.length;
  }
}
