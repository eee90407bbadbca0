// The ranges the metric charts offer, shared by the zod schema (schemas.ts) and the range selector.
// Import-free so client components can take them without pulling zod in (see server/teams/constants.ts).

/** Ranges the charts offer; up to a day is served from fine samples, beyond from coarse ones. */
export const metricRanges = ["1h", "6h", "24h", "7d", "30d"] as const;
export type MetricRange = (typeof metricRanges)[number];
