import "server-only";
import { openJson } from "../crypto/secret-box";
import type { AppDto } from "./schemas";
import { appHostname, appUrl } from "./app-url";
import { runtimeTargetOf } from "../runtime/runtime-target";

export const appDtoInclude = {
  // Where the app runs (its project's cluster, or the embedded runtime) and, on a cluster, its URL's domain.
  project: { select: { slug: true, cluster: { select: { name: true, ingressDomain: true } } } },
  team: { select: { slug: true } },
  releases: { where: { status: "LIVE" as const }, take: 1, orderBy: { version: "desc" as const } },
};

interface AppRow {
  id: string;
  projectId: string;
  slug: string;
  gitUrl: string;
  gitBranch: string;
  dockerfilePath: string;
  containerPort: number;
  healthCheckPath: string;
  envEncrypted: string;
  cpuMillicores: number;
  memoryMib: number;
  replicas: number;
  targetReleaseId: string | null;
  liveReleaseId: string | null;
  stopped: boolean;
  restartGeneration: number;
  autoRollback: boolean;
  createdAt: Date;
  project: { slug: string; cluster: { name: string; ingressDomain: string } | null };
  team: { slug: string };
  releases: {
    id: string;
    version: number;
    imageDigest: string;
    liveAt: Date | null;
    crashingSince: Date | null;
    liveRestartCount: number;
    lastExitCode: number | null;
    lastExitAt: Date | null;
    lastExitOomKilled: boolean;
    lastLogLines: string | null;
  }[];
}

/**
 * Embedded apps are served by slipwayd's ingress; cluster apps by the cluster's ingress under its
 * domain, or nowhere reachable from outside when the cluster has no ingress domain (null).
 */
function urlOf(app: AppRow): string | null {
  const slugs = { appSlug: app.slug, projectSlug: app.project.slug, teamSlug: app.team.slug };
  const cluster = app.project.cluster;
  if (!cluster) return appUrl(slugs);
  return cluster.ingressDomain ? `http://${appHostname(slugs, cluster.ingressDomain)}/` : null;
}

/** `heldBy`: why a volume operation holds the app now (server/volumes/app-hold.ts), when the caller read it. */
export function toAppDto(app: AppRow, heldBy: string | null = null): AppDto {
  const live = app.releases.find((r) => r.id === app.liveReleaseId) ?? null;
  return {
    id: app.id,
    projectId: app.projectId,
    projectSlug: app.project.slug,
    slug: app.slug,
    gitUrl: app.gitUrl,
    gitBranch: app.gitBranch,
    dockerfilePath: app.dockerfilePath,
    containerPort: app.containerPort,
    healthCheckPath: app.healthCheckPath,
    envKeys: Object.keys(openJson<Record<string, string>>(app.envEncrypted, {})).sort(),
    cpuMillicores: app.cpuMillicores,
    memoryMib: app.memoryMib,
    replicas: app.replicas,
    runtimeTarget: runtimeTargetOf(app.project.cluster),
    url: urlOf(app),
    liveRelease: live
      ? {
          id: live.id,
          version: live.version,
          imageDigest: live.imageDigest,
          liveAt: live.liveAt?.toISOString() ?? null,
          crashing: live.crashingSince
            ? {
                since: live.crashingSince.toISOString(),
                crashes: live.liveRestartCount,
                lastExitCode: live.lastExitCode,
                lastExitAt: live.lastExitAt?.toISOString() ?? null,
                oomKilled: live.lastExitOomKilled,
                lastLogLines: live.lastLogLines ? live.lastLogLines.split("\n") : [],
              }
            : null,
        }
      : null,
    targetReleaseId: app.targetReleaseId,
    stopped: app.stopped,
    restartGeneration: app.restartGeneration,
    autoRollback: app.autoRollback,
    heldBy,
    createdAt: app.createdAt.toISOString(),
  };
}
