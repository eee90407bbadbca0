// Which samples a chart reads and how wide its points are: up to a day from the fine samples,
// beyond from the coarse rollups, with a step that gives the chart between ~60 and 300 points.
import type { MetricRange } from "../../metrics/schemas";

/** Fine samples: one per container every SAMPLE_SECONDS; kept FINE_RETENTION_SECONDS. */
export const FINE_STEP_SECONDS = 5;
export const FINE_RETENTION_SECONDS = 24 * 3600;
/** Coarse rollups: one per COARSE_STEP_SECONDS; kept COARSE_RETENTION_SECONDS. */
export const COARSE_STEP_SECONDS = 300;
export const COARSE_RETENTION_SECONDS = 30 * 24 * 3600;

export const RANGE_SECONDS: Record<MetricRange, number> = { "1h": 3600, "6h": 6 * 3600, "24h": 24 * 3600, "7d": 7 * 24 * 3600, "30d": 30 * 24 * 3600 };

const STEPS = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
const MAX_POINTS = 300;

export interface RangePlan {
  resolution: "fine" | "coarse";
  stepSeconds: number;
  /** first bucket start and the end (exclusive), epoch seconds, both multiples of the step */
  from: number;
  to: number;
}

export function planRange(range: MetricRange, nowSeconds: number): RangePlan {
  const span = RANGE_SECONDS[range];
  const resolution = span <= FINE_RETENTION_SECONDS ? "fine" : "coarse";
  const minStep = resolution === "fine" ? FINE_STEP_SECONDS : COARSE_STEP_SECONDS;
  const stepSeconds = STEPS.find((s) => s >= minStep && span / s <= MAX_POINTS) ?? STEPS[STEPS.length - 1]!;
  const to = Math.floor(nowSeconds / stepSeconds) * stepSeconds + stepSeconds;
  return { resolution, stepSeconds, from: to - Math.ceil(span / stepSeconds) * stepSeconds, to };
}

export const floorTo = (t: number, step: number) => Math.floor(t / step) * step;
