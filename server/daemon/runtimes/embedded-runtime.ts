// The embedded runtime as the control loop drives it (control-loop/app-runtime.ts): an app's
// containers on this machine's engine (Podman), its health checks, crash handling with backoff,
// rolling restarts and drains, and the app's route in the ingress proxy. Each step reads the
// app's containers from the engine (or the pass's listing, when nothing changed them since),
// converges one step and records status in the database. Nothing it needs survives only in
// memory except drain deadlines and which restart replacements answered, and losing those merely
// shortens a drain or checks a replacement once more.
import type { Db } from "../../db";
import type { Engine, ManagedContainer } from "../engine/engine";
import { planContainer, type ContainerLimits, type RestartPolicy } from "../engine/container-spec";
import type { Logger } from "../logger";
import { routeKey, type Route, type RouteTable } from "../ingress/route-table";
import type { DesiredApp, DesiredRelease } from "../reconcile/desired-state";
import { planReconcile, type ReleasePlan } from "../reconcile/plan";
import { checkHealth } from "../reconcile/health-check";
import { promoteRelease, failRollout, markRollingOut, recordExit, rolloutOverdue, type RolloutState } from "../reconcile/release-status";
import {
  crashDeadlineReason,
  crashLoopReason,
  keepsServing,
  DEFAULT_CRASH_LOOP,
  describeExit,
  isOutOfMemory,
  liveCrashRollbackReason,
  restartBackoffMs,
  type CrashLoopOptions,
} from "../reconcile/crash-loop";
import { markRecovered, previousLiveRelease, recordLiveExit, rollBackCrashingRelease } from "../reconcile/live-crash";
import { KEPT_LOG_LINES, keptLogLines } from "../reconcile/kept-log-lines";
import { recordAppEvent } from "../../apps/events/record-app-event";
import { NEXT_PASS, type AppRuntime, type Requeue } from "../control-loop/app-runtime";
import type { VolumeMounts } from "../volumes/volume-mounts";

export interface EmbeddedRuntimeOptions {
  db: Db;
  engine: Engine;
  routes: RouteTable;
  log: Logger;
  instanceId: string;
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
  /** how old the pass's container listing may be for a step to use it instead of asking the engine */
  listingMaxAgeMs?: number;
  /** the apps' volumes on this machine: where they are and whether a replica may start on them */
  volumes?: VolumeMounts;
  /** the log collector: follows each started container, and reads a container's log to its end between its stop and its removal */
  logs?: { follow(containerId: string): void; drain(containerId: string): Promise<void> };
}

const upstreamOf = (c: ManagedContainer) => `http://127.0.0.1:${c.hostPort}`;

/**
 * How long after a run's exit its log is read: the engine can report the exit a moment before
 * its log holds the run's last lines (conmon drains the container's pipes after the process is
 * gone). Also the wait before reading once more a run that showed no line.
 */
const LOG_SETTLE_MS = 300;
/**
 * A run's lines are read from its start, less this: the engine stamps StartedAt after starting
 * the process, which may have printed by then. Below the crash backoff (100 ms at least), so the
 * run before, which ended at least that long before this one started, is not read with it.
 */
const RUN_START_SLACK_MS = 50;
/**
 * How far back from its end a run's log is read, widening while it shows too few lines: enough
 * for the last lines, without holding a chatty long run's whole log in memory.
 */
const LOG_WINDOWS_MS = [5_000, 60_000];
/** While a rollout or a restart waits for its replicas to answer, look again this soon: that wait is push-to-live time. */
const BUSY_REQUEUE_MS = 100;
/** While new replicas wait for their volumes to be mounted, look again this soon. */
const VOLUME_WAIT_REQUEUE_MS = 1000;
/** In a rollout's first seconds (an app that starts quickly answers then) the look is sooner still. */
const EARLY_ROLLOUT_REQUEUE_MS = 25;
const EARLY_ROLLOUT_MS = 3000;

export class EmbeddedRuntime implements AppRuntime {
  readonly kind = "embedded" as const;
  /** containers of superseded releases: removed once their drain deadline passes */
  private readonly draining = new Map<string, number>();
  private readonly crashLoop: CrashLoopOptions;
  /**
   * Replacements made by a rolling restart that passed their health check: they take traffic
   * from the old container of their replica. Lost on a daemon restart, which only means checking
   * them once more.
   */
  private readonly ready = new Set<string>();
  /** the pass's listing of every managed container, and when it was taken */
  private listing: { at: number; containers: ManagedContainer[] } | null = null;
  /** when a step last changed an app's containers: the pass's listing is stale for it before then */
  private readonly changedAt = new Map<string, number>();
  /** the last volume wait logged per app: a wait that lasts several steps is logged once */
  private readonly volumeWaitLogged = new Map<string, string>();

  constructor(private readonly opts: EmbeddedRuntimeOptions) {
    this.crashLoop = { ...DEFAULT_CRASH_LOOP, ...opts.crashLoop };
  }

  /** how long a rollout may take to answer its health check, from its saved start */
  get rolloutTimeoutMs(): number {
    return this.opts.healthTimeoutMs ?? 60_000;
  }

  private get drainMs(): number {
    return this.opts.drainMs ?? 5000;
  }

  /**
   * Once per pass: lists every managed container (the steps of this pass read it), removes
   * containers of apps that no longer exist here (after their drain), and rebuilds the route
   * table. The upstreams of an app already routed stay as its own steps set them: a step may
   * have switched them after this listing was taken.
   */
  async sweep(apps: DesiredApp[], leaveAlone: Set<string>): Promise<void> {
    const { engine, log } = this.opts;
    const at = Date.now();
    const containers = await engine.listManaged({ instance: this.opts.instanceId });
    this.listing = { at, containers };
    const present = new Set(containers.map((c) => c.id));
    for (const id of this.ready) if (!present.has(id)) this.ready.delete(id);
    for (const id of this.draining.keys()) if (!present.has(id)) this.draining.delete(id);
    const known = new Set(apps.map((a) => a.appId));
    for (const appId of this.changedAt.keys()) if (!known.has(appId) && !leaveAlone.has(appId)) this.changedAt.delete(appId);
    const orphans = containers.filter((c) => !known.has(c.appId) && !leaveAlone.has(c.appId));
    if (orphans.length) {
      log.info({ containers: orphans.map((c) => c.name) }, "containers of apps that no longer run here");
      await this.removeUnwanted(orphans);
    }
    const routed = new Map(this.opts.routes.all().map((r) => [r.appId, r]));
    // Not awaited: the pusher applies it (or retries) in the background; only a promotion waits.
    void this.opts.routes.replace(apps.map((a) => ({ ...this.routeOf(a, containers), ...(routed.has(a.appId) ? { upstreams: routed.get(a.appId)!.upstreams } : {}) })));
  }

  async reconcile(app: DesiredApp): Promise<Requeue> {
    const { db } = this.opts;
    const containers = await this.containersOf(app.appId);
    const plan = planReconcile([app], containers);
    const p = plan.apps[0]!;
    let next: Requeue = NEXT_PASS;
    // A promotion switched the app's route itself; `app` (read before it) would switch it back.
    let promoted = false;
    const soon = (ms: number) => {
      if (next.afterMs === null || ms < next.afterMs) next = { afterMs: ms };
    };
    try {
      const drainDue = await this.removeUnwanted(plan.remove);
      if (drainDue !== null) soon(drainDue - Date.now() + 50);
      if (p.app.target && p.app.target.status === "FAILED" && p.app.target.id !== p.app.live?.id) {
        // A previous daemon failed it but died before resetting the target.
        await failRollout(db, p.app, p.app.target.id, null);
        soon(0);
        return next;
      }
      if (p.live && p.app.live) {
        const crashed = await this.handleLiveCrashes(p.app, p.app.live, p.live);
        if (crashed === "rolled-back") {
          soon(0);
          return next;
        }
        const toStart = p.live.missing.length > 0 || p.live.outdated.length > 0 || p.live.stopped.some((c) => c.restartPolicy !== "no");
        const waiting = toStart ? await this.volumesWait(p.app, p.app.live) : null;
        if (waiting) soon(VOLUME_WAIT_REQUEUE_MS);
        else {
          await this.ensureReplicas(p.app, p.app.live, p.live);
          if (p.live.outdated.length && !p.rollout) {
            soon(BUSY_REQUEUE_MS);
            await this.rollingRestart(p.app, p.app.live, p.live);
          }
        }
      }
      if (p.rollout && p.app.target) {
        const started = p.app.target.rolloutStartedAt?.getTime() ?? Date.now();
        soon(Date.now() - started < EARLY_ROLLOUT_MS ? EARLY_ROLLOUT_REQUEUE_MS : BUSY_REQUEUE_MS);
        promoted = await this.rollout(p.app, p.app.target, p.rollout);
        if (promoted) soon(this.drainMs + 50);
      }
      // Look again right after a drain of this app's containers ends (a restart's old replica).
      for (const c of containers) {
        const until = this.draining.get(c.id);
        if (until !== undefined && until > Date.now()) soon(until - Date.now() + 50);
      }
      return next;
    } finally {
      if (!promoted) await this.publishRoute(app);
    }
  }

  /** The containers of one app: from the pass's listing unless a step changed them since, else from the engine. */
  private async containersOf(appId: string): Promise<ManagedContainer[]> {
    const l = this.listing;
    const changed = this.changedAt.get(appId) ?? 0;
    if (l && l.at > changed && Date.now() - l.at < (this.opts.listingMaxAgeMs ?? 1000)) return l.containers.filter((c) => c.appId === appId);
    return this.opts.engine.listManaged({ instance: this.opts.instanceId, appId });
  }

  private changed(appId: string): void {
    this.changedAt.set(appId, Date.now());
  }

  private async startContainer(c: ManagedContainer): Promise<void> {
    this.changed(c.appId);
    await this.opts.engine.start(c.id);
  }

  private async removeContainer(c: ManagedContainer, timeoutSeconds?: number): Promise<void> {
    this.changed(c.appId);
    const logs = this.opts.logs;
    if (logs) {
      // Removal deletes the container's log file: its last lines (a crash's why) are stored first,
      // after the stop, so what it printed while shutting down is kept too.
      await this.opts.engine.stop(c.id, timeoutSeconds);
      await logs.drain(c.id).catch((e: unknown) => this.opts.log.warn({ container: c.name, err: e instanceof Error ? e.message : String(e) }, "log lines of a removed container could not all be stored"));
    }
    await this.opts.engine.stopAndRemove(c.id, timeoutSeconds);
  }

  /** The app's route from its containers as they are now (the step may have changed them). */
  private async publishRoute(app: DesiredApp): Promise<void> {
    const containers = await this.containersOf(app.appId);
    void this.opts.routes.put(this.routeOf(app, containers));
  }

  /**
   * Removes containers nothing wants; one still taking traffic (scaled down, stopped, an extra
   * copy) first leaves the route and drains. Returns the soonest drain deadline still pending.
   */
  private async removeUnwanted(containers: ManagedContainer[]): Promise<number | null> {
    const { log } = this.opts;
    const now = Date.now();
    let pending: number | null = null;
    for (const c of containers) {
      let deadline = this.draining.get(c.id);
      if (deadline === undefined && c.state === "running" && this.opts.routes.byApp(c.appId)?.upstreams.includes(upstreamOf(c))) {
        deadline = now + this.drainMs;
        this.draining.set(c.id, deadline);
      }
      if (deadline !== undefined && deadline > now) {
        pending = pending === null ? deadline : Math.min(pending, deadline);
        continue;
      }
      log.info({ container: c.name, appId: c.appId, releaseId: c.releaseId }, "removing container nothing wants");
      await this.removeContainer(c).catch((e: unknown) => log.warn({ container: c.name, err: String(e) }, "remove failed"));
      this.draining.delete(c.id);
    }
    return pending;
  }

  private async ensureReplicas(app: DesiredApp, release: DesiredRelease, rp: ReleasePlan, restartPolicy: RestartPolicy = "no"): Promise<void> {
    if (!release.spec) return;
    const { log } = this.opts;
    for (const c of rp.stopped) {
      // slipwayd restarts its own containers (handleLiveCrashes); one made by an older version
      // that its restart policy did not bring back is replaced.
      if (c.restartPolicy === "no") continue;
      log.warn({ container: c.name, state: c.state }, "replacing replica that is not running");
      await this.removeContainer(c, 1);
      rp.missing.push(c.replica);
    }
    for (const i of rp.missing) await this.startReplica(app, release, i, restartPolicy);
  }

  private async startReplica(app: DesiredApp, release: DesiredRelease, replica: number, restartPolicy: RestartPolicy = "no"): Promise<ManagedContainer["id"]> {
    const limits = await this.limitsFor(app.appId);
    const plan = planContainer(release.spec!, replica, this.opts.instanceId, release.imageDigest, limits, restartPolicy, app.restartGeneration);
    this.changed(app.appId);
    const id = await this.opts.engine.createOrAdopt(plan);
    await this.opts.engine.start(id);
    this.opts.logs?.follow(id);
    this.opts.log.info({ appId: app.appId, container: plan.name }, "replica started");
    return id;
  }

  private async limitsFor(appId: string): Promise<ContainerLimits> {
    const base: ContainerLimits = { ...this.opts.containerLimits, ...(this.opts.volumes ? { volumeDataPath: this.opts.volumes.dataPath } : {}) };
    if (!this.opts.teamNetwork) return base;
    const { teamId } = await this.opts.db.app.findUniqueOrThrow({ where: { id: appId }, select: { teamId: true } });
    return { ...base, network: await this.opts.teamNetwork(teamId) };
  }

  /**
   * Why new replicas of `release` must not start yet (a volume not ready, or not mounted on this
   * machine), else null, having made each volume writable to the replicas' group. Replicas that
   * run keep running: only starting waits.
   */
  private async volumesWait(app: DesiredApp, release: DesiredRelease): Promise<string | null> {
    const spec = release.spec;
    if (!spec?.volumes.length) return null;
    let reason = app.volumesWaiting ?? null;
    if (!reason && !this.opts.volumes) reason = "this slipwayd was started without volume support";
    if (!reason) reason = await this.opts.volumes!.prepare(spec);
    const key = `${release.id} ${reason}`;
    if (reason && this.volumeWaitLogged.get(app.appId) !== key) {
      this.opts.log.info({ appId: app.appId, releaseId: release.id, reason }, "replicas wait for the app's volumes");
      // A release being rolled out says what it waits for (its deadline runs meanwhile).
      await this.opts.db.release.updateMany({ where: { id: release.id, status: { in: ["PENDING", "ROLLING_OUT"] } }, data: { statusReason: `Waiting for its volumes: ${reason}` } });
    }
    if (reason) this.volumeWaitLogged.set(app.appId, key);
    else this.volumeWaitLogged.delete(app.appId);
    return reason;
  }

  /** One step of the target's rollout; true when it was promoted (the old replicas now drain). */
  private async rollout(app: DesiredApp, target: DesiredRelease, rp: ReleasePlan): Promise<boolean> {
    const { engine, log } = this.opts;
    if (!target.spec) {
      await this.abandon(app, target, target.specError ?? "unreadable release");
      return false;
    }
    let state = await markRollingOut(this.opts.db, target.id);
    for (const c of [...rp.stopped, ...rp.running]) {
      const next = await this.handleCrash(app, target, c, state);
      if (next === "failed") return false;
      if (next === "replace") rp.missing.push(c.replica);
      else state = next;
    }
    // A replica that crashed comes back after its backoff; slipwayd restarts its containers
    // itself ("no"), so that each exit is seen with its code.
    const inBackoff = state.lastExitAt !== null && Date.now() - state.lastExitAt.getTime() < restartBackoffMs(state.restartCount, this.crashLoop);
    const waiting = rp.missing.length && !inBackoff ? await this.volumesWait(app, target) : null;
    if (waiting) {
      if (rolloutOverdue(state, this.rolloutTimeoutMs)) {
        await this.abandon(app, target, `The release's replicas could not start within ${Math.round(this.rolloutTimeoutMs / 1000)} s: ${waiting}; ${keepsServing(!!app.live)}.`);
      }
      return false;
    }
    try {
      await this.ensureReplicas(app, target, { ...rp, stopped: [], missing: inBackoff ? [] : rp.missing });
    } catch (e) {
      await this.abandon(app, target, `Could not start the release's containers: ${e instanceof Error ? e.message : String(e)}`);
      return false;
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
      return true;
    }
    if (!rolloutOverdue(state, this.rolloutTimeoutMs)) return false;
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
          runAs: spec.runAs,
          hasPrevious: !!app.live,
          timeoutMs: this.rolloutTimeoutMs,
        }),
      );
      return false;
    }
    const last = results.find((r) => !r.ok);
    const lines = last ? await this.lastLogLines(last.c.id) : [];
    await this.abandon(
      app,
      target,
      `No replica answered GET ${spec.healthCheckPath} on port ${spec.containerPort} with a status below 500 within ${Math.round(this.rolloutTimeoutMs / 1000)} s (last: ${last?.detail ?? "unknown"}). ` +
        `Make sure the app listens on 0.0.0.0:${spec.containerPort} (the app's container port) and that ${spec.healthCheckPath} answers; ${keepsServing(!!app.live)}.`,
      lines,
    );
    return false;
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
      await this.startContainer(c);
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
      const lines = await this.linesOfExit(c.id, down ? exit : null, state.lastLogLines);
      const limit = this.crashLoop.limit;
      // The rollout ends on an exit seen with its code; crashes the engine hid count up to the limit.
      const final = exitCode !== null && state.restartCount + crashes >= limit;
      const restarts = final ? Math.max(0, Math.min(crashes - 1, limit - 1 - state.restartCount)) : Math.min(crashes, Math.max(0, limit - 1 - state.restartCount));
      const recorded = await recordExit(this.opts.db, target.id, { exitCode, oomKilled: oom, finishedAt: exit.finishedAt, lines, restarts });
      if (!recorded) return state;
      log.warn({ appId: app.appId, releaseId: target.id, container: c.name, exitCode, oom, crashes: recorded.restartCount + (final ? 1 : 0) }, "container of a rolling-out release exited");
      if (final) {
        await this.abandon(app, target, crashLoopReason({ ...facts, restarts: recorded.restartCount, lines, runAs: spec.runAs, hasPrevious: !!app.live }), lines);
        return "failed";
      }
      state = recorded;
    }
    if (!selfRestarted) {
      log.info({ appId: app.appId, container: c.name }, "replacing a crashed container of a rolling-out release by one slipwayd restarts itself");
      await this.removeContainer(c, 1);
      return "replace";
    }
    if (!down) return state;
    const wait = restartBackoffMs(state.restartCount, this.crashLoop);
    const since = state.lastExitAt ?? exit.finishedAt;
    if (!since || Date.now() - since.getTime() >= wait) {
      log.info({ appId: app.appId, container: c.name, restart: state.restartCount, afterMs: wait }, "restarting crashed container");
      await this.startContainer(c);
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
        await this.startContainer(c);
        continue;
      }
      const exit = await engine.inspectExit(c.id);
      if (!exit || exit.running || !exit.finishedAt) continue;
      if (!state.lastExitAt || exit.finishedAt > state.lastExitAt) {
        const memoryMib = release.spec?.memoryMib ?? 0;
        const facts = { exitCode: exit.exitCode, oomKilled: isOutOfMemory({ exitCode: exit.exitCode, oomKilled: exit.oomKilled, memoryMib }), memoryMib };
        const lines = await this.linesOfExit(c.id, exit, null);
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
        await this.startContainer(c);
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
    const reason = liveCrashRollbackReason({ ...crash, windowMs, rolledBackTo: previous.version, runAs: release.spec?.runAs ?? null });
    const done = await rollBackCrashingRelease(db, { id: release.id, teamId: app.teamId, appId: app.appId, version: release.version }, previous, reason);
    if (done) {
      // The caller looks at the app again at once: the previous release is its target now.
      log.warn({ appId: app.appId, releaseId: release.id, to: previous.id }, "live release kept crashing: rolling back");
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
          await this.removeContainer(old);
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
      if (now - fresh.createdAt.getTime() > this.rolloutTimeoutMs) {
        log.warn({ appId: app.appId, container: fresh.name, detail: health.detail }, "rolling restart: replacement never became healthy; keeping the old replicas");
        await this.removeContainer(fresh, 1);
        await db.app.updateMany({ where: { id: app.appId, restartGeneration: app.restartGeneration }, data: { restartGeneration: old.generation } });
        await recordAppEvent(db, {
          teamId: app.teamId,
          appId: app.appId,
          kind: "restart_failed",
          releaseId: release.id,
          message: `Restart of v${release.version} stopped: replica ${old.replica}'s new container did not answer GET ${release.spec.healthCheckPath} within ${Math.round(this.rolloutTimeoutMs / 1000)} s (${health.detail ?? "no answer"}); the running replicas keep serving`,
        });
      }
      return;
    }
  }

  private async promote(app: DesiredApp, target: DesiredRelease, healthy: ManagedContainer[]): Promise<number> {
    const { db, engine } = this.opts;
    // Switch traffic first and wait until the ingress proxy has taken it: from then on, new
    // requests only reach the new replicas, so the old ones may drain. Throws when the proxy did
    // not take it in time: the release is then not promoted, and the next step tries again.
    await this.opts.routes.setUpstreams(app.appId, healthy.map(upstreamOf));
    await promoteRelease(db, app, target.id);
    const deadline = Date.now() + this.drainMs;
    const old = (await engine.listManaged({ instance: this.opts.instanceId, appId: app.appId })).filter((c) => c.releaseId !== target.id);
    // The step's caller looks at the app again right after the drain.
    for (const c of old) this.draining.set(c.id, deadline);
    return old.length;
  }

  /** Ends the rollout FAILED: its containers go (the live release's keep serving), the reason is recorded. */
  async abandon(app: DesiredApp, target: DesiredRelease, reason: string, lastLogLines?: string[]): Promise<void> {
    const { db, engine, log } = this.opts;
    log.warn({ appId: app.appId, releaseId: target.id, reason }, "release failed");
    const mine = (await engine.listManaged({ instance: this.opts.instanceId, appId: app.appId })).filter((c) => c.releaseId === target.id);
    for (const c of mine) await this.removeContainer(c, 2);
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
   * The last lines of a run that just ended (read once its log has settled), or, for `run` null,
   * the container's latest lines. A run that still shows none (a fresh replacement container read
   * too early) gets the lines recorded at the release's previous crash, which are the same
   * program's.
   */
  private async linesOfExit(containerId: string, run: { startedAt: Date | null; finishedAt: Date | null } | null, earlier: string | null): Promise<string[]> {
    const settle = run?.finishedAt ? Math.min(LOG_SETTLE_MS, run.finishedAt.getTime() + LOG_SETTLE_MS - Date.now()) : 0;
    if (settle > 0) await new Promise((r) => setTimeout(r, settle));
    const lines = await this.lastLogLines(containerId, run);
    if (lines.length) return lines;
    await new Promise((r) => setTimeout(r, LOG_SETTLE_MS));
    const again = await this.lastLogLines(containerId, run);
    if (again.length) return again;
    return earlier ? earlier.split("\n") : [];
  }

  /**
   * The last lines a container printed, whole and in the engine's order (each stream's lines in
   * the order printed; stdout and stderr lines printed at the same instant in the order the
   * engine read its pipes, which is all anyone can know of it), only those of `run` when given (a
   * restarted container keeps its earlier runs' lines). Read with `since` from the engine, which
   * filters to the nanosecond; its numeric tail is only the last resort, for a run silent in its
   * last minute, as Podman 4.3 mangles lines cut into partial records there (engine.logs).
   */
  private async lastLogLines(containerId: string, run: { startedAt: Date | null; finishedAt: Date | null } | null = null): Promise<string[]> {
    const end = run?.finishedAt?.getTime() ?? Date.now();
    const runStart = run?.startedAt ? run.startedAt.getTime() - RUN_START_SLACK_MS : null;
    const read = async (opts: { since?: Date; tail: number | "all" }) => {
      const lines: { at: number; line: string }[] = [];
      for await (const l of this.opts.engine.logs(containerId, { follow: false, ...opts })) lines.push({ at: Date.parse(l.time), line: l.line });
      return lines;
    };
    try {
      for (const [i, windowMs] of LOG_WINDOWS_MS.entries()) {
        const from = runStart === null ? end - windowMs : Math.max(end - windowMs, runStart);
        const lines = await read({ since: new Date(from), tail: "all" });
        const widest = i === LOG_WINDOWS_MS.length - 1;
        if (from === runStart || lines.length >= KEPT_LOG_LINES || (widest && lines.length)) return keptLogLines(lines.map((l) => l.line));
      }
      // The tail's times are whole seconds: from the second the run began.
      const tail = await read({ tail: KEPT_LOG_LINES });
      const ofRun = runStart === null ? tail : tail.filter((l) => l.at >= Math.floor(runStart / 1000) * 1000);
      return keptLogLines(ofRun.map((l) => l.line));
    } catch (e) {
      // The reason is still worth recording without them.
      this.opts.log.warn({ container: containerId, err: String(e) }, "reading the last log lines failed");
      return [];
    }
  }

  /** The app's route: its hostname, domains and state, and the replicas that take its traffic now. */
  private routeOf(app: DesiredApp, containers: ManagedContainer[]): Route {
    return {
      appId: app.appId,
      key: routeKey(app.teamSlug, app.projectSlug, app.appSlug),
      live: !!app.live,
      stopped: app.stopped,
      ...(app.heldReason ? { heldReason: app.heldReason } : {}),
      domains: app.domains,
      challenges: app.challenges,
      upstreams: this.servingUpstreams(app, containers),
    };
  }
}
