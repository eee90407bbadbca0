// Counters (CPU nanoseconds, bytes received) → rates between two readings. A counter that went
// down was reset (the container's cgroup or network namespace is new): no rate for that interval
// rather than a negative or a huge one.

export interface CounterReading {
  /** when it was read, milliseconds (a monotonic clock is best) */
  atMs: number;
  value: number;
}

/** Units per second between two readings; null when the interval is empty or the counter was reset. */
export function ratePerSecond(prev: CounterReading | undefined, next: CounterReading): number | null {
  if (!prev) return null;
  const dt = next.atMs - prev.atMs;
  if (dt <= 0 || next.value < prev.value) return null;
  return ((next.value - prev.value) * 1000) / dt;
}

/** CPU time in nanoseconds per wall second → percent of one core. */
export function cpuPercent(prevNs: CounterReading | undefined, nextNs: CounterReading): number | null {
  const r = ratePerSecond(prevNs, nextNs);
  return r === null ? null : r / 1e7;
}
