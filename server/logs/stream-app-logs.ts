import "server-only";
import type { Actor } from "../auth/actor";
import { getAppOrThrow } from "../apps/get-app";
import { getDb } from "../db";
import { notFound } from "../errors";
import { daemonQuery, logDaemon } from "./log-daemon";

export interface StreamAppLogsOptions {
  actor: Actor;
  appId: string;
  /** one release's lines (e.g. the one being rolled out); every release's without it */
  releaseId?: string;
  /** the newest lines to begin with, when not resuming */
  tail: number;
  /** resume after this line (the browser's Last-Event-ID): every later line, none twice */
  after?: number;
  signal: AbortSignal;
}

/**
 * The app's kept logs, then live, as server-sent events. slipwayd reads them from its log store
 * and frames them (many lines per event, id = the last line's seq); the web checks tenancy and
 * passes the bytes through, so a browser's pace is felt only by its own stream (slipwayd reads
 * the store at that stream's pace, and collection never waits for a viewer).
 */
export async function streamAppLogs({ actor, appId, releaseId, tail, after, signal }: StreamAppLogsOptions): Promise<ReadableStream<Uint8Array>> {
  const app = await getAppOrThrow({ actor, appId });
  // The app is the actor's team's; the release must be that app's (else "not found", like the app).
  if (releaseId && !(await getDb().release.findFirst({ where: { id: releaseId, appId: app.id }, select: { id: true } }))) throw notFound("Release");
  const query = daemonQuery({ tail, after, release: releaseId });
  const res = await logDaemon().request("GET", `/v1/apps/${encodeURIComponent(app.id)}/logs/live?${query}`, { signal });
  if (!res.body) throw new Error("slipwayd answered the live log stream without a body");
  return res.body;
}
