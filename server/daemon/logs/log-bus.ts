// The live tail's wake-up: collectors publish each app's lines right after the store assigned
// their seqs; live viewers of that app are told. A viewer that is caught up takes the lines as they
// are (no read back); one that is behind ignores them and reads from the store by seq, so the bus
// never holds lines for anyone and a slow viewer only slows itself.
import type { StoredLogLine } from "./log-store-types";

/**
 * `prev` is the app's last seq published before these lines (null when none was published since
 * slipwayd started): a viewer whose last seen seq is `prev` has every line before them.
 */
export type LogBusListener = (lines: readonly StoredLogLine[], prev: number | null) => void;

export class LogBus {
  private readonly listeners = new Map<string, Set<LogBusListener>>();
  private readonly lastSeq = new Map<string, number>();
  /** when lines were last published (epoch ms): collection is busy (collector-index-pacing.ts) */
  lastPublishAt = 0;

  /** Lines of one app, in seq order, just appended. */
  publish(appId: string, lines: readonly StoredLogLine[]): void {
    if (!lines.length) return;
    this.lastPublishAt = Date.now();
    const prev = this.lastSeq.get(appId) ?? null;
    this.lastSeq.set(appId, lines[lines.length - 1]!.seq);
    const set = this.listeners.get(appId);
    if (!set) return;
    for (const l of set) l(lines, prev);
  }

  /** The app's last published seq (null: nothing published since start; read the store). */
  last(appId: string): number | null {
    return this.lastSeq.get(appId) ?? null;
  }

  /** The app's lines were deleted: its seqs start over from the store's view. */
  forget(appId: string): void {
    this.lastSeq.delete(appId);
  }

  subscribe(appId: string, listener: LogBusListener): () => void {
    let set = this.listeners.get(appId);
    if (!set) this.listeners.set(appId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (!set.size && this.listeners.get(appId) === set) this.listeners.delete(appId);
    };
  }

  subscribers(appId: string): number {
    return this.listeners.get(appId)?.size ?? 0;
  }
}
