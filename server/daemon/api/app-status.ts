// The runtime status of one app, as the embedded driver reports it to the web layer.
import type { Db } from "../../db";
import type { AppRuntimeStatus, ReplicaState } from "../../runtime/runtime-driver";
import type { Engine } from "../engine/engine";
import { appHostname } from "../../apps/app-url";

function replicaState(engineState: string): ReplicaState {
  if (engineState === "running") return "running";
  if (engineState === "created" || engineState === "restarting" || engineState === "configured") return "starting";
  return "exited";
}

export async function getAppStatus(
  db: Db,
  engine: Engine,
  instanceId: string,
  appId: string,
  ingress: { domain: string; port: number },
): Promise<AppRuntimeStatus | null> {
  const app = await db.app.findUnique({ where: { id: appId }, include: { project: true, team: true } });
  if (!app) return null;
  const containers = await engine.listManaged({ instance: instanceId, appId });
  const host = appHostname({ teamSlug: app.team.slug, projectSlug: app.project.slug, appSlug: app.slug }, ingress.domain);
  return {
    appId,
    liveReleaseId: app.liveReleaseId,
    url: app.liveReleaseId ? `http://${host}:${ingress.port}/` : null,
    replicas: containers
      .sort((a, b) => a.releaseId.localeCompare(b.releaseId) || a.replica - b.replica)
      .map((c) => ({ id: c.id, releaseId: c.releaseId, state: replicaState(c.state), startedAt: c.createdAt.toISOString() })),
  };
}
