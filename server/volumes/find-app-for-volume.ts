import "server-only";
import type { Tx } from "../db";
import { notFound } from "../errors";

/** The app a volume is to be attached to, in the actor's team (another team's is "not found"). */
export async function findAppForVolume(tx: Tx, teamId: string, appId: string) {
  const app = await tx.app.findFirst({
    where: { id: appId, teamId },
    select: { id: true, slug: true, projectId: true, replicas: true, liveReleaseId: true, stopped: true, project: { select: { clusterId: true } } },
  });
  if (!app) throw notFound("App");
  return { ...app, onCluster: app.project.clusterId !== null };
}
