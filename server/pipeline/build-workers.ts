// N build workers polling the durable queue. Each holds a lease on its build and renews it while
// working; losing the lease (cancel, or presumed dead) aborts the build. On shutdown, builds in
// progress are handed back to the queue so the next daemon picks them up at once.
import { randomUUID } from "node:crypto";
import os from "node:os";
import type { Db } from "../db";
import type { Engine } from "../daemon/engine/engine";
import type { Logger } from "../daemon/logger";
import { claimNextBuild, releaseLease, renewLease, type QueueOptions } from "./job-queue";
import type { BuildLimits } from "../daemon/build-limits";
import { runBuild } from "./run-build";

export interface BuildWorkersOptions {
  db: Db;
  engine: Engine;
  log: Logger;
  workers: number;
  buildsDir: string;
  leaseMs?: number;
  heartbeatMs?: number;
  /** how often a running build's row is read to notice a cancel (one indexed read) */
  cancelCheckMs?: number;
  pollMs?: number;
  maxAttempts?: number;
  limits?: Partial<BuildLimits>;
  /** Slipway's isolated network for RUN steps (see network-isolation.ts) */
  network?: string;
  beforeBuild?: () => Promise<void>;
  cliBuild?: { containersConf: string };
  /** Called after each build ends, so the reconciler rolls a new release out without waiting for its next pass. */
  /** a build ended (its release, if any, is recorded): the app it was for */
  onBuildFinished?: (appId: string) => void;
}

export class BuildWorkers {
  private readonly stopController = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private wake: (() => void)[] = [];
  readonly ownerPrefix = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(private readonly opts: BuildWorkersOptions) {}

  start(): void {
    for (let i = 0; i < this.opts.workers; i++) this.loops.push(this.loop(`${this.ownerPrefix}:w${i}`));
  }

  /** Wake idle workers now (a build was queued). */
  nudge(): void {
    const w = this.wake;
    this.wake = [];
    for (const f of w) f();
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    this.nudge();
    await Promise.allSettled(this.loops);
  }

  private claiming: Promise<unknown> = Promise.resolve();

  /**
   * This daemon's workers claim one after another. Two idle workers claiming at the same moment
   * would both read "nobody runs anything", both pick the same team first, and the one that lost
   * the race for that team's oldest build would take its next one instead of the team whose turn
   * it now is. Claims are a few quick queries, so the wait is short.
   */
  private claimInTurn(q: QueueOptions): ReturnType<typeof claimNextBuild> {
    const claim = this.claiming.then(() => claimNextBuild(this.opts.db, q));
    // The chain only orders claims; each caller gets its own claim's error.
    this.claiming = claim.catch(() => undefined);
    return claim;
  }

  private queueOptions(owner: string): QueueOptions {
    return { owner, leaseMs: this.opts.leaseMs ?? 30_000, maxAttempts: this.opts.maxAttempts ?? 3 };
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

  private async loop(owner: string): Promise<void> {
    const { db, log } = this.opts;
    const q = this.queueOptions(owner);
    while (!this.stopController.signal.aborted) {
      let claimed;
      try {
        claimed = await this.claimInTurn(q);
      } catch (e) {
        log.error({ err: String(e) }, "claiming a build failed");
      }
      if (!claimed) {
        await this.sleep(this.opts.pollMs ?? 1000);
        continue;
      }
      log.info({ buildId: claimed.id, owner, attempt: claimed.attempts }, "build claimed");
      const buildAbort = new AbortController();
      const onStop = () => buildAbort.abort();
      this.stopController.signal.addEventListener("abort", onStop, { once: true });
      const heartbeat = setInterval(() => {
        renewLease(db, claimed.id, q)
          .then((ok) => {
            if (!ok) {
              log.warn({ buildId: claimed.id }, "build lease lost; stopping this build");
              buildAbort.abort();
            }
          })
          .catch((e: unknown) => log.warn({ err: String(e) }, "lease renewal failed"));
      }, this.opts.heartbeatMs ?? 10_000);
      // A cancel (status CANCELED, lease cleared) must stop the build within about a second; renewing
      // the lease that often would be a write per second per build, a primary-key read is cheaper.
      let checking = false;
      const cancelWatch = setInterval(() => {
        if (checking || buildAbort.signal.aborted) return;
        checking = true;
        db.build
          .findUnique({ where: { id: claimed.id }, select: { status: true, leaseOwner: true } })
          .then((b) => {
            if (b?.status === "RUNNING" && b.leaseOwner === owner) return;
            log.info({ buildId: claimed.id, status: b?.status ?? "deleted" }, "build canceled or taken away; stopping it");
            buildAbort.abort();
          })
          .catch((e: unknown) => log.warn({ buildId: claimed.id, err: String(e) }, "checking the build for a cancel failed"))
          .finally(() => (checking = false));
      }, this.opts.cancelCheckMs ?? 1000);
      try {
        await runBuild({
          db,
          engine: this.opts.engine,
          log,
          buildId: claimed.id,
          owner,
          buildsDir: this.opts.buildsDir,
          attempt: claimed.attempts,
          signal: buildAbort.signal,
          limits: this.opts.limits,
          network: this.opts.network,
          beforeBuild: this.opts.beforeBuild,
          cliBuild: this.opts.cliBuild,
        });
        this.opts.onBuildFinished?.(claimed.appId);
      } catch (e) {
        log.error({ buildId: claimed.id, err: String(e) }, "build runner failed");
      } finally {
        clearInterval(heartbeat);
        clearInterval(cancelWatch);
        this.stopController.signal.removeEventListener("abort", onStop);
        if (this.stopController.signal.aborted) await releaseLease(db, claimed.id, owner).catch(() => undefined);
      }
    }
  }
}
