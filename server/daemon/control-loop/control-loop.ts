// slipwayd's one control loop, for every runtime, in the manner of controller-runtime: a pass reads
// every app's desired state from the database and queues each app; a worker takes an app from the
// per-app work queue and hands it to its runtime (the embedded engine or its Kubernetes cluster),
// which observes it and takes one step. Level-triggered: nothing is remembered between steps that
// the database and the runtime do not hold, so slipwayd can be killed at any point and the next
// pass picks up where it was. Failures are typed (reconcile-errors.ts): a transient one retries
// the app with exponential backoff and jitter, recording why on the release in progress; a
// terminal one ends the rollout FAILED with its reason, and the live release keeps serving.
import type { Db } from "../../db";
import type { Logger } from "../logger";
import { loadDesiredApps, type DesiredApp } from "../reconcile/desired-state";
import { rolloutOverdue, supersedeAbandoned } from "../reconcile/release-status";
import type { AppRuntime, RuntimeKind } from "./app-runtime";
import { classify } from "./reconcile-errors";
import type { RetryBackoffOptions } from "./retry-backoff";
import { WorkQueue } from "./work-queue";

export interface ControlLoopOptions {
  db: Db;
  log: Logger;
  runtimes: Record<RuntimeKind, AppRuntime>;
  /** how often every app is looked at even when nothing asked (drift, crashed containers) */
  passIntervalMs?: number;
  /** apps reconciled at once */
  concurrency?: number;
  backoff?: RetryBackoffOptions;
  /**
   * The embedded runtime's volumes, converged at the start of each pass (the first at start-up):
   * the apps read after it see their volumes as it left them.
   */
  volumes?: { converge(): Promise<void> };
}

/** The queue key of a pass over every app; app keys are app ids (cuids, never this). */
const PASS = "*pass*";

export function runtimeKindOf(app: Pick<DesiredApp, "clusterName">): RuntimeKind {
  return app.clusterName ? "kubernetes" : "embedded";
}

export class ControlLoop {
  private readonly queue: WorkQueue<string>;
  /**
   * Each app's desired state as the last pass read it (and when it began reading), used once by
   * the step that pass queued, unless a step of the app ended after the read: a step may have
   * changed the app (promoted or failed a release), and acting on the older read would undo it.
   */
  private readonly fromPass = new Map<string, { app: DesiredApp; readAt: number }>();
  /** when each app's last step ended */
  private readonly stepEndedAt = new Map<string, number>();
  /** apps removed through the API: left alone for a while so a stale row does not revive them */
  private readonly suppressed = new Map<string, number>();
  private started = false;

  constructor(private readonly o: ControlLoopOptions) {
    this.queue = new WorkQueue<string>({
      concurrency: o.concurrency ?? 4,
      backoff: o.backoff,
      handle: (key) => (key === PASS ? this.pass() : this.step(key)),
      onError: (key, e) => {
        // step() and pass() handle their own failures; this is a bug in them, so say so loudly.
        this.o.log.error({ key, err: e instanceof Error ? e.stack : String(e) }, "control loop handler threw");
        this.queue.addAfter(key, this.o.passIntervalMs ?? 2000);
      },
    });
  }

  start(): void {
    this.started = true;
    this.queue.add(PASS);
  }

  /** Look at every app now (a deploy, a build that finished, a change through the API). */
  nudge(): void {
    if (this.started) this.queue.add(PASS);
  }

  /** Look at one app now. */
  nudgeApp(appId: string): void {
    if (this.started) this.queue.add(appId);
  }

  /** One pass over every app, and every step it queued, awaited (the daemon API and tests). */
  async reconcileNow(): Promise<void> {
    this.queue.add(PASS);
    await this.queue.idle();
  }

  suppress(appId: string, ms = 60_000): void {
    this.suppressed.set(appId, Date.now() + ms);
  }

  /** Resolves once no step of the app is in flight: one that began before suppress() may still route it. */
  async settled(appId: string): Promise<void> {
    await Promise.all([this.queue.done(appId), this.queue.done(PASS)]);
  }

  async stop(): Promise<void> {
    this.started = false;
    await this.queue.shutDown();
  }

  private isSuppressed(appId: string): boolean {
    const until = this.suppressed.get(appId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.suppressed.delete(appId);
    return false;
  }

  private async pass(): Promise<void> {
    const { db, log } = this.o;
    try {
      if (this.o.volumes) {
        // One volume's failure is recorded on it; this is the database not answering: the apps go on.
        await this.o.volumes.converge().catch((e: unknown) => log.error({ err: e instanceof Error ? e.stack : String(e) }, "converging volumes failed; retried at the next pass"));
      }
      const settled = await supersedeAbandoned(db);
      if (settled) log.info({ releases: settled }, "releases no app targets any more marked SUPERSEDED");
      const readAt = Date.now();
      const all = await loadDesiredApps(db);
      const leaveAlone = new Set(all.filter((a) => this.isSuppressed(a.appId)).map((a) => a.appId));
      const apps = all.filter((a) => !leaveAlone.has(a.appId));
      // What is kept per app goes with the app.
      const exists = new Set(all.map((a) => a.appId));
      for (const appId of this.stepEndedAt.keys()) {
        if (exists.has(appId) || this.queue.has(appId)) continue;
        this.stepEndedAt.delete(appId);
        this.queue.forget(appId);
      }
      for (const kind of Object.keys(this.o.runtimes) as RuntimeKind[]) {
        const runtime = this.o.runtimes[kind];
        if (!runtime.sweep) continue;
        const mine = apps.filter((a) => runtimeKindOf(a) === kind);
        await runtime.sweep(mine, leaveAlone).catch((e: unknown) => log.error({ runtime: kind, err: e instanceof Error ? e.stack : String(e) }, "sweep failed; retried at the next pass"));
      }
      for (const app of apps) {
        // An app waiting out its backoff keeps its turn: a pass every 2 s would otherwise hammer a
        // runtime that does not answer (a nudge does not hurry it either).
        if (this.queue.failuresOf(app.appId) > 0 && this.queue.has(app.appId)) continue;
        this.fromPass.set(app.appId, { app, readAt });
        this.queue.add(app.appId);
      }
    } catch (e) {
      // The database did not answer: the next pass tries again.
      log.error({ err: e instanceof Error ? e.message : String(e) }, "control loop pass failed");
    } finally {
      if (this.started) this.queue.addAfter(PASS, this.o.passIntervalMs ?? 2000);
    }
  }

  private async step(appId: string): Promise<void> {
    const { db } = this.o;
    if (this.isSuppressed(appId)) return;
    const read = this.fromPass.get(appId);
    this.fromPass.delete(appId);
    // A step the app asked for itself (a rollout in progress), or one after a newer step, reads the app afresh.
    const stillCurrent = read && read.readAt > (this.stepEndedAt.get(appId) ?? 0) ? read.app : undefined;
    try {
      const app = stillCurrent ?? (await loadDesiredApps(db, { appId }))[0];
      if (app) await this.stepOf(app);
    } finally {
      this.stepEndedAt.set(appId, Date.now());
    }
  }

  private async stepOf(app: DesiredApp): Promise<void> {
    const { db, log } = this.o;
    const appId = app.appId;
    const kind = runtimeKindOf(app);
    const runtime = this.o.runtimes[kind];
    try {
      const next = await runtime.reconcile(app);
      this.queue.forget(appId);
      if (next.afterMs !== null) this.queue.addAfter(appId, next.afterMs);
    } catch (e) {
      const error = classify(e);
      const target = app.target && app.target.id !== app.live?.id && app.target.status !== "FAILED" ? app.target : null;
      if (error.transient && target && rolloutOverdue(target, runtime.rolloutTimeoutMs)) {
        // Every rollout ends: one whose runtime stayed out of reach past its deadline fails.
        log.warn({ appId, runtime: kind, releaseId: target.id, reason: error.message }, "rollout ran out of time while the runtime was unreachable");
        await runtime.abandon(app, target, `The rollout did not finish within ${Math.round(runtime.rolloutTimeoutMs / 1000)} s: ${error.message}`);
        return;
      }
      if (error.transient) {
        const waitMs = this.queue.addRateLimited(appId);
        log.warn({ appId, runtime: kind, reason: error.message, failures: this.queue.failuresOf(appId), waitMs }, "reconciling the app failed; retrying");
        // Say why on the release that waits (its deadline still runs: a failing step past it ends the rollout, above).
        if (target) await db.release.updateMany({ where: { id: target.id, status: { in: ["PENDING", "ROLLING_OUT"] } }, data: { statusReason: error.message } });
        return;
      }
      if (!target) {
        log.error({ appId, runtime: kind, reason: error.message }, "reconciling the live release failed; retried at the next pass");
        return;
      }
      log.warn({ appId, runtime: kind, releaseId: target.id, reason: error.message }, "rollout failed");
      await runtime.abandon(app, target, error.message);
      this.queue.forget(appId);
      this.queue.add(appId);
    }
  }
}
