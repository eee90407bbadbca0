import "server-only";
// The kept logs and metrics live in slipwayd's stores, whatever runtime an app runs on (slipwayd
// collects cluster apps' logs too): the web reads them through slipwayd's API.
import { getEnv } from "../env";
import { DaemonClient } from "../runtime/embedded/daemon-client";

export function logDaemon(): DaemonClient {
  const env = getEnv();
  return DaemonClient.fromDataDir(env.dataDir, env.SLIPWAY_DAEMON_PORT);
}

/** A query string of the defined values only. */
export function daemonQuery(values: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  return q.toString();
}
