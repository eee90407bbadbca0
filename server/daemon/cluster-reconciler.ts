// Rolls releases of apps whose project targets a Kubernetes cluster out through the Kubernetes
// driver, and records what happens in the database: ROLLING_OUT with the rollout's progress, LIVE
// when the Deployment is available, FAILED with the cluster's reason (and the previous release
// re-applied). Level-triggered like the embedded reconciler: every pass re-reads desired state,
// and live releases are re-applied now and then (server-side apply is idempotent), so drift and
// replica changes converge and a restart of slipwayd loses nothing.
import type { Logger } from "pino";
import type { Db } from "../db";
import { DriverError, type WorkloadSpec } from "../runtime/runtime-driver";
import type { KubernetesDriver } from "../runtime/kubernetes/kubernetes-driver";
import type { RolloutState } from "../runtime/kubernetes/rollout-state";
import { loadDesiredApps, type DesiredApp } from "./reconcile/desired-state";
import { failRollout, markRollingOut, promoteRelease } from "./reconcile/release-status";
import { clusterNameOf, ON_ANY_CLUSTER } from "../runtime/runtime-target";
import { isUnreachable, retryDelayMs } from "./reconcile/retry-backoff";

export interface ClusterReconcilerOptions {
  db: Db;
  log: Logger;
  getDriver: (clusterName: string, hooks: { onRolloutProgress: (spec: WorkloadSpec, state: RolloutState) => void }) => Promise<KubernetesDriver>;
  intervalMs?: number;
  /** How often a live release is re-applied to converge drift and replica changes. */
  resyncMs?: number;
}

function explain(e: unknown): { transient: boolean; reason: string } {
  if (e instanceof DriverError) {
    switch (e.kind) {
      case "quota":
        return { transient: false, reason: `${e.message}. The cluster's quota for the team refused it: lower the app's CPU, memory or replicas, or ask the platform admin to raise the team's quota.` };
      case "unavailable":
        return { transient: true, reason: `${e.message}. The cluster is unreachable; slipwayd keeps retrying. Check the cluster on the Clusters page.` };
      case "timeout":
        return { transient: false, reason: `${e.message}. Check the app's readiness (health check path and port) and the cluster's events.` };
      default:
        return { transient: false, reason: `${e.message}. Check the app's settings and the cluster's events, then deploy again.` };
    }
  }
  const message = e instanceof Error ? e.message : String(e);
  const transient = isUnreachable(e);
  return { transient, reason: transient ? `The cluster could not be reached (${message}); slipwayd keeps retrying.` : message };
}

export class ClusterReconciler {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private ticking: Promise<void> | null = null;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly lastApplied = new Map<string, number>();
  private readonly lastProgress = new Map<string, string>();
  /** After a transient failure (cluster unreachable) an app waits before the next attempt. */
  private readonly retryAt = new Map<string, number>();
  /** transient failures in a row per app: the wait doubles with each (retry-backoff.ts) */
  private readonly failures = new Map<string, number>();

  constructor(private readonly o: ClusterReconcilerOptions) {}

  start(): void {
    this.schedule(0);
  }

  nudge(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    await Promise.allSettled(this.inFlight.values());
  }

  /** One pass, waiting for the rollouts it starts (tests). */
  async reconcileNow(): Promise<void> {
    await this.tick();
    await Promise.allSettled(this.inFlight.values());
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.ticking ??= this.tick()
        .catch((e: unknown) => this.o.log.error({ err: String(e) }, "cluster reconcile pass failed"))
        .finally(() => {
          this.ticking = null;
          this.schedule(this.o.intervalMs ?? 3000);
        });
    }, ms);
  }

  private async tick(): Promise<void> {
    const apps = await loadDesiredApps(this.o.db, ON_ANY_CLUSTER);
    const now = Date.now();
    for (const app of apps) {
      if (this.inFlight.has(app.appId) || (this.retryAt.get(app.appId) ?? 0) > now) continue;
      const wantsRollout = app.target && app.target.id !== app.live?.id && app.target.status !== "FAILED";
      const wantsResync = !wantsRollout && app.live?.spec && now - (this.lastApplied.get(app.appId) ?? 0) > (this.o.resyncMs ?? 30_000);
      if (!wantsRollout && !wantsResync) continue;
      const work = (wantsRollout ? this.rollout(app) : this.resync(app)).finally(() => this.inFlight.delete(app.appId));
      this.inFlight.set(app.appId, work);
    }
  }

  private async driverFor(app: DesiredApp): Promise<KubernetesDriver> {
    const clusterName = clusterNameOf(app.runtimeTarget) ?? "";
    const driver = await this.o.getDriver(clusterName, { onRolloutProgress: (spec, state) => void this.recordProgress(spec, state) });
    const team = await this.o.db.team.findUniqueOrThrow({ where: { slug: app.teamSlug }, include: { quota: true } });
    const q = team.quota ?? { cpuMillicores: 4000, memoryMib: 4096, storageGib: 20, maxApps: 20 };
    await driver.ensureTeam(app.teamSlug, { cpuMillicores: q.cpuMillicores, memoryMib: q.memoryMib, storageGib: q.storageGib, maxApps: q.maxApps });
    return driver;
  }

  private async recordProgress(spec: WorkloadSpec, state: RolloutState): Promise<void> {
    if (state.phase !== "progressing") return;
    const reason = `Rolling out: ${state.message}`;
    if (this.lastProgress.get(spec.releaseId) === reason) return;
    this.lastProgress.set(spec.releaseId, reason);
    await this.o.db.release.updateMany({ where: { id: spec.releaseId, status: "ROLLING_OUT" }, data: { statusReason: reason } }).catch(() => undefined);
  }

  private async rollout(app: DesiredApp): Promise<void> {
    const target = app.target!;
    const log = this.o.log.child({ appId: app.appId, release: target.version, target: app.runtimeTarget });
    if (!target.spec) {
      await failRollout(this.o.db, app, target.id, target.specError ?? "The release's configuration is unreadable.");
      return;
    }
    try {
      const driver = await this.driverFor(app);
      await markRollingOut(this.o.db, target.id);
      log.info("rolling out to the cluster");
      await driver.apply(target.spec);
      await promoteRelease(this.o.db, app, target.id);
      this.retryAt.delete(app.appId);
      this.failures.delete(app.appId);
      this.lastApplied.set(app.appId, Date.now());
      log.info("release is live on the cluster");
    } catch (e) {
      const { transient, reason } = explain(e);
      if (transient) {
        const failures = (this.failures.get(app.appId) ?? 0) + 1;
        this.failures.set(app.appId, failures);
        const waitMs = retryDelayMs(failures);
        this.retryAt.set(app.appId, Date.now() + waitMs);
        log.warn({ reason, failures, waitMs }, "cluster unreachable; will retry");
        await this.o.db.release.updateMany({ where: { id: target.id, status: { in: ["PENDING", "ROLLING_OUT"] } }, data: { statusReason: reason } });
        return;
      }
      log.warn({ reason }, "rollout failed");
      await failRollout(this.o.db, app, target.id, reason);
      // Put the cluster back on the release that was live, so the Deployment matches the database.
      if (app.live?.spec) await this.resync(app);
    }
  }

  private async resync(app: DesiredApp): Promise<void> {
    this.lastApplied.set(app.appId, Date.now());
    try {
      const driver = await this.driverFor(app);
      await driver.apply(app.live!.spec!);
    } catch (e) {
      this.o.log.warn({ appId: app.appId, reason: explain(e).reason }, "re-applying the live release failed");
    }
  }
}
