// Converges the volumes of projects on Kubernetes clusters (the embedded ones are
// server/daemon/volumes/volume-reconciler.ts's): each volume's PersistentVolumeClaim made, grown,
// observed, or deleted before its row once deletion was asked; the claim's state recorded on the
// volume (state, stateReason, provisionedGib). Used bytes are not measured on clusters (no
// portable way short of exec into a pod that mounts it): usedBytes stays null there.
//
// A pass is started by the control loop's pass (ClusterRuntime.sweep) and never awaited by it: a
// slow or unreachable cluster must not hold up the apps. One pass at a time; clusters in parallel.
import type { Db } from "../../db";
import type { Logger } from "../logger";
import type { KubernetesDriver } from "../../runtime/kubernetes/kubernetes-driver";
import type { VolumeClaimObservation } from "../../runtime/kubernetes/volume-claim-state";
import { DriverError } from "../../runtime/runtime-driver";

export interface ClusterVolumesOptions {
  db: Db;
  log: Logger;
  /** The cluster's driver with the team's namespace set up (it may not exist before the team's first app). */
  driverFor: (target: { clusterName: string; teamId: string; teamSlug: string }) => Promise<KubernetesDriver>;
  /** how often a ready volume's claim is looked at again when nothing changed */
  resyncMs?: number;
  /** how often a refused claim (quota, a class that cannot expand) is tried again */
  retryFailedMs?: number;
}

type VolumeRow = {
  id: string;
  name: string;
  teamId: string;
  sizeGib: number;
  provisionedGib: number;
  state: string;
  stateReason: string;
  deleteRequestedAt: Date | null;
  team: { slug: string };
  project: { slug: string; cluster: { name: string } | null };
};

export class ClusterVolumes {
  private running: Promise<void> | null = null;
  /** when each volume was last looked at, and what it wanted then */
  private readonly looked = new Map<string, { at: number; wanted: string }>();
  /** the last reason logged per volume: a failure that repeats each pass is logged once */
  private readonly logged = new Map<string, string>();

  constructor(private readonly o: ClusterVolumesOptions) {}

  /** Starts a pass unless one is running; returns at once. */
  kick(): void {
    if (this.running) return;
    this.running = this.converge()
      .catch((e: unknown) => this.o.log.error({ err: e instanceof Error ? e.stack : String(e) }, "converging cluster volumes failed; retried at the next pass"))
      .finally(() => {
        this.running = null;
      });
  }

  /** Resolves when the pass in flight (if any) has ended: tests and shutdown. */
  async idle(): Promise<void> {
    await this.running;
  }

  /** One pass over every volume on a cluster that is due; each cluster's volumes one after another. */
  async converge(): Promise<void> {
    const volumes: VolumeRow[] = await this.o.db.volume.findMany({
      where: { project: { clusterId: { not: null } } },
      select: {
        id: true, name: true, teamId: true, sizeGib: true, provisionedGib: true, state: true, stateReason: true, deleteRequestedAt: true,
        team: { select: { slug: true } },
        project: { select: { slug: true, cluster: { select: { name: true } } } },
      },
      orderBy: { createdAt: "asc" },
    });
    const ids = new Set(volumes.map((v) => v.id));
    for (const id of this.looked.keys()) if (!ids.has(id)) this.looked.delete(id);
    for (const id of this.logged.keys()) if (!ids.has(id)) this.logged.delete(id);
    const byCluster = new Map<string, VolumeRow[]>();
    for (const v of volumes) {
      const cluster = v.project.cluster?.name;
      if (cluster && this.due(v)) byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), v]);
    }
    await Promise.all([...byCluster].map(async ([clusterName, list]) => {
      for (const v of list) await this.step(clusterName, v);
    }));
  }

  private wanted(v: VolumeRow): string {
    return `${v.sizeGib}/${v.deleteRequestedAt ? "delete" : "keep"}`;
  }

  private due(v: VolumeRow): boolean {
    const last = this.looked.get(v.id);
    // Not settled yet (pending, being deleted, or still growing): looked at every pass.
    if (!last || last.wanted !== this.wanted(v) || v.deleteRequestedAt || v.state === "pending" || (v.state === "ready" && v.provisionedGib > 0 && v.provisionedGib < v.sizeGib)) return true;
    const every = v.state === "failed" ? (this.o.retryFailedMs ?? 10_000) : (this.o.resyncMs ?? 30_000);
    return Date.now() - last.at >= every;
  }

  private async step(clusterName: string, v: VolumeRow): Promise<void> {
    this.looked.set(v.id, { at: Date.now(), wanted: this.wanted(v) });
    const ref = { volumeId: v.id, volumeName: v.name, teamSlug: v.team.slug, projectSlug: v.project.slug, sizeGib: v.sizeGib };
    try {
      const driver = await this.o.driverFor({ clusterName, teamId: v.teamId, teamSlug: v.team.slug });
      if (v.deleteRequestedAt) {
        if (await driver.deleteVolume(ref)) {
          // Only a row still marked for deletion: deletion is never undone, but be exact.
          await this.o.db.volume.deleteMany({ where: { id: v.id, deleteRequestedAt: { not: null } } });
          this.say(v, "info", "deleted", "volume's claim deleted; volume removed");
          return;
        }
        await this.record(v, { state: "pending", reason: "being deleted: the cluster removes the claim once no pod mounts it", provisionedGib: v.provisionedGib });
        return;
      }
      const seen = await driver.convergeVolume(ref);
      this.say(v, seen.state === "failed" ? "warn" : "info", `${seen.state}: ${seen.reason}`, "volume on the cluster");
      await this.record(v, seen);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.say(v, "warn", message, "volume on the cluster could not be converged; retried at the next pass");
      // Out of reach (or its namespace being set up again) says nothing new about the claim: the
      // volume keeps its state, with why it was not looked at. Anything else is its failure.
      const unreachable = e instanceof DriverError && e.kind === "unavailable";
      await this.record(v, unreachable
        ? { state: v.state as VolumeClaimObservation["state"], reason: `the cluster could not be asked about the claim: ${message}`, provisionedGib: v.provisionedGib }
        : { state: "failed", reason: message, provisionedGib: v.provisionedGib });
    }
  }

  /** Writes the observation when it differs from the row (the control loop is the only writer of runtime state). */
  private async record(v: VolumeRow, seen: VolumeClaimObservation): Promise<void> {
    if (v.state === seen.state && v.stateReason === seen.reason && v.provisionedGib === seen.provisionedGib) return;
    await this.o.db.volume.updateMany({ where: { id: v.id }, data: { state: seen.state, stateReason: seen.reason, provisionedGib: seen.provisionedGib } });
  }

  private say(v: VolumeRow, level: "info" | "warn", text: string, msg: string): void {
    if (this.logged.get(v.id) === text) return;
    this.logged.set(v.id, text);
    this.o.log[level]({ volumeId: v.id, volume: v.name, team: v.team.slug, reason: text }, msg);
  }
}
