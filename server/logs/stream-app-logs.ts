import "server-only";
import type { Actor } from "../auth/actor";
import { getAppOrThrow } from "../apps/get-app";
import { getDb } from "../db";
import { notFound } from "../errors";
import { getRuntimeDriver } from "../runtime/get-runtime-driver";
import type { LogLine } from "../runtime/runtime-driver";

export interface StreamAppLogsOptions {
  actor: Actor;
  appId: string;
  /** One release's replicas (e.g. the one being rolled out); default the live release's. */
  releaseId?: string;
  tail: number;
  signal: AbortSignal;
}

export async function streamAppLogs({ actor, appId, releaseId, tail, signal }: StreamAppLogsOptions): Promise<AsyncIterable<LogLine>> {
  const app = await getAppOrThrow({ actor, appId });
  // The app is the actor's team's; the release must be that app's (else "not found", like the app).
  if (releaseId && !(await getDb().release.findFirst({ where: { id: releaseId, appId: app.id }, select: { id: true } }))) throw notFound("Release");
  return (await getRuntimeDriver(app.runtimeTarget)).logs(
    { appId: app.id, teamSlug: app.team.slug, projectSlug: app.project.slug, appSlug: app.slug },
    { follow: true, tail, releaseId, signal },
  );
}
