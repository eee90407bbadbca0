// The web side's RuntimeDriver for the embedded runtime: a client of slipwayd. The daemon does the
// work (its control loop reconciles from the database); the web nudges it, reads logs through it
// and asks it to remove an app's containers.
import "server-only";
import { getEnv } from "../../env";
import { DriverError, type AppRef, type LogLine, type LogStreamOptions, type RuntimeDriver } from "../runtime-driver";
import { DaemonClient } from "./daemon-client";

export interface EmbeddedDriverOptions {
  client?: DaemonClient;
}

export class EmbeddedDriver implements RuntimeDriver {
  readonly kind = "embedded" as const;
  private readonly client: DaemonClient;

  constructor(options: EmbeddedDriverOptions = {}) {
    const env = getEnv();
    this.client = options.client ?? DaemonClient.fromDataDir(env.dataDir, env.SLIPWAY_DAEMON_PORT);
  }

  async nudge(): Promise<void> {
    await this.client.request("POST", "/v1/reconcile").then((r) => r.body?.cancel());
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
