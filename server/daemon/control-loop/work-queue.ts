// A work queue keyed by app, in the manner of client-go's rate-limited work queue (which
// controller-runtime drives): a key is queued at most once however often it is added, a key is
// never processed by two workers at once (an add while it is processed runs it again right after),
// a key can be added for later, and a key that keeps failing waits longer each time (exponential,
// with jitter: retry-backoff.ts) until forget() says it succeeded. Keys are processed concurrently
// up to `concurrency`, so one slow app (a cluster that does not answer) never holds up the others.

import { DEFAULT_RETRY_BACKOFF, retryDelayMs, type RetryBackoffOptions } from "./retry-backoff";

export interface WorkQueueOptions<K> {
  /** processes one key; a throw is the handler's failure (it logs), the queue only keeps going */
  handle: (key: K) => Promise<void>;
  concurrency?: number;
  backoff?: RetryBackoffOptions;
  /** injectable for tests */
  now?: () => number;
  random?: () => number;
  /** called with what a handler threw; the queue never swallows it silently */
  onError: (key: K, error: unknown) => void;
}

export class WorkQueue<K> {
  /** key → when it is due (ms since epoch) */
  private readonly due = new Map<K, number>();
  private readonly processing = new Set<K>();
  /** keys added while they were processed: run again right after */
  private readonly dirty = new Set<K>();
  private readonly failures = new Map<K, number>();
  private readonly idleWaiters: (() => void)[] = [];
  /** key → callers waiting for its step in progress to end */
  private readonly doneWaiters = new Map<K, (() => void)[]>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private shuttingDown = false;
  private readonly concurrency: number;

  constructor(private readonly o: WorkQueueOptions<K>) {
    this.concurrency = Math.max(1, o.concurrency ?? 4);
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** Process the key as soon as a worker is free. */
  add(key: K): void {
    this.addAt(key, this.now());
  }

  /** Process the key after `ms` (an earlier add wins). */
  addAfter(key: K, ms: number): void {
    this.addAt(key, this.now() + Math.max(0, ms));
  }

  /** The key failed in a way worth retrying: process it again after its backoff. Returns the wait. */
  addRateLimited(key: K): number {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    const wait = retryDelayMs(failures, this.o.backoff ?? DEFAULT_RETRY_BACKOFF, this.o.random);
    this.addAfter(key, wait);
    return wait;
  }

  /** The key succeeded: its next failure starts the backoff from the beginning. */
  forget(key: K): void {
    this.failures.delete(key);
  }

  failuresOf(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  /** Whether the key is queued (now or later) or being processed. */
  has(key: K): boolean {
    return this.due.has(key) || this.processing.has(key);
  }

  /** Resolves once nothing is due now and no key is being processed (keys queued for later may wait). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Resolves once the key is not being processed (it may be queued again). */
  done(key: K): Promise<void> {
    if (!this.processing.has(key)) return Promise.resolve();
    return new Promise((resolve) => this.doneWaiters.set(key, [...(this.doneWaiters.get(key) ?? []), resolve]));
  }

  /** Stops taking work; resolves when the keys being processed are done. */
  async shutDown(): Promise<void> {
    this.shuttingDown = true;
    if (this.timer) clearTimeout(this.timer);
    this.due.clear();
    this.dirty.clear();
    await this.idle();
  }

  private isIdle(): boolean {
    if (this.processing.size) return false;
    const now = this.now();
    for (const at of this.due.values()) if (at <= now) return false;
    return true;
  }

  private addAt(key: K, at: number): void {
    if (this.shuttingDown) return;
    if (this.processing.has(key) && at <= this.now()) {
      this.dirty.add(key);
      return;
    }
    const current = this.due.get(key);
    if (current === undefined || at < current) this.due.set(key, at);
    this.schedulePump();
  }

  private pumpScheduled = false;

  /** Adds made in one go (a pass queuing every app, repeated adds) coalesce before a worker takes them. */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.shuttingDown) {
      this.notifyIdle();
      return;
    }
    const now = this.now();
    let next = Infinity;
    for (const [key, at] of this.due) {
      if (this.processing.has(key)) continue;
      if (at > now) {
        next = Math.min(next, at);
        continue;
      }
      if (this.processing.size >= this.concurrency) break;
      this.due.delete(key);
      this.run(key);
    }
    this.armTimer(next);
    this.notifyIdle();
  }

  private armTimer(at: number): void {
    if (at === Infinity || at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, Math.max(0, at - this.now()));
    this.timer.unref?.();
  }

  private run(key: K): void {
    this.processing.add(key);
    void this.o
      .handle(key)
      .catch((e: unknown) => this.o.onError(key, e))
      .finally(() => {
        this.processing.delete(key);
        for (const resolve of this.doneWaiters.get(key) ?? []) resolve();
        this.doneWaiters.delete(key);
        if (this.dirty.delete(key)) this.addAt(key, this.now());
        this.pump();
      });
  }

  private notifyIdle(): void {
    if (!this.idleWaiters.length || !this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
