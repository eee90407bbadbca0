// DTOs of the metrics the app page and the team page chart. Client code imports the types with
// `import type`; the ranges are in constants.ts (no zod in client bundles).
import { z } from "zod";
import { metricRanges, type MetricRange } from "./constants";

export { metricRanges, type MetricRange } from "./constants";
export const metricRangeQuery = z.object({ range: z.enum(metricRanges).default("1h") });

/** One time bucket of an app (all replicas together); null = no sample in that bucket. */
export interface AppMetricPoint {
  time: string;
  /** percent of one core */
  cpuPercent: number | null;
  memoryBytes: number | null;
  netRxBytesPerSec: number | null;
  netTxBytesPerSec: number | null;
  /** container restarts (crashes and replacements) in the bucket */
  restarts: number | null;
  requestsPerSec: number | null;
  status2xx: number | null;
  status3xx: number | null;
  status4xx: number | null;
  status5xx: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
}

export interface ReplicaMetricSeries {
  replica: string;
  points: { time: string; cpuPercent: number | null; memoryBytes: number | null }[];
}

export interface AppMetricsDto {
  range: MetricRange;
  stepSeconds: number;
  resolution: "fine" | "coarse";
  points: AppMetricPoint[];
  replicas: ReplicaMetricSeries[];
  /** where the figures come from, and what this runtime cannot show (said, not hidden) */
  sources: { containers: "engine" | "cluster" | "none"; http: "ingress" | "none"; note: string | null };
}

export interface TeamUsagePoint {
  time: string;
  cpuMillicores: number;
  memoryMib: number;
  storageGib: number;
  apps: number;
  logBytes: number | null;
}

export interface TeamUsageHistoryDto {
  range: MetricRange;
  stepSeconds: number;
  quota: { cpuMillicores: number; memoryMib: number; storageGib: number; maxApps: number; logMib: number };
  points: TeamUsagePoint[];
}
