// Desired state as the control loop sees it: every app (on any runtime), with its live and target
// releases turned into runtime-neutral WorkloadSpecs.
import type { Db } from "../../db";
import type { Release } from "../../generated/sqlite/client";
import { openJson } from "../../crypto/secret-box";
import { configSnapshotSchema } from "../../releases/create-release";
import type { WorkloadSpec } from "../../runtime/runtime-driver";
import { pinnedImageRef } from "../../runtime/kubernetes/cluster-image-ref";
import { appsHeldByVolumeOperations } from "../../volumes/app-hold";

export interface DesiredRelease {
  id: string;
  version: number;
  status: Release["status"];
  imageDigest: string;
  /** when it went live (null before); a crash streak soon after may roll it back */
  liveAt: Date | null;
  /** crash streak of a live release (see reconcile/live-crash.ts) */
  crashingSince: Date | null;
  liveRestartCount: number;
  lastExitAt: Date | null;
  /** when its rollout began (persisted: a restart of slipwayd does not reset its deadline) */
  rolloutStartedAt: Date | null;
  /** null when the release's config could not be read (reason in specError) */
  spec: WorkloadSpec | null;
  specError?: string;
}

export interface DesiredApp {
  appId: string;
  teamId: string;
  /** the Kubernetes cluster the app's project runs on; null: the embedded runtime (this machine) */
  clusterName: string | null;
  teamSlug: string;
  projectSlug: string;
  appSlug: string;
  replicas: number;
  liveReleaseId: string | null;
  targetReleaseId: string | null;
  live: DesiredRelease | null;
  target: DesiredRelease | null;
  /**
   * No replica runs and a release deployed meanwhile waits: stopped by its team (routes answer
   * 503 "app stopped"), or held by work on its volumes (heldReason).
   */
  stopped: boolean;
  /** why a restore, consistent backup or offline grow holds it (server/volumes/app-hold.ts); null when not held */
  heldReason?: string | null;
  /**
   * Why new replicas must wait for the app's volumes (one not made, not ready, or failed); null
   * when every attached volume is ready. Replicas already running keep running.
   */
  volumesWaiting?: string | null;
  /** raised by a restart: live replicas of an older generation are replaced one at a time */
  restartGeneration: number;
  autoRollback: boolean;
  /** verified custom hostnames (lower case), routed like the app's own hostname, served with TLS */
  domains: string[];
  /**
   * Hostnames still to be proved by HTTP: the ingress answers GET
   * http://<hostname>/.well-known/slipway-challenge/<id> with the token, so pointing the name at
   * Slipway proves control of it (server/domains).
   */
  challenges: { hostname: string; id: string; token: string }[];
}

type AppRow = { id: string; slug: string; replicas: number; project: { slug: string; runtimeClass: string }; team: { slug: string } };

type VolumeRow = { id: string; appId: string | null; name: string; mountPath: string; sizeGib: number; provisionedGib: number; state: string; stateReason: string };

/** Why the app's replicas must wait for its volumes, or null when all are ready. */
export function volumesWaitingReason(volumes: VolumeRow[]): string | null {
  const notReady = volumes.filter((v) => v.state !== "ready" || v.provisionedGib < 1);
  if (!notReady.length) return null;
  return notReady
    .map((v) => (v.state === "failed" ? `volume ${v.name} failed: ${v.stateReason}` : `volume ${v.name} is not ready yet${v.stateReason ? ` (${v.stateReason})` : ""}`))
    .join("; ");
}

function toDesiredRelease(app: AppRow, r: Release, volumes: VolumeRow[]): DesiredRelease {
  const base = {
    id: r.id,
    version: r.version,
    status: r.status,
    imageDigest: r.imageDigest,
    liveAt: r.liveAt,
    crashingSince: r.crashingSince,
    liveRestartCount: r.liveRestartCount,
    lastExitAt: r.lastExitAt,
    rolloutStartedAt: r.rolloutStartedAt,
  };
  try {
    const snap = configSnapshotSchema.parse(JSON.parse(r.configSnapshot));
    const env = openJson<Record<string, string>>(snap.envEncrypted, {});
    return {
      ...base,
      spec: {
        teamSlug: app.team.slug,
        projectSlug: app.project.slug,
        appSlug: app.slug,
        appId: app.id,
        releaseId: r.id,
        releaseVersion: r.version,
        // Clusters run images by digest: releases made by a push carry the registry's manifest
        // digest already; older ones are pinned to the image id the engine reported.
        imageRef: pinnedImageRef(r.imageRef, r.imageDigest),
        containerPort: snap.containerPort,
        healthCheckPath: snap.healthCheckPath || "/",
        cpuMillicores: snap.cpuMillicores,
        memoryMib: snap.memoryMib,
        // Replicas follow the app, not the snapshot, so scaling needs no new release.
        replicas: app.replicas,
        env,
        runtimeClass: app.project.runtimeClass || undefined,
        runAs: r.runAsUid === null ? null : { uid: r.runAsUid, gid: r.runAsGid, imageUser: r.imageUser ?? "" },
        volumes: volumes.map((v) => ({ volumeId: v.id, name: v.name, mountPath: v.mountPath, sizeGib: v.sizeGib })),
      },
    };
  } catch (e) {
    const reason =
      e instanceof Error && /unsupported state|auth/i.test(e.message)
        ? "The release's environment could not be decrypted: slipwayd and the web server must share SLIPWAY_SECRET_KEY (or the same data dir)"
        : `The release's configuration is unreadable: ${e instanceof Error ? e.message : String(e)}`;
    return { ...base, spec: null, specError: reason };
  }
}

/** Every app, on every runtime; or the one app `appId` (an empty list when it is gone). */
export async function loadDesiredApps(db: Db, only?: { appId: string }): Promise<DesiredApp[]> {
  const apps = await db.app.findMany({
    where: only ? { id: only.appId } : {},
    include: {
      project: { select: { slug: true, runtimeClass: true, cluster: { select: { name: true } } } },
      team: { select: { slug: true } },
      domains: { select: { id: true, hostname: true, verifiedAt: true, verificationToken: true }, orderBy: { hostname: "asc" } },
    },
  });
  const ids = apps.flatMap((a) => [a.liveReleaseId, a.targetReleaseId]).filter((x): x is string => !!x);
  const releases = new Map((await db.release.findMany({ where: { id: { in: [...new Set(ids)] } } })).map((r) => [r.id, r]));
  const appIds = apps.map((a) => a.id);
  const [attached, held] = await Promise.all([
    db.volume.findMany({
      where: { appId: only ? only.appId : { not: null }, deleteRequestedAt: null, mountPath: { not: "" } },
      select: { id: true, appId: true, name: true, mountPath: true, sizeGib: true, provisionedGib: true, state: true, stateReason: true },
      orderBy: { mountPath: "asc" },
    }),
    appsHeldByVolumeOperations(db, only ? appIds : undefined),
  ]);
  const volumesOf = new Map<string, VolumeRow[]>();
  for (const v of attached) {
    if (!v.appId) continue;
    const list = volumesOf.get(v.appId);
    if (list) list.push(v);
    else volumesOf.set(v.appId, [v]);
  }
  return apps.map((a) => {
    const live = a.liveReleaseId ? releases.get(a.liveReleaseId) : undefined;
    const target = a.targetReleaseId ? releases.get(a.targetReleaseId) : undefined;
    const volumes = volumesOf.get(a.id) ?? [];
    const heldReason = held.get(a.id) ?? null;
    return {
      appId: a.id,
      teamId: a.teamId,
      clusterName: a.project.cluster?.name ?? null,
      teamSlug: a.team.slug,
      projectSlug: a.project.slug,
      appSlug: a.slug,
      replicas: a.replicas,
      liveReleaseId: a.liveReleaseId,
      targetReleaseId: a.targetReleaseId,
      live: live ? toDesiredRelease(a, live, volumes) : null,
      target: target ? toDesiredRelease(a, target, volumes) : null,
      stopped: a.stopped || heldReason !== null,
      heldReason: a.stopped ? null : heldReason,
      volumesWaiting: volumesWaitingReason(volumes),
      restartGeneration: a.restartGeneration,
      autoRollback: a.autoRollback,
      domains: a.domains.filter((d) => d.verifiedAt).map((d) => d.hostname),
      challenges: a.domains.filter((d) => !d.verifiedAt).map((d) => ({ hostname: d.hostname, id: d.id, token: d.verificationToken })),
    };
  });
}
