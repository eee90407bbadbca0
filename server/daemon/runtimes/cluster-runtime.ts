// A Kubernetes cluster as the control loop drives it (control-loop/app-runtime.ts): each step of
// an app on a cluster applies its target release once (server-side apply, idempotent) and then
// only observes the Deployment and the new pods, returning to look again a second later, until
// the rollout is available (LIVE), can never finish (FAILED with the cluster's reason; the live
// release is applied again), or runs past its deadline, counted from the persisted start as on
// the embedded runtime. A live release is re-applied now and then, so drift and replica changes
// converge. Steps never wait on the cluster, so one slow cluster holds up no other app.
import type { Db } from "../../db";
import type { Logger } from "../logger";
import type { KubernetesDriver } from "../../runtime/kubernetes/kubernetes-driver";
import type { DesiredApp, DesiredRelease } from "../reconcile/desired-state";
import { failRollout, markRollingOut, promoteRelease, rolloutOverdue } from "../reconcile/release-status";
import { keepsServing } from "../reconcile/crash-loop";
import { NEXT_PASS, type AppRuntime, type Requeue } from "../control-loop/app-runtime";
import { TerminalError } from "../control-loop/reconcile-errors";
import { ensureTeamQuota } from "../../quotas/create-team-quota";
import { DriverError, type WorkloadSpec } from "../../runtime/runtime-driver";
import { ClusterVolumes } from "./cluster-volumes";

export interface ClusterRuntimeOptions {
  db: Db;
  log: Logger;
  getDriver: (clusterName: string) => Promise<KubernetesDriver>;
  /** how long a rollout may take from its start (persisted) before it ends FAILED */
  rolloutTimeoutMs?: number;
  /** how often a live release is re-applied to converge drift and replica changes */
  resyncMs?: number;
  /** how soon a rollout in progress is looked at again, once it is past its first seconds */
  observeEveryMs?: number;
  /** how often a ready volume's claim is looked at again (cluster-volumes.ts) */
  volumeResyncMs?: number;
}

/**
 * Most rollouts on a cluster finish within a second or two of the apply; looking once a second
 * made LIVE land up to a second after the Deployment was complete (bench/cluster-push-to-live.ts
 * measured 0.9 s of a 0.9 s gap to `kubectl rollout status`). So a young rollout is looked at
 * every 100 ms (one GET of the Deployment, one pod list), an older one at the normal period.
 */
const YOUNG_ROLLOUT_MS = 10_000;
const YOUNG_OBSERVE_MS = 100;

/** What of a live release's spec follows the app rather than the release (desired-state.ts). */
function appShape(spec: WorkloadSpec): string {
  return JSON.stringify({ replicas: spec.replicas, volumes: spec.volumes });
}

export class ClusterRuntime implements AppRuntime {
  readonly kind = "kubernetes" as const;
  /** when each app's release was last applied, and the app-level shape it was applied with */
  private readonly lastApplied = new Map<string, { at: number; shape: string }>();
  /** Volumes of projects on clusters: their PersistentVolumeClaims. */
  readonly volumes: ClusterVolumes;

  constructor(private readonly o: ClusterRuntimeOptions) {
    this.volumes = new ClusterVolumes({ db: o.db, log: o.log, resyncMs: o.volumeResyncMs, driverFor: (t) => this.teamDriver(t) });
  }

  get rolloutTimeoutMs(): number {
    return this.o.rolloutTimeoutMs ?? 180_000;
  }

  private observeDelay(rolloutStartedAt: Date): number {
    const every = this.o.observeEveryMs ?? 1000;
    return Date.now() - rolloutStartedAt.getTime() < YOUNG_ROLLOUT_MS ? Math.min(every, YOUNG_OBSERVE_MS) : every;
  }

  /**
   * Once per pass: starts converging the volumes on clusters (not awaited: a cluster out of reach
   * holds up no app) and forgets the apps that no longer run on a cluster.
   */
  async sweep(apps: DesiredApp[], leaveAlone: Set<string>): Promise<void> {
    this.volumes.kick();
    const known = new Set(apps.map((a) => a.appId));
    for (const appId of this.lastApplied.keys()) if (!known.has(appId) && !leaveAlone.has(appId)) this.lastApplied.delete(appId);
  }

  private async driverFor(app: DesiredApp): Promise<KubernetesDriver> {
    if (!app.clusterName) throw new TerminalError("The app's project runs on no cluster.");
    return this.teamDriver({ clusterName: app.clusterName, teamId: app.teamId, teamSlug: app.teamSlug });
  }

  /** The cluster's driver, with the team's namespace set up as its quota says. */
  private async teamDriver(t: { clusterName: string; teamId: string; teamSlug: string }): Promise<KubernetesDriver> {
    const driver = await this.o.getDriver(t.clusterName);
    // The namespace's ResourceQuota mirrors the team's (the platform default for a team without
    // one): cpu, memory, and requests.storage = the team's storage quota, which caps every claim.
    const q = await ensureTeamQuota(this.o.db, t.teamId);
    await driver.ensureTeam(t.teamSlug, { cpuMillicores: q.cpuMillicores, memoryMib: q.memoryMib, storageGib: q.storageGib, maxApps: q.maxApps });
    return driver;
  }

  private applied(appId: string, spec: WorkloadSpec): void {
    this.lastApplied.set(appId, { at: Date.now(), shape: appShape(spec) });
  }

  async reconcile(app: DesiredApp): Promise<Requeue> {
    const target = app.target;
    if (target && target.id !== app.live?.id && target.status !== "FAILED") return this.rollout(app, target);
    const last = this.lastApplied.get(app.appId);
    // Re-applied now and then (drift), and at once when what the app asks beyond its release
    // changed: an attached or detached volume, a new replica count.
    if (app.live?.spec && (!last || last.shape !== appShape(app.live.spec) || Date.now() - last.at > (this.o.resyncMs ?? 30_000))) {
      const driver = await this.driverFor(app);
      await driver.applyRelease(app.live.spec);
      this.applied(app.appId, app.live.spec);
    }
    return NEXT_PASS;
  }

  private async rollout(app: DesiredApp, target: DesiredRelease): Promise<Requeue> {
    const { db, log } = this.o;
    if (!target.spec) throw new TerminalError(target.specError ?? "The release's configuration is unreadable.");
    const driver = await this.driverFor(app);
    const state = await markRollingOut(db, target.id);
    const seen = await driver.observeRollout(target.spec).catch((e: unknown) => {
      // The cluster says why the release can never get ready; only the loop knows whether a
      // release was live before it.
      if (e instanceof DriverError && e.kind === "failed") {
        throw new TerminalError(`${e.message}; ${keepsServing(!!app.live)}. Check the app's settings and the cluster's events, then deploy again.`, { cause: e });
      }
      throw e;
    });
    if (seen.releaseId !== target.id) {
      log.info({ appId: app.appId, release: target.version, cluster: app.clusterName }, "rolling out to the cluster");
      await driver.applyRelease(target.spec);
      this.applied(app.appId, target.spec);
      return { afterMs: this.observeDelay(state.rolloutStartedAt) };
    }
    if (seen.phase === "available") {
      await promoteRelease(db, app, target.id);
      log.info({ appId: app.appId, release: target.version }, "release is live on the cluster");
      return NEXT_PASS;
    }
    // A pod whose claim is not bound waits unscheduled: the volume says why (cluster-volumes.ts).
    const message = app.volumesWaiting ? `${seen.message}; ${app.volumesWaiting}` : seen.message;
    if (rolloutOverdue(state, this.rolloutTimeoutMs)) {
      throw new TerminalError(
        `The rollout did not finish in ${Math.round(this.rolloutTimeoutMs / 1000)} s: ${message}. Check the app's readiness (health check path and port)${app.volumesWaiting ? ", its volumes" : ""} and the cluster's events; ${keepsServing(!!app.live)}.`,
      );
    }
    const reason = `Rolling out: ${message}`;
    await db.release.updateMany({ where: { id: target.id, status: "ROLLING_OUT", OR: [{ statusReason: null }, { statusReason: { not: reason } }] }, data: { statusReason: reason } });
    return { afterMs: this.observeDelay(state.rolloutStartedAt) };
  }

  async abandon(app: DesiredApp, target: DesiredRelease, reason: string): Promise<void> {
    await failRollout(this.o.db, app, target.id, reason);
    if (!app.live?.spec) return;
    // Put the cluster back on the release that was live, so the Deployment matches the database.
    try {
      const driver = await this.driverFor(app);
      await driver.applyRelease(app.live.spec);
      this.applied(app.appId, app.live.spec);
    } catch (e) {
      // The failure is recorded on the release; the live release is re-applied at the app's next step.
      this.o.log.warn({ appId: app.appId, err: e instanceof Error ? e.message : String(e) }, "re-applying the live release failed");
      this.lastApplied.delete(app.appId);
    }
  }
}
