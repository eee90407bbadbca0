// Enforces log retention every few minutes: each team's days and MiB as its admin set them in the
// main database, clamped to the platform's maximums (a maximum lowered after a team chose more
// applies at once). Lines of teams and apps no longer in the database go too. Work is done in
// bounded steps (one transaction each) with the event loop yielded between them, so collection and
// search keep going while a large backlog is deleted.
import type { Db } from "../../db";
import type { Logger } from "../logger";
import type { SqliteLogStore } from "./log-store";
import type { TeamLogRetention } from "./log-store-types";

const MIB = 1024 * 1024;

export interface LogJanitorOptions {
  store: SqliteLogStore;
  db: Db;
  log: Logger;
  /** between passes; 5 minutes by default */
  everyMs?: number;
  /** lines deleted per step (transaction) */
  stepRows?: number;
  now?: () => number;
}

export interface JanitorPass {
  lines: number;
  bytes: number;
  teamsGone: number;
  appsGone: number;
}

export class LogJanitor {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<JanitorPass> | null = null;
  private started = false;
  /** set by stop(): a pass under way finishes its current step and returns */
  private stopping = false;

  constructor(private readonly opts: LogJanitorOptions) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.started = false;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.runOnce()
        .catch((err: unknown) => this.opts.log.error({ err }, "log retention pass failed; trying again at the next one"))
        .finally(() => {
          if (this.started) this.schedule(this.opts.everyMs ?? 5 * 60_000);
        });
    }, delayMs);
  }

  /** One pass (a pass already running is awaited rather than doubled). */
  runOnce(): Promise<JanitorPass> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<JanitorPass> {
    const { store, db, log } = this.opts;
    const now = this.opts.now?.() ?? Date.now();
    // Teams and apps known to the store are read before the database: one created in between has
    // no lines here yet, so nothing alive can be taken for gone.
    const storeTeams = store.teamIds();
    const storeApps = new Map(storeTeams.map((teamId) => [teamId, store.appIdsOfTeam(teamId)]));
    const settings =
      (await db.platformSettings.findUnique({ where: { id: "platform" }, select: { maxLogRetentionDays: true, maxLogRetentionMib: true } })) ??
      (await db.platformSettings.upsert({ where: { id: "platform" }, create: {}, update: {}, select: { maxLogRetentionDays: true, maxLogRetentionMib: true } }));
    const teams = await db.team.findMany({ select: { id: true, logRetentionDays: true, logRetentionMib: true } });
    const liveTeams = new Set(teams.map((t) => t.id));
    const goneTeams = storeTeams.filter((id) => !liveTeams.has(id));
    const policies: TeamLogRetention[] = teams.map((t) => ({
      teamId: t.id,
      maxAgeDays: Math.max(0, Math.min(t.logRetentionDays, settings.maxLogRetentionDays)),
      maxBytes: Math.max(0, Math.min(t.logRetentionMib, settings.maxLogRetentionMib)) * MIB,
    }));
    // A gone team keeps nothing: age 0 and 0 bytes delete every line, in steps like the rest.
    for (const teamId of goneTeams) policies.push({ teamId, maxAgeDays: 0, maxBytes: 0 });

    const result: JanitorPass = { lines: 0, bytes: 0, teamsGone: goneTeams.length, appsGone: 0 };
    // Apps deleted while slipwayd was not there to hear of it (their deletion deletes their lines),
    // first: their lines must not count against their team's cap.
    const appIds = [...storeApps.entries()].filter(([teamId]) => liveTeams.has(teamId)).flatMap(([, ids]) => ids);
    if (appIds.length > 0) {
      const live = new Set((await db.app.findMany({ where: { id: { in: appIds } }, select: { id: true } })).map((a) => a.id));
      for (const [teamId, ids] of storeApps) {
        for (const appId of ids) {
          if (!liveTeams.has(teamId) || live.has(appId)) continue;
          if (this.stopping) return result;
          const before = store.teamUsage(teamId).bytes;
          result.lines += store.deleteApp(appId);
          result.bytes += before - store.teamUsage(teamId).bytes;
          result.appsGone++;
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    }
    for (;;) {
      const step = store.applyRetentionStep(policies, now, this.opts.stepRows);
      result.lines += step.lines;
      result.bytes += step.bytes;
      if (step.done) break;
      if (this.stopping) return result;
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const teamId of goneTeams) store.forgetTeam(teamId);

    if (result.lines > 0 || result.teamsGone > 0 || result.appsGone > 0) {
      log.info({ ...result, mib: Math.round((result.bytes / MIB) * 10) / 10 }, "log retention: deleted lines past their team's retention");
    }
    return result;
  }
}
