import "server-only";
import type { Actor } from "../auth/actor";
import { getAppOrThrow } from "../apps/get-app";
import { getRuntimeDriver } from "../runtime/get-runtime-driver";
import type { LogLine } from "../runtime/runtime-driver";

export async function streamAppLogs({ actor, appId, tail, signal }: { actor: Actor; appId: string; tail: number; signal: AbortSignal }): Promise<AsyncIterable<LogLine>> {
  const app = await getAppOrThrow({ actor, appId });
  return (await getRuntimeDriver(app.runtimeTarget)).logs(
    { appId: app.id, teamSlug: app.team.slug, projectSlug: app.project.slug, appSlug: app.slug },
    { follow: true, tail, signal },
  );
}
