import type { Db } from "../../db";
import type { Engine } from "../engine/engine";
import type { Logger } from "../logger";

/** What a backup or restore run needs from slipwayd. */
export interface OperationContext {
  db: Db;
  engine: Engine;
  log: Logger;
  /** slipwayd's data dir: volumes live under it (volume-paths.ts) */
  dataDir: string;
  /** this worker's lease name; every row update is guarded by it */
  owner: string;
  /** aborted when the lease is lost or slipwayd stops */
  signal: AbortSignal;
  /** how long a held app's replicas may take to stop */
  holdTimeoutMs: number;
  /** wake the control loop for an app (a hold began or ended) */
  nudgeApp: (appId: string) => void;
}

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
