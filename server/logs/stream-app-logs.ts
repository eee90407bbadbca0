import "server-only";
import type { Actor } from "../auth/actor";
import { getAppOrThrow } from "../apps/get-app";
import { getDb } from "../db";
import { notFound } from "../errors";
import { getRuntimeDriver } from "../runtime/get-runtime-driver";
import type { AppRef, LogLine, RuntimeDriver } from "../runtime/runtime-driver";
import { sleep } from "../sse";

export interface StreamAppLogsOptions {
  actor: Actor;
  appId: string;
  /** One release's replicas (e.g. the one being rolled out); default the live release's. */
  releaseId?: string;
  tail: number;
  signal: AbortSignal;
}

/** How soon the release's containers are looked up again once every replica's stream has ended. */
const RELIST_MS = 1000;
/** Lines remembered to drop the repeats a new look-up's tail sends (the tail is at most 5000). */
const REMEMBERED = 6000;

export async function streamAppLogs({ actor, appId, releaseId, tail, signal }: StreamAppLogsOptions): Promise<AsyncIterable<LogLine>> {
  const app = await getAppOrThrow({ actor, appId });
  // The app is the actor's team's; the release must be that app's (else "not found", like the app).
  if (releaseId && !(await getDb().release.findFirst({ where: { id: releaseId, appId: app.id }, select: { id: true } }))) throw notFound("Release");
  const driver = await getRuntimeDriver(app.project.cluster);
  return followRelease(driver, { appId: app.id, teamSlug: app.team.slug, projectSlug: app.project.slug, appSlug: app.slug }, { tail, releaseId, signal });
}

/**
 * A replica's stream ends when its container stops: a crash, a replacement, or no container yet
 * when a rollout has just begun. A crashing rollout may last only seconds, so rather than leave it
 * to the browser's reconnect (3 s), the release's containers are looked up again here, and the
 * lines their tails send again are dropped.
 */
async function* followRelease(driver: RuntimeDriver, app: AppRef, o: { tail: number; releaseId?: string; signal: AbortSignal }): AsyncGenerator<LogLine> {
  const seen = new Set<string>();
  while (!o.signal.aborted) {
    for await (const line of driver.logs(app, { follow: true, tail: o.tail, releaseId: o.releaseId, signal: o.signal })) {
      const key = `${line.time}\u0000${line.replica}\u0000${line.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (seen.size > REMEMBERED) seen.delete(seen.values().next().value!);
      yield line;
    }
    await sleep(RELIST_MS, o.signal);
  }
}
