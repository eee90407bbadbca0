// Paces the search indexer (log-indexer.ts) behind collection. Both run on slipwayd's one thread,
// and the trigram index costs about three times what storing a line does: run back to back during
// a burst, it took three quarters of the thread and halved the rate lines reached live viewers
// (bench/log-stream.ts). So while lines are arriving, the index gets about 5 % of the time (a
// batch, then a pause twenty times as long); once collection is quiet it catches up at full speed.
// Search covers the part not indexed yet with its bounded scan, so a lagging index costs searches
// a little, never lines.
import type { Logger } from "../logger";
import type { LogBus } from "./log-bus";

export interface IndexStepper {
  /** indexes one batch; returns how many rows (0: caught up) */
  step(): number;
}

export interface IndexPacingOptions {
  indexer: IndexStepper;
  bus: LogBus;
  log: Logger;
  /** collection counts as busy this long after its last append */
  busyMs?: number;
  /** while busy, the pause after a batch, as a multiple of the batch's own time */
  busyPauseFactor?: number;
  /** caught up: how long before looking again */
  idleMs?: number;
}

export class IndexPacing {
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private done: Promise<void> = Promise.resolve();

  constructor(private readonly o: IndexPacingOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.done;
  }

  private async loop(): Promise<void> {
    const busyMs = this.o.busyMs ?? 250;
    const factor = this.o.busyPauseFactor ?? 20;
    while (this.running) {
      const t0 = performance.now();
      let indexed = 0;
      try {
        indexed = this.o.indexer.step();
      } catch (e) {
        // The batch rolled back with its watermark: it is tried again after the pause.
        this.o.log.error({ err: e instanceof Error ? e.message : String(e) }, "log indexer: a batch failed");
      }
      const took = performance.now() - t0;
      const busy = Date.now() - this.o.bus.lastPublishAt < busyMs;
      const pause = indexed === 0 ? (this.o.idleMs ?? 500) : busy ? Math.max(1, took * factor) : 0;
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        if (pause === 0) setImmediate(resolve);
        else this.timer = setTimeout(resolve, pause);
      });
      this.wake = null;
      this.timer = null;
    }
  }
}
