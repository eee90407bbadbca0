// The release reconciler (controller-runtime style): each tick reads desired state from the
// database and actual containers from the engine, converges one step, records status, and
// rebuilds the ingress route table. Nothing it needs survives only in memory except drain
// deadlines, and losing those merely shortens a drain.
import type { Db } from "../db";
import { parseEngineTime, type Engine, type ManagedContainer } from "./engine/engine";
import { planContainer, type ContainerLimits, type RestartPolicy } from "./engine/container-spec";
import type { Logger } from "./logger";
import { routeKey, type Route, type RouteTable } from "./ingress/route-table";
import { loadDesiredApps, type DesiredApp, type DesiredRelease } from "./reconcile/desired-state";
import { planReconcile, type ReleasePlan } from "./reconcile/plan";
import { checkHealth } from "./reconcile/health-check";
import { promoteRelease, failRollout, markRollingOut, recordExit, supersedeAbandoned, type RolloutState } from "./reconcile/release-status";
import {
  crashDeadlineReason,
  crashLoopReason,
  DEFAULT_CRASH_LOOP,
  describeExit,
  isOutOfMemory,
  liveCrashRollbackReason,
  restartBackoffMs,
  type CrashLoopOptions,
} from "./reconcile/crash-loop";
import { markRecovered, previousLiveRelease, recordLiveExit, rollBackCrashingRelease } from "./reconcile/live-crash";
import { recordAppEvent } from "../apps/events/record-app-event";

export interface ReconcilerOptions {
  db: Db;
  engine: Engine;
  routes: RouteTable;
  log: Logger;
  instanceId: string;
  intervalMs?: number;
  /** how long a new release may take to answer its health check, from its rollout start (persisted) */
  healthTimeoutMs?: number;
  /** restart backoff and crash limit for the containers of a release being rolled out */
  crashLoop?: Partial<CrashLoopOptions>;
  /** how long old replicas keep running after the switch, for in-flight requests */
  drainMs?: number;
  /** a live release that crashes crashLoop.limit times within this long of going live is rolled back (apps with autoRollback) */
  autoRollbackWindowMs?: number;
  /** pids cap and network for app containers */
  containerLimits?: ContainerLimits;
  /**
   * The team's own network (created on demand, network-isolation.ts): replicas join it instead of
   * containerLimits.network, so one team's containers cannot reach another's. Containers already
   * running elsewhere stay until they are replaced (next release, or a crashed replica).
   */
  teamNetwork?: (teamId: string) => Promise<string>;
}

const upstreamOf = (c: ManagedContainer) => `http://127.0.0.1:${c.hostPort}`;

/** Log lines kept of a container that exited or failed its rollout. */
const LAST_LOG_LINES = 20;
/** how long to wait before reading an exited run's log again when it showed no line */
const LOG_SETTLE_MS = 300;

export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** containers of superseded releases: removed once their drain deadline passes */
  private readonly draining = new Map<string, number>();
  /** apps removed through the API: ignored for a while so a stale DB row does not revive them */
  private readonly suppressed = new Map<string, number>();
  private rollingOut = false;
  private readonly crashLoop: CrashLoopOptions;
  /**
   * Replacements made by a rolling restart that passed their health check: they take traffic
   * from the old container of their replica. Lost on a daemon restart, which only means checking
   * them once more.
   */
  private readonly ready = new Set<string>();

  constructor(private readonly opts: ReconcilerOptions) {
    this.crashLoop = { ...DEFAULT_CRASH_LOOP, ...opts.crashLoop };
  }

  private get healthTimeoutMs(): number {
    return this.opts.healthTimeoutMs ?? 60_000;
  }

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Reconcile as soon as possible; coalesces with a tick in progress. */
  nudge(): void {
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Run one tick now and wait for it (API and tests). */
  async reconcileNow(): Promise<void> {
    while (this.running) await this.running;
    await this.runTick();
  }

  suppress(appId: string, ms = 60_000): void {
    this.suppressed.set(appId, Date.now() + ms);
  }

  /** Resolves once no tick is in flight: a tick that began before suppress() may still route the app. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.runTick(), ms);
  }

  private async runTick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.tick()
      .catch((e: unknown) => this.opts.log.error({ err: e instanceof Error ? e.stack : String(e) }, "reconcile tick failed"))
      .finally(() => {
        this.running = null;
        // While a rollout waits for its replicas to answer, look again soon: that wait is push-to-live time.
        const next = this.again ? 0 : this.rollingOut ? 200 : (this.opts.intervalMs ?? 2000);
        this.again = false;
        this.schedule(next);
      });
    return this.running;
  }

  private async tick(): Promise<void> {
    const { db, engine, log } = this.opts;
    const now = Date.now();
    for (const [id, until] of this.suppressed) if (until < now) this.suppressed.delete(id);
    const settled = await supersedeAbandoned(db);
    if (settled) log.info({ releases: settled }, "releases no app targets any more marked SUPERSEDED");
    const apps = (await loadDesiredApps(db)).filter((a) => !this.suppressed.has(a.appId));
    let actual = await engine.listManaged({ instance: this.opts.instanceId });
    const plan = planReconcile(apps, actual);
    const present = new Set(actual.map((c) => c.id));
    for (const id of this.ready) if (!present.has(id)) this.ready.delete(id);

    for (const c of plan.remove) {
      let deadline = this.draining.get(c.id);
      if (deadline === undefined && c.state === "running" && this.opts.routes.byApp(c.appId)?.upstreams.includes(upstreamOf(c))) {
        // Still taking traffic (scaled down, stopped, or an extra copy): the routes rebuilt at the
        // end of this tick leave it out; it goes once requests in flight have had the drain.
        deadline = now + (this.opts.drainMs ?? 5000);
        this.draining.set(c.id, deadline);
        setTimeout(() => this.nudge(), (this.opts.drainMs ?? 5000) + 50).unref();
      }
      if (deadline !== undefined && deadline > now) continue;
      if (this.suppressed.has(c.appId)) continue;
      log.info({ container: c.name, appId: c.appId, releaseId: c.releaseId }, "removing container nothing wants");
      await engine.stopAndRemove(c.id).catch((e: unknown) => log.warn({ container: c.name, err: String(e) }, "remove failed"));
      this.draining.delete(c.id);
    }

    this.rollingOut = false;
    for (const p of plan.apps) {
      try {
        if (p.app.target && p.app.target.status === "FAILED" && p.app.target.id !== p.app.live?.id) {
          // A previous daemon failed it but died before resetting the target.
          await failRollout(db, p.app, p.app.target.id, null);
          continue;
        }
        if (p.live && p.app.live) {
          const crashed = await this.handleLiveCrashes(p.app, p.app.live, p.live);
          if (crashed === "rolled-back") continue;
          await this.ensureReplicas(p.app, p.app.live, p.live);
          if (p.live.outdated.length && !p.rollout) {
            this.rollingOut = true;
            await this.rollingRestart(p.app, p.app.live, p.live);
          }
        }
        if (p.rollout && p.app.target) {
          this.rollingOut = true;
          await this.rollout(p.app, p.app.target, p.rollout);
        }
      } catch (e) {
        log.error({ appId: p.app.appId, err: e instanceof Error ? e.stack : String(e) }, "reconciling app failed");
      }
    }

    actual = await engine.listManaged({ instance: this.opts.instanceId });
    this.rebuildRoutes(await loadDesiredApps(db), actual);
  }

  private async ensureReplicas(app: DesiredApp, release: DesiredRelease, rp: ReleasePlan, restartPolicy: RestartPolicy = "no"): Promise<void> {
    if (!release.spec) return;
    const { engine, log } = this.opts;
    for (const c of rp.stopped) {
      // slipwayd restarts its own containers (handleLiveCrashes); one made by an older version
      // that its restart policy did not bring back is replaced.
      if (c.restartPolicy === "no") continue;
      log.warn({ container: c.name, state: c.state }, "replacing replica that is not running");
      await engine.stopAndRemove(c.id, 1);
      rp.missing.push(c.replica);
    }
    for (const i of rp.missing) await this.startReplica(app, release, i, restartPolicy);
  }

  private async startReplica(app: DesiredApp, release: DesiredRelease, replica: number, restartPolicy: RestartPolicy = "no"): Promise<ManagedContainer["id"]> {
    const limits = await this.limitsFor(app.appId);
    const plan = planContainer(release.spec!, replica, this.opts.instanceId, release.imageDigest, limits, restartPolicy, app.restartGeneration);
    const id = await this.opts.engine.createOrAdopt(plan);
    await this.opts.engine.start(id);
    this.opts.log.info({ appId: app.appId, container: plan.name }, "replica started");
    return id;
  }

  private async limitsFor(appId: string): Promise<ContainerLimits | undefined> {
    if (!this.opts.teamNetwork) return this.opts.containerLimits;
    const { teamId } = await this.opts.db.app.findUniqueOrThrow({ where: { id: appId }, select: { teamId: true } });
    return { ...this.opts.containerLimits, network: await this.opts.teamNetwork(teamId) };
  }

  private async rollout(app: DesiredApp, target: DesiredRelease, rp: ReleasePlan): Promise<void> {
    const { engine, log } = this.opts;
    if (!target.spec) {
      await this.abandon(app, target, target.specError ?? "unreadable release");
      return;
    }
    let state = await markRollingOut(this.opts.db, target.id);
    for (const c of [...rp.stopped, ...rp.running]) {
      const next = await this.handleCrash(app, target, c, state);
      if (next === "failed") return;
      if (next === "replace") rp.missing.push(c.replica);
      else state = next;
    }
    // A replica that crashed comes back after its backoff; slipwayd restarts its containers
    // itself ("no"), so that each exit is seen with its code.
    const inBackoff = state.lastExitAt !== null && Date.now() - state.lastExitAt.getTime() < restartBackoffMs(state.restartCount, this.crashLoop);
    try {
      await this.ensureReplicas(app, target, { ...rp, stopped: [], missing: inBackoff ? [] : rp.missing });
    } catch (e) {
      await this.abandon(app, target, `Could not start the release's containers: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const containers = (await engine.listManaged({ instance: this.opts.instanceId, appId: app.appId })).filter(
      (c) => c.releaseId === target.id && c.replica < app.replicas,
    );
    const results = await Promise.all(
      containers.map(async (c) =>
        c.state === "running" && c.hostPort ? { c, ...(await checkHealth(c.hostPort, target.spec!.healthCheckPath)) } : { c, ok: false, detail: c.state },
      ),
    );
    const healthy = results.filter((r) => r.ok).map((r) => r.c);
    if (healthy.length === app.replicas) {
      const old = await this.promote(app, target, healthy);
      log.info({ appId: app.appId, releaseId: target.id, version: target.version, drained: old }, "release live");
      return;
    }
    if (Date.now() - state.rolloutStartedAt.getTime() <= this.healthTimeoutMs) return;
    const spec = target.spec;
    if (state.lastExitAt) {
      // It kept crashing without reaching the crash limit in time.
      await this.abandon(
        app,
        target,
        crashDeadlineReason({
          exitCode: state.lastExitCode,
          oomKilled: state.lastExitOomKilled,
          memoryMib: spec.memoryMib,
          restarts: state.restartCount,
          lines: state.lastLogLines ? state.lastLogLines.split("\n") : [],
          timeoutMs: this.healthTimeoutMs,
        }),
      );
      return;
    }
    const last = results.find((r) => !r.ok);
    const lines = last ? await this.lastLogLines(last.c.id) : [];
    const tail = lines.join(" | ").slice(-500);
    await this.abandon(
      app,
      target,
      `No replica answered GET ${spec.healthCheckPath} on port ${spec.containerPort} with a status below 500 within ${Math.round(this.healthTimeoutMs / 1000)} s (last: ${last?.detail ?? "unknown"}). ` +
        `Make sure the app listens on 0.0.0.0:${spec.containerPort} (the app's container port) and that ${spec.healthCheckPath} answers; the previous release keeps serving.` +
        (tail ? ` Last log lines: ${tail}` : ""),
      lines,
    );
  }

  /**
   * Looks at a container of the release being rolled out: records a crash once (an exit newer
   * than the last one recorded), ends the rollout at the crash limit, and otherwise brings the
   * replica back after its backoff (from the persisted exit): by starting a container slipwayd
   * restarts itself again, or, for one the engine restarts by its policy (at once, and forgetting
   * the exit code), by replacing it ("replace": the caller recreates the replica).
   */
  private async handleCrash(
    app: DesiredApp,
    target: DesiredRelease,
    c: ManagedContainer,
    state: RolloutState,
  ): Promise<RolloutState | "failed" | "replace"> {
    const { engine, log } = this.opts;
    const spec = target.spec!;
    const selfRestarted = c.restartPolicy === "no";
    if (c.state === "created") {
      // Made but never started (a daemon killed in between).
      await engine.start(c.id);
      return state;
    }
    if (c.state !== "exited" && c.state !== "stopped" && c.state !== "running") return state;
    const exit = await engine.inspectExit(c.id);
    if (!exit) return state;
    const down = !exit.running;
    // Exits the engine answered with a restart of its own, plus the one it is down from now.
    const crashes = (selfRestarted ? 0 : exit.restartCount) + (down ? 1 : 0);
    if (!crashes) return state;
    if (exit.finishedAt && (!state.lastExitAt || exit.finishedAt > state.lastExitAt)) {
      // The engine resets the code of a container it restarts by its policy, even before it runs
      // again: for those, the engine's event log is the record. Inspect is exact for containers
      // only slipwayd restarts.
      const exitCode = selfRestarted
        ? exit.exitCode
        : ((await this.lastExitCodeFromEvents(c, state)) ?? (down ? exit.exitCode : null));
      const facts = { exitCode, oomKilled: exit.oomKilled, memoryMib: spec.memoryMib };
      const oom = exitCode !== null && isOutOfMemory(facts);
      // Down, the lines of the run that ended; restarted by the engine, the latest lines.
      const lines = await this.linesOfExit(c.id, down ? exit.startedAt : null, state.lastLogLines);
      const limit = this.crashLoop.limit;
      // The rollout ends on an exit seen with its code; crashes the engine hid count up to the limit.
      const final = exitCode !== null && state.restartCount + crashes >= limit;
      const restarts = final ? Math.max(0, Math.min(crashes - 1, limit - 1 - state.restartCount)) : Math.min(crashes, Math.max(0, limit - 1 - state.restartCount));
      const recorded = await recordExit(this.opts.db, target.id, { exitCode, oomKilled: oom, finishedAt: exit.finishedAt, lines, restarts });
      if (!recorded) return state;
      log.warn({ appId: app.appId, releaseId: target.id, container: c.name, exitCode, oom, crashes: recorded.restartCount + (final ? 1 : 0) }, "container of a rolling-out release exited");
      if (final) {
        await this.abandon(app, target, crashLoopReason({ ...facts, restarts: recorded.restartCount, lines }));
        return "failed";
      }
      state = recorded;
    }
    if (!selfRestarted) {
      log.info({ appId: app.appId, container: c.name }, "replacing a crashed container of a rolling-out release by one slipwayd restarts itself");
      await engine.stopAndRemove(c.id, 1);
      return "replace";
    }
    if (!down) return state;
    const wait = restartBackoffMs(state.restartCount, this.crashLoop);
    const since = state.lastExitAt ?? exit.finishedAt;
    if (!since || Date.now() - since.getTime() >= wait) {
      log.info({ appId: app.appId, container: c.name, restart: state.restartCount, afterMs: wait }, "restarting crashed container");
      await engine.start(c.id);
    }
    return state;
  }

  /**
   * The live release's replicas that take traffic, one per replica: during a rolling restart the
   * old container of a replica until its replacement has answered its health check.
   */
  private servingUpstreams(app: DesiredApp, actual: ManagedContainer[]): string[] {
    if (!app.live || app.stopped) return [];
    const mine = actual.filter((c) => c.appId === app.appId && c.releaseId === app.live!.id && c.replica < app.replicas && c.state === "running" && c.hostPort);
    const byReplica = new Map<number, ManagedContainer[]>();
    for (const c of mine) byReplica.set(c.replica, [...(byReplica.get(c.replica) ?? []), c]);
    const serving: ManagedContainer[] = [];
    for (const [, cs] of [...byReplica].sort(([a], [b]) => a - b)) {
      const current = cs.find((c) => c.generation >= app.restartGeneration);
      const old = cs.filter((c) => c.generation < app.restartGeneration);
      if (current && (!old.length || this.ready.has(current.id))) serving.push(current);
      else serving.push(...old.slice(0, 1));
    }
    return serving.map(upstreamOf);
  }

  /**
   * Containers of the live release that exited (slipwayd's own, restart policy "no"): each exit
   * recorded once, the container restarted after its backoff as in a rollout, and the app shown
   * "crashing". A streak that reaches the crash limit within the window after the release went
   * live rolls the app back to the previous release, when the app allows it. A release whose
   * replicas all stayed up for crashLoop.recoveredAfterMs since its last exit has recovered.
   */
  private async handleLiveCrashes(app: DesiredApp, release: DesiredRelease, rp: ReleasePlan): Promise<"rolled-back" | undefined> {
    const { db, engine, log } = this.opts;
    let state = { liveRestartCount: release.liveRestartCount, crashingSince: release.crashingSince, lastExitAt: release.lastExitAt };
    const own = rp.stopped.filter((c) => c.restartPolicy === "no");
    if (!own.length) {
      const quiet = state.lastExitAt ? Date.now() - state.lastExitAt.getTime() : Infinity;
      if (state.crashingSince && quiet > this.crashLoop.recoveredAfterMs && (await markRecovered(db, { id: release.id, teamId: app.teamId, appId: app.appId, version: release.version }))) {
        log.info({ appId: app.appId, releaseId: release.id }, "live release recovered");
      }
      return undefined;
    }
    for (const c of own) {
      if (c.state === "created") {
        await engine.start(c.id);
        continue;
      }
      const exit = await engine.inspectExit(c.id);
      if (!exit || exit.running || !exit.finishedAt) continue;
      if (!state.lastExitAt || exit.finishedAt > state.lastExitAt) {
        const memoryMib = release.spec?.memoryMib ?? 0;
        const facts = { exitCode: exit.exitCode, oomKilled: isOutOfMemory({ exitCode: exit.exitCode, oomKilled: exit.oomKilled, memoryMib }), memoryMib };
        const lines = await this.linesOfExit(c.id, exit.startedAt, null);
        const recorded = release.status === "LIVE" ? await recordLiveExit(db, release.id, { ...facts, finishedAt: exit.finishedAt, lines }) : null;
        if (recorded) {
          state = recorded;
          log.warn({ appId: app.appId, releaseId: release.id, container: c.name, exitCode: facts.exitCode, crashes: recorded.liveRestartCount }, "container of the live release exited");
          if (recorded.liveRestartCount === 1) {
            await recordAppEvent(db, { teamId: app.teamId, appId: app.appId, kind: "crashed", releaseId: release.id, message: `v${release.version} crashed: its container ${describeExit(facts)}` });
          }
          if (this.rollbackDue(app, release, recorded) && (await this.rollBack(app, release, { ...facts, crashes: recorded.liveRestartCount, lines }))) return "rolled-back";
        }
      }
      const wait = restartBackoffMs(state.liveRestartCount, this.crashLoop);
      const since = state.lastExitAt ?? exit.finishedAt;
      if (Date.now() - since.getTime() >= wait) {
        log.info({ appId: app.appId, container: c.name, restart: state.liveRestartCount, afterMs: wait }, "restarting crashed container of the live release");
        await engine.start(c.id);
      }
    }
    return undefined;
  }

  private rollbackDue(app: DesiredApp, release: DesiredRelease, s: { liveRestartCount: number; crashingSince: Date | null }): boolean {
    if (!app.autoRollback || !release.liveAt || !s.crashingSince || s.liveRestartCount < this.crashLoop.limit) return false;
    return s.crashingSince.getTime() - release.liveAt.getTime() <= (this.opts.autoRollbackWindowMs ?? 5 * 60_000);
  }

  private async rollBack(
    app: DesiredApp,
    release: DesiredRelease,
    crash: { exitCode: number | null; oomKilled: boolean; memoryMib: number; crashes: number; lines: string[] },
  ): Promise<boolean> {
    const { db, log } = this.opts;
    const previous = await previousLiveRelease(db, app.appId, release.id);
    if (!previous) return false;
    const windowMs = this.opts.autoRollbackWindowMs ?? 5 * 60_000;
    const reason = liveCrashRollbackReason({ ...crash, windowMs, rolledBackTo: previous.version });
    const done = await rollBackCrashingRelease(db, { id: release.id, teamId: app.teamId, appId: app.appId, version: release.version }, previous, reason);
    if (done) {
      log.warn({ appId: app.appId, releaseId: release.id, to: previous.id }, "live release kept crashing: rolling back");
      this.nudge();
    }
    return done;
  }

  /**
   * A rolling restart (the app's restart generation was raised): one replica at a time, a new
   * container starts next to the old one, takes its traffic once it answers its health check, and
   * the old one is removed after the drain. A replacement that does not become healthy within the
   * health deadline ends the restart: it is removed, the old containers keep serving, and the
   * generation goes back so that nothing retries forever.
   */
  private async rollingRestart(app: DesiredApp, release: DesiredRelease, rp: ReleasePlan): Promise<void> {
    const { db, engine, log } = this.opts;
    if (!release.spec) return;
    const now = Date.now();
    const drainMs = this.opts.drainMs ?? 5000;
    const current = new Map([...rp.running, ...rp.stopped].map((c) => [c.replica, c]));
    for (const old of [...rp.outdated].sort((a, b) => a.replica - b.replica)) {
      const fresh = current.get(old.replica);
      if (!fresh) {
        await this.startReplica(app, release, old.replica);
        return;
      }
      if (this.ready.has(fresh.id)) {
        // Its replacement has the traffic: the old container drains, then goes.
        const until = this.draining.get(old.id);
        if (until === undefined) this.draining.set(old.id, now + drainMs);
        else if (until <= now) {
          log.info({ appId: app.appId, container: old.name }, "rolling restart: old replica drained, removing it");
          await engine.stopAndRemove(old.id);
          this.draining.delete(old.id);
        }
        continue;
      }
      const health = fresh.state === "running" && fresh.hostPort ? await checkHealth(fresh.hostPort, release.spec.healthCheckPath) : { ok: false, detail: fresh.state };
      if (health.ok) {
        log.info({ appId: app.appId, container: fresh.name }, "rolling restart: replacement healthy, switching its replica's traffic");
        this.ready.add(fresh.id);
        // The old container drains only once the ingress sends its replica's traffic to the new one.
        const actual = await engine.listManaged({ instance: this.opts.instanceId, appId: app.appId });
        await this.opts.routes.setUpstreams(app.appId, this.servingUpstreams(app, actual));
        this.draining.set(old.id, Date.now() + drainMs);
        return;
      }
      if (now - fresh.createdAt.getTime() > this.healthTimeoutMs) {
        log.warn({ appId: app.appId, container: fresh.name, detail: health.detail }, "rolling restart: replacement never became healthy; keeping the old replicas");
        await engine.stopAndRemove(fresh.id, 1);
        await db.app.updateMany({ where: { id: app.appId, restartGeneration: app.restartGeneration }, data: { restartGeneration: old.generation } });
        await recordAppEvent(db, {
          teamId: app.teamId,
          appId: app.appId,
          kind: "restart_failed",
          releaseId: release.id,
          message: `Restart of v${release.version} stopped: replica ${old.replica}'s new container did not answer GET ${release.spec.healthCheckPath} within ${Math.round(this.healthTimeoutMs / 1000)} s (${health.detail ?? "no answer"}); the running replicas keep serving`,
        });
      }
      return;
    }
  }

  private async promote(app: DesiredApp, target: DesiredRelease, healthy: ManagedContainer[]): Promise<number> {
    const { db, engine } = this.opts;
    // Switch traffic first and wait until the ingress proxy has taken it: from then on, new
    // requests only reach the new replicas, so the old ones may drain. Throws when the proxy did
    // not take it in time: the release is then not promoted, and the next tick tries again.
    await this.opts.routes.setUpstreams(app.appId, healthy.map(upstreamOf));
    await promoteRelease(db, app, target.id);
    const deadline = Date.now() + (this.opts.drainMs ?? 5000);
    const old = (await engine.listManaged({ instance: this.opts.instanceId, appId: app.appId })).filter((c) => c.releaseId !== target.id);
    for (const c of old) this.draining.set(c.id, deadline);
    // Make sure a tick runs right after the drain, instead of up to an interval later.
    setTimeout(() => this.nudge(), (this.opts.drainMs ?? 5000) + 50).unref();
    return old.length;
  }

  private async abandon(app: DesiredApp, target: DesiredRelease, reason: string, lastLogLines?: string[]): Promise<void> {
    const { db, engine, log } = this.opts;
    log.warn({ appId: app.appId, releaseId: target.id, reason }, "release failed");
    const mine = (await engine.listManaged({ instance: this.opts.instanceId, appId: app.appId })).filter((c) => c.releaseId === target.id);
    for (const c of mine) await engine.stopAndRemove(c.id, 2);
    await failRollout(db, app, target.id, reason, lastLogLines);
  }

  private async lastExitCodeFromEvents(c: ManagedContainer, state: RolloutState): Promise<number | null> {
    try {
      const exits = await this.opts.engine.exitEvents(c.id, state.lastExitAt ?? state.rolloutStartedAt);
      return exits.at(-1)?.exitCode ?? null;
    } catch (e) {
      // The crash still counts, with its code unknown.
      this.opts.log.warn({ container: c.name, err: String(e) }, "reading the engine's exit events failed");
      return null;
    }
  }

  /**
   * The last lines of a run that just ended. The engine can report the exit a moment before its
   * log holds the run's last lines (conmon drains the container's pipes after the process is
   * gone), so an empty read is retried once; a run that still shows none (a fresh replacement
   * container read too early) gets the lines recorded at the release's previous crash, which
   * are the same program's.
   */
  private async linesOfExit(containerId: string, since: Date | null, earlier: string | null): Promise<string[]> {
    const lines = await this.lastLogLines(containerId, since);
    if (lines.length) return lines;
    await new Promise((r) => setTimeout(r, LOG_SETTLE_MS));
    const again = await this.lastLogLines(containerId, since);
    if (again.length) return again;
    return earlier ? earlier.split("\n") : [];
  }

  /**
   * The container's last log lines, oldest first, stdout and stderr merged in time order (to the
   * second: Podman's compat API stamps no finer); only those from the second the run began at
   * `since`, when given (a restarted container keeps the lines of its earlier runs), unless that
   * leaves none.
   */
  private async lastLogLines(containerId: string, since: Date | null = null): Promise<string[]> {
    const lines: { at: number; line: string }[] = [];
    try {
      for await (const l of this.opts.engine.logs(containerId, { follow: false, tail: LAST_LOG_LINES * 5 })) {
        lines.push({ at: parseEngineTime(l.time)?.getTime() ?? 0, line: l.line.slice(0, 500) });
      }
    } catch (e) {
      // The reason is still worth recording without them.
      this.opts.log.warn({ container: containerId, err: String(e) }, "reading the last log lines failed");
      return [];
    }
    // A stable sort: lines of one stream with the same time keep their order.
    lines.sort((a, b) => a.at - b.at);
    const ofRun = since ? lines.filter((l) => l.at >= Math.floor(since.getTime() / 1000) * 1000) : lines;
    return (ofRun.length ? ofRun : lines).slice(-LAST_LOG_LINES).map((l) => l.line);
  }

  private rebuildRoutes(apps: DesiredApp[], actual: ManagedContainer[]): void {
    const routes: Route[] = apps.map((a) => ({
      appId: a.appId,
      key: routeKey(a.teamSlug, a.projectSlug, a.appSlug),
      live: !!a.live,
      stopped: a.stopped,
      domains: a.domains,
      challenges: a.challenges,
      upstreams: this.servingUpstreams(a, actual),
    }));
    // Not awaited: the pusher applies it (or retries) in the background; only a promotion waits.
    void this.opts.routes.replace(routes);
  }
}
