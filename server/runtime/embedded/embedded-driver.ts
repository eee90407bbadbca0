// The RuntimeDriver for the embedded runtime: a client of slipwayd. The daemon does the work
// (it reconciles from the database); the driver nudges it and watches the outcome.
import "server-only";
import { getDb, type Db } from "../../db";
import { getEnv } from "../../env";
import {
  DriverError,
  type AppRef,
  type AppRuntimeStatus,
  type LogLine,
  type LogStreamOptions,
  type RuntimeDriver,
  type WorkloadSpec,
} from "../runtime-driver";
import { DaemonClient } from "./daemon-client";

export interface EmbeddedDriverOptions {
  client?: DaemonClient;
  db?: Db;
  /** how long apply waits for the release to go LIVE or FAILED */
  applyTimeoutMs?: number;
  pollMs?: number;
}

export class EmbeddedDriver implements RuntimeDriver {
  readonly kind = "embedded" as const;
  private readonly client: DaemonClient;

  constructor(private readonly options: EmbeddedDriverOptions = {}) {
    const env = getEnv();
    this.client = options.client ?? DaemonClient.fromDataDir(env.dataDir, env.SLIPWAY_DAEMON_PORT);
  }

  private get db(): Db {
    return this.options.db ?? getDb();
  }

  async nudge(): Promise<void> {
    await this.client.request("POST", "/v1/reconcile").then((r) => r.body?.cancel());
  }

  async apply(spec: WorkloadSpec): Promise<void> {
    const db = this.db;
    const release = await db.release.findUnique({ where: { id: spec.releaseId }, select: { status: true, appId: true } });
    if (!release || release.appId !== spec.appId) throw new DriverError("not_found", "embedded", `release/${spec.releaseId}`, "release not found");
    if (release.status === "PENDING") {
      // The reconciler converges to App.targetReleaseId; a pending release applied directly
      // (e.g. a rollback) becomes the target.
      await db.app.updateMany({ where: { id: spec.appId }, data: { targetReleaseId: spec.releaseId } });
    }
    await this.nudge();
    const deadline = Date.now() + (this.options.applyTimeoutMs ?? 5 * 60_000);
    while (Date.now() < deadline) {
      const r = await db.release.findUnique({ where: { id: spec.releaseId }, select: { status: true, statusReason: true } });
      if (r?.status === "LIVE") return;
      if (r?.status === "FAILED") throw new DriverError("failed", "embedded", `release/${spec.releaseId}`, r.statusReason ?? "release failed");
      if (r?.status === "SUPERSEDED") throw new DriverError("failed", "embedded", `release/${spec.releaseId}`, "a newer release replaced this one");
      await new Promise((res) => setTimeout(res, this.options.pollMs ?? 500));
    }
    throw new DriverError("timeout", "embedded", `release/${spec.releaseId}`, "the release did not go live in time; see the app's status and logs");
  }

  status(app: AppRef): Promise<AppRuntimeStatus> {
    return this.client.json<AppRuntimeStatus>("GET", `/v1/apps/${encodeURIComponent(app.appId)}/status`);
  }

  async remove(app: AppRef): Promise<void> {
    try {
      await this.client.request("DELETE", `/v1/apps/${encodeURIComponent(app.appId)}`).then((r) => r.body?.cancel());
    } catch (e) {
      if (e instanceof DriverError && e.kind === "not_found") return;
      throw e;
    }
  }

  async *logs(app: AppRef, options: LogStreamOptions): AsyncIterable<LogLine> {
    const q = new URLSearchParams({ follow: options.follow ? "1" : "0", tail: String(options.tail ?? 200) });
    if (options.releaseId) q.set("release", options.releaseId);
    let res: Response;
    try {
      res = await this.client.request("GET", `/v1/apps/${encodeURIComponent(app.appId)}/logs?${q}`, { signal: options.signal });
    } catch (e) {
      if (options.signal?.aborted) return;
      throw e;
    }
    if (!res.body) return;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) yield JSON.parse(line) as LogLine;
        }
      }
    } catch (e) {
      if (!options.signal?.aborted) throw e;
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }
}

let shared: EmbeddedDriver | undefined;

/** The process-wide embedded driver (options only for tests). */
export function getEmbeddedDriver(options?: EmbeddedDriverOptions): EmbeddedDriver {
  if (options) return new EmbeddedDriver(options);
  shared ??= new EmbeddedDriver();
  return shared;
}
