// Charts from the metrics file: the rows of a range (fine or coarse tier, metric-steps.ts) merged
// into buckets of the chosen step. An app's CPU, memory and network add up over its replicas
// (each replica's average over the bucket); requests, status classes and restarts are summed;
// latency percentiles come from the merged histograms.
import type { AppMetricPoint, AppMetricsDto, MetricRange, ReplicaMetricSeries, TeamUsageHistoryDto, TeamUsagePoint } from "../../metrics/schemas";
import { emptyHistogram, LATENCY_BUCKETS, percentile } from "./latency-histogram";
import type { MetricsDb } from "./metrics-database";
import { HIST_COLUMNS, TIER_COARSE, TIER_FINE } from "./metrics-database";
import { planRange } from "./metric-steps";

interface ContainerRow {
  ts: number;
  container: string;
  replica: string;
  n: number;
  cpu_sum: number;
  mem_sum: number;
  rx_sum: number;
  tx_sum: number;
}

type AppRow = { ts: number; restarts: number; requests: number; s2xx: number; s3xx: number; s4xx: number; s5xx: number } & Record<string, number>;

interface Acc {
  n: number;
  cpu: number;
  mem: number;
  rx: number;
  tx: number;
}

const iso = (s: number) => new Date(s * 1000).toISOString();
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

export function appMetrics(db: MetricsDb, appId: string, range: MetricRange, nowSeconds: number, sources: AppMetricsDto["sources"]): AppMetricsDto {
  const plan = planRange(range, nowSeconds);
  const tier = plan.resolution === "fine" ? TIER_FINE : TIER_COARSE;
  const step = plan.stepSeconds;
  const count = (plan.to - plan.from) / step;
  const idx = (ts: number) => Math.floor((ts - plan.from) / step);

  const containerRows = db
    .prepare("SELECT ts, container, replica, n, cpu_sum, mem_sum, rx_sum, tx_sum FROM container_samples WHERE tier = ? AND app_id = ? AND ts >= ? AND ts < ? ORDER BY ts")
    .all(tier, appId, plan.from, plan.to) as ContainerRow[];
  const appRows = db
    .prepare(`SELECT ts, restarts, requests, s2xx, s3xx, s4xx, s5xx, ${HIST_COLUMNS.join(", ")} FROM app_samples WHERE tier = ? AND app_id = ? AND ts >= ? AND ts < ?`)
    .all(tier, appId, plan.from, plan.to) as AppRow[];

  // Per bucket, per container: its samples' sums (averaged below).
  const perBucket: Map<string, Acc>[] = Array.from({ length: count }, () => new Map());
  const replicaName = new Map<string, string>();
  for (const r of containerRows) {
    const i = idx(r.ts);
    if (i < 0 || i >= count) continue;
    replicaName.set(r.container, r.replica);
    const acc = perBucket[i]!.get(r.container) ?? { n: 0, cpu: 0, mem: 0, rx: 0, tx: 0 };
    acc.n += r.n;
    acc.cpu += r.cpu_sum;
    acc.mem += r.mem_sum;
    acc.rx += r.rx_sum;
    acc.tx += r.tx_sum;
    perBucket[i]!.set(r.container, acc);
  }
  const http = Array.from({ length: count }, () => ({ seen: false, restarts: 0, requests: 0, s2xx: 0, s3xx: 0, s4xx: 0, s5xx: 0, hist: emptyHistogram() }));
  for (const r of appRows) {
    const i = idx(r.ts);
    if (i < 0 || i >= count) continue;
    const h = http[i]!;
    h.seen = true;
    h.restarts += r.restarts;
    h.requests += r.requests;
    h.s2xx += r.s2xx;
    h.s3xx += r.s3xx;
    h.s4xx += r.s4xx;
    h.s5xx += r.s5xx;
    for (let b = 0; b < LATENCY_BUCKETS; b++) h.hist[b]! += r[`h${b}`] ?? 0;
  }

  const points: AppMetricPoint[] = [];
  for (let i = 0; i < count; i++) {
    const containers = [...perBucket[i]!.values()];
    const sampled = containers.length > 0;
    const sum = (f: (a: Acc) => number) => (sampled ? containers.reduce((t, a) => t + f(a) / a.n, 0) : null);
    const h = http[i]!;
    // A bucket with container samples but no request row saw no request: 0, not unknown.
    const known = sampled || h.seen;
    const cpu = sum((a) => a.cpu);
    const mem = sum((a) => a.mem);
    const rx = sum((a) => a.rx);
    const tx = sum((a) => a.tx);
    const p = (q: number) => (h.requests ? round(percentile(h.hist, q) ?? 0) : null);
    points.push({
      time: iso(plan.from + i * step),
      cpuPercent: cpu === null ? null : round(cpu),
      memoryBytes: mem === null ? null : Math.round(mem),
      netRxBytesPerSec: rx === null ? null : round(rx),
      netTxBytesPerSec: tx === null ? null : round(tx),
      restarts: known ? h.restarts : null,
      requestsPerSec: known ? round(h.requests / step, 3) : null,
      status2xx: known ? h.s2xx : null,
      status3xx: known ? h.s3xx : null,
      status4xx: known ? h.s4xx : null,
      status5xx: known ? h.s5xx : null,
      latencyP50Ms: p(0.5),
      latencyP95Ms: p(0.95),
      latencyP99Ms: p(0.99),
    });
  }

  const replicas: ReplicaMetricSeries[] = [...replicaName.entries()]
    .sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([container, replica]) => ({
      replica,
      points: perBucket.map((m, i) => {
        const a = m.get(container);
        return { time: iso(plan.from + i * step), cpuPercent: a ? round(a.cpu / a.n) : null, memoryBytes: a ? Math.round(a.mem / a.n) : null };
      }),
    }));
  return { range, stepSeconds: step, resolution: plan.resolution, points, replicas, sources };
}

interface TeamRow {
  ts: number;
  n: number;
  cpu_sum: number;
  mem_sum: number;
  storage_sum: number;
  apps_sum: number;
  log_n: number;
  log_sum: number;
}

/** A team's usage over the range; buckets without a sample are left out (usage is never unknown-as-zero). */
export function teamUsageHistory(db: MetricsDb, teamId: string, range: MetricRange, nowSeconds: number, quota: TeamUsageHistoryDto["quota"]): TeamUsageHistoryDto {
  const plan = planRange(range, nowSeconds);
  const tier = plan.resolution === "fine" ? TIER_FINE : TIER_COARSE;
  const step = plan.stepSeconds;
  const rows = db
    .prepare("SELECT ts, n, cpu_sum, mem_sum, storage_sum, apps_sum, log_n, log_sum FROM team_samples WHERE tier = ? AND team_id = ? AND ts >= ? AND ts < ? ORDER BY ts")
    .all(tier, teamId, plan.from, plan.to) as TeamRow[];
  const buckets = new Map<number, TeamRow>();
  for (const r of rows) {
    const b = plan.from + Math.floor((r.ts - plan.from) / step) * step;
    const acc = buckets.get(b) ?? { ts: b, n: 0, cpu_sum: 0, mem_sum: 0, storage_sum: 0, apps_sum: 0, log_n: 0, log_sum: 0 };
    acc.n += r.n;
    acc.cpu_sum += r.cpu_sum;
    acc.mem_sum += r.mem_sum;
    acc.storage_sum += r.storage_sum;
    acc.apps_sum += r.apps_sum;
    acc.log_n += r.log_n;
    acc.log_sum += r.log_sum;
    buckets.set(b, acc);
  }
  const points: TeamUsagePoint[] = [...buckets.values()]
    .sort((a, b) => a.ts - b.ts)
    .map((b) => ({
      time: iso(b.ts),
      cpuMillicores: Math.round(b.cpu_sum / b.n),
      memoryMib: Math.round(b.mem_sum / b.n),
      storageGib: round(b.storage_sum / b.n),
      apps: round(b.apps_sum / b.n),
      logBytes: b.log_n ? Math.round(b.log_sum / b.log_n) : null,
    }));
  return { range, stepSeconds: step, quota, points };
}
