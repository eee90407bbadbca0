// Desired state as the control loop sees it: every app (on any runtime), with its live and target
// releases turned into runtime-neutral WorkloadSpecs.
import type { Db } from "../../db";
import type { Release } from "../../generated/sqlite/client";
import { openJson } from "../../crypto/secret-box";
import { configSnapshotSchema } from "../../releases/create-release";
import type { WorkloadSpec } from "../../runtime/runtime-driver";
import { pinnedImageRef } from "../../runtime/kubernetes/cluster-image-ref";

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
  /** stopped by its team: no replica runs, routes answer 503 "stopped" */
  stopped: boolean;
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

function toDesiredRelease(app: AppRow, r: Release): DesiredRelease {
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
        volumes: [],
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
  return apps.map((a) => {
    const live = a.liveReleaseId ? releases.get(a.liveReleaseId) : undefined;
    const target = a.targetReleaseId ? releases.get(a.targetReleaseId) : undefined;
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
      live: live ? toDesiredRelease(a, live) : null,
      target: target ? toDesiredRelease(a, target) : null,
      stopped: a.stopped,
      restartGeneration: a.restartGeneration,
      autoRollback: a.autoRollback,
      domains: a.domains.filter((d) => d.verifiedAt).map((d) => d.hostname),
      challenges: a.domains.filter((d) => !d.verifiedAt).map((d) => ({ hostname: d.hostname, id: d.id, token: d.verificationToken })),
    };
  });
}
