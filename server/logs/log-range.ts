// The one rule for the time range a search or a download covers: without one, the last 24 hours;
// never wider than MAX_LOG_RANGE_DAYS (the newest part is kept), and the caller is told when the
// range was narrowed, so a search can never scan the whole store by accident.
import { AppError } from "../errors";
import { MAX_LOG_RANGE_DAYS } from "./schemas";

const DAY_MS = 86_400_000;
export const DEFAULT_LOG_RANGE_MS = DAY_MS;

export interface LogRange {
  from: number;
  to: number;
  notice: string | null;
}

export function resolveLogRange(input: { from?: number; to?: number }, now = Date.now()): LogRange {
  const to = input.to ?? now;
  if (input.from !== undefined && input.from > to) {
    throw new AppError("VALIDATION", "from: must not be after to.", { fields: [{ path: "from", message: "must not be after to" }] });
  }
  const max = MAX_LOG_RANGE_DAYS * DAY_MS;
  if (input.from === undefined) return { from: Math.max(0, to - DEFAULT_LOG_RANGE_MS), to, notice: null };
  if (to - input.from > max) {
    return { from: to - max, to, notice: `The range was narrowed to the newest ${MAX_LOG_RANGE_DAYS} days (the widest one search covers); search an older range separately.` };
  }
  return { from: input.from, to, notice: null };
}
