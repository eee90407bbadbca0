// When to try an app again after a transient failure (a runtime that cannot be reached): an
// exponential delay with full jitter, as controller-runtime's rate limiter, so that many apps of
// one unreachable cluster do not retry in lockstep. Pure, so the rule is unit-tested directly.

export interface RetryBackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY_BACKOFF: RetryBackoffOptions = { baseMs: 1000, maxMs: 60_000 };

/**
 * The delay before attempt `failures + 1` after `failures` transient failures in a row: a random
 * value between half and all of min(max, base × 2^(failures − 1)). `random` is injectable for tests.
 */
export function retryDelayMs(failures: number, o: RetryBackoffOptions = DEFAULT_RETRY_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(Math.max(failures, 1) - 1, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
