// Downsampling: folds the fine samples of each finished 5-minute interval into one coarse row
// (sums and sample counts add, so totals and averages survive), then deletes what is past each
// tier's retention. A watermark (rollup_state.folded_until) says which fine rows are folded
// already, so a run that is repeated or interrupted never folds a row twice: the fold and the
// watermark commit in one transaction.
import type { MetricsDb } from "./metrics-database";
import { HIST_COLUMNS, TIER_COARSE, TIER_FINE } from "./metrics-database";
import { COARSE_RETENTION_SECONDS, COARSE_STEP_SECONDS, FINE_RETENTION_SECONDS, floorTo } from "./metric-steps";

/** An interval is folded this long after it ended: access-log lines of it may still be on their way. */
export const ROLLUP_LAG_SECONDS = 30;

const C = COARSE_STEP_SECONDS;
const bucket = `((ts / ${C}) * ${C})`;
const appCounts = ["restarts", "requests", "s2xx", "s3xx", "s4xx", "s5xx", ...HIST_COLUMNS];

export interface RollupResult {
  foldedFrom: number;
  foldedUntil: number;
  deletedFine: number;
  deletedCoarse: number;
}

export function runRollup(db: MetricsDb, nowSeconds: number): RollupResult {
  return db.transaction((): RollupResult => {
    const state = db.prepare("SELECT folded_until AS w FROM rollup_state WHERE id = 1").get() as { w: number } | undefined;
    // First run: start from the oldest fine sample there is.
    const oldest = db.prepare(`SELECT MIN(ts) AS t FROM (SELECT MIN(ts) AS ts FROM container_samples WHERE tier = 0 UNION ALL SELECT MIN(ts) FROM app_samples WHERE tier = 0 UNION ALL SELECT MIN(ts) FROM team_samples WHERE tier = 0)`).get() as { t: number | null };
    const until = floorTo(nowSeconds - ROLLUP_LAG_SECONDS, C);
    const from = state?.w ?? floorTo(oldest.t ?? until, C);
    if (until > from) {
      const range = { from, until };
      db.prepare(
        `INSERT INTO container_samples (tier, ts, app_id, container, replica, n, cpu_sum, mem_sum, rx_sum, tx_sum)
         SELECT ${TIER_COARSE}, ${bucket}, app_id, container, MAX(replica), SUM(n), SUM(cpu_sum), SUM(mem_sum), SUM(rx_sum), SUM(tx_sum)
         FROM container_samples WHERE tier = ${TIER_FINE} AND ts >= @from AND ts < @until GROUP BY ${bucket}, app_id, container
         ON CONFLICT (tier, app_id, ts, container) DO UPDATE SET n = n + excluded.n, cpu_sum = cpu_sum + excluded.cpu_sum,
           mem_sum = mem_sum + excluded.mem_sum, rx_sum = rx_sum + excluded.rx_sum, tx_sum = tx_sum + excluded.tx_sum`,
      ).run(range);
      db.prepare(
        `INSERT INTO app_samples (tier, ts, app_id, ${appCounts.join(", ")})
         SELECT ${TIER_COARSE}, ${bucket}, app_id, ${appCounts.map((c) => `SUM(${c})`).join(", ")}
         FROM app_samples WHERE tier = ${TIER_FINE} AND ts >= @from AND ts < @until GROUP BY ${bucket}, app_id
         ON CONFLICT (tier, app_id, ts) DO UPDATE SET ${appCounts.map((c) => `${c} = ${c} + excluded.${c}`).join(", ")}`,
      ).run(range);
      db.prepare(
        `INSERT INTO team_samples (tier, ts, team_id, n, cpu_sum, mem_sum, storage_sum, apps_sum, log_n, log_sum)
         SELECT ${TIER_COARSE}, ${bucket}, team_id, SUM(n), SUM(cpu_sum), SUM(mem_sum), SUM(storage_sum), SUM(apps_sum), SUM(log_n), SUM(log_sum)
         FROM team_samples WHERE tier = ${TIER_FINE} AND ts >= @from AND ts < @until GROUP BY ${bucket}, team_id
         ON CONFLICT (tier, team_id, ts) DO UPDATE SET n = n + excluded.n, cpu_sum = cpu_sum + excluded.cpu_sum, mem_sum = mem_sum + excluded.mem_sum,
           storage_sum = storage_sum + excluded.storage_sum, apps_sum = apps_sum + excluded.apps_sum, log_n = log_n + excluded.log_n, log_sum = log_sum + excluded.log_sum`,
      ).run(range);
      db.prepare("INSERT INTO rollup_state (id, folded_until) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET folded_until = excluded.folded_until").run(until);
    }
    const watermark = Math.max(from, until);
    // Fine rows go once past their retention AND folded (never lose what the coarse tier lacks).
    const fineCut = Math.min(nowSeconds - FINE_RETENTION_SECONDS, watermark);
    const coarseCut = nowSeconds - COARSE_RETENTION_SECONDS;
    let deletedFine = 0;
    let deletedCoarse = 0;
    for (const table of ["container_samples", "app_samples", "team_samples"]) {
      deletedFine += db.prepare(`DELETE FROM ${table} WHERE tier = ${TIER_FINE} AND ts < ?`).run(fineCut).changes;
      deletedCoarse += db.prepare(`DELETE FROM ${table} WHERE tier = ${TIER_COARSE} AND ts < ?`).run(coarseCut).changes;
    }
    return { foldedFrom: from, foldedUntil: watermark, deletedFine, deletedCoarse };
  })();
}
