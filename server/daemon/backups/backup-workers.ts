// slipwayd's volume operations: one worker for backups, one for restores (a long backup does not
// hold a restore up), and the backup scheduler. Each worker holds a lease on its row and renews
// it; a lost lease or a stop aborts the work, and on stop the row is handed back (QUEUED) so the
// next slipwayd picks it up at once.
import { randomUUID } from "node:crypto";
import os from "node:os";
import type { Db } from "../../db";
import type { Engine } from "../engine/engine";
import type { Logger } from "../logger";
import { queueScheduledBackups } from "./backup-scheduler";
import { claimBackup, claimRestore, renewBackupLease, renewRestoreLease, type LeaseOptions } from "./operation-lease";
import { errorMessage, type OperationContext } from "./operation-context";
import { runBackup } from "./run-backup";
import { runRestore } from "./run-restore";

export interface BackupWorkersOptions {
  db: Db;
  engine: Engine;
  log: Logger;
  dataDir: string;
  nudgeApp: (appId: string) => void;
  leaseMs?: number;
  pollMs?: number;
  /** how often the scheduler looks for due backups */
  schedulerMs?: number;
  holdTimeoutMs?: number;
}

type Kind = "backup" | "restore";

/** Tunables from the environment (tests make the scheduler tick fast); not in server/env.ts: only slipwayd reads them. */
export function backupWorkerTunables(env: NodeJS.ProcessEnv = process.env): Pick<BackupWorkersOptions, "leaseMs" | "schedulerMs" | "holdTimeoutMs"> {
  return {
    leaseMs: Math.max(1000, Number(env.SLIPWAY_BACKUP_LEASE_MS) || 30_000),
    schedulerMs: Math.max(100, Number(env.SLIPWAY_BACKUP_SCHEDULER_MS) || 30_000),
    holdTimeoutMs: Math.max(1000, Number(env.SLIPWAY_BACKUP_HOLD_TIMEOUT_MS) || 180_000),
  };
}

export class BackupWorkers {
  private readonly stopController = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private wake: (() => void)[] = [];
  private schedulerTimer: NodeJS.Timeout | undefined;
  readonly ownerPrefix = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(private readonly opts: BackupWorkersOptions) {}

  start(): void {
    this.loops.push(this.loop("backup"), this.loop("restore"));
    const tick = () => {
      queueScheduledBackups(this.opts.db, this.opts.log)
        .then((ids) => ids.length && this.nudge())
        .catch((e: unknown) => this.opts.log.error({ err: errorMessage(e) }, "backup scheduler pass failed"))
        .finally(() => {
          if (!this.stopController.signal.aborted) this.schedulerTimer = setTimeout(tick, this.opts.schedulerMs ?? 30_000);
        });
    };
    this.schedulerTimer = setTimeout(tick, Math.min(1000, this.opts.schedulerMs ?? 30_000));
  }

  /** Wake idle workers now (a backup or restore was queued). */
  nudge(): void {
    const w = this.wake;
    this.wake = [];
    for (const f of w) f();
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    clearTimeout(this.schedulerTimer);
    this.nudge();
    await Promise.allSettled(this.loops);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake.push(done);
    });
  }

  private async loop(kind: Kind): Promise<void> {
    const { db, log } = this.opts;
    const owner = `${this.ownerPrefix}:${kind}`;
    const lease: LeaseOptions = { owner, leaseMs: this.opts.leaseMs ?? 30_000 };
    while (!this.stopController.signal.aborted) {
      let id: string | null = null;
      try {
        id = kind === "backup" ? await claimBackup(db, lease) : await claimRestore(db, lease);
      } catch (e) {
        log.error({ kind, err: errorMessage(e) }, "claiming a volume operation failed");
      }
      if (!id) {
        await this.sleep(this.opts.pollMs ?? 1000);
        continue;
      }
      log.info({ kind, id, owner }, `${kind} claimed`);
      await this.runClaimed(kind, id, lease);
    }
  }

  private async runClaimed(kind: Kind, id: string, lease: LeaseOptions): Promise<void> {
    const { db, log } = this.opts;
    const abort = new AbortController();
    const onStop = () => abort.abort(new Error("slipwayd is stopping"));
    this.stopController.signal.addEventListener("abort", onStop, { once: true });
    const heartbeat = setInterval(
      () => {
        (kind === "backup" ? renewBackupLease(db, id, lease) : renewRestoreLease(db, id, lease))
          .then((ok) => {
            if (!ok) {
              log.warn({ kind, id }, `${kind} lease lost; stopping it`);
              abort.abort(new Error("lease lost"));
            }
          })
          .catch((e: unknown) => log.warn({ kind, id, err: errorMessage(e) }, "lease renewal failed"));
      },
      Math.max(500, Math.floor(lease.leaseMs / 3)),
    );
    const ctx: OperationContext = {
      db,
      engine: this.opts.engine,
      log,
      dataDir: this.opts.dataDir,
      owner: lease.owner,
      signal: abort.signal,
      holdTimeoutMs: this.opts.holdTimeoutMs ?? 180_000,
      nudgeApp: this.opts.nudgeApp,
    };
    try {
      if (kind === "backup") await runBackup(ctx, id);
      else await runRestore(ctx, id);
    } catch (e) {
      log.warn({ kind, id, err: errorMessage(e) }, `${kind} stopped before it finished`);
    } finally {
      clearInterval(heartbeat);
      this.stopController.signal.removeEventListener("abort", onStop);
      if (this.stopController.signal.aborted) await this.handBack(kind, id, lease.owner);
    }
  }

  /** Graceful stop: the row goes back to the queue for the next slipwayd. */
  private async handBack(kind: Kind, id: string, owner: string): Promise<void> {
    const where = { id, leaseOwner: owner, status: "RUNNING" };
    const data = { status: "QUEUED", leaseOwner: null, leaseExpiresAt: null, bytesDone: 0 };
    try {
      if (kind === "backup") await this.opts.db.volumeBackup.updateMany({ where, data });
      else await this.opts.db.volumeRestore.updateMany({ where, data });
    } catch (e) {
      this.opts.log.warn({ kind, id, err: errorMessage(e) }, "handing a volume operation back failed; its lease expires instead");
    }
  }
}
