// A team's retention: lines older than its age go first, then its oldest lines (by seq, the order
// they arrived in) while its bytes exceed its cap. Bytes are what the store counts per line: the
// text's UTF-8 length plus LOG_ROW_OVERHEAD_BYTES. Work comes in steps of at most `maxRows` lines,
// one transaction each (lines, trigram index, zone map and usage counters together), so the
// janitor can yield the event loop between steps and the counters stay exact.
import { LOG_ROW_OVERHEAD_BYTES } from "./log-database";
import type { AppRow, SqliteLogStore } from "./log-store";
import type { TeamLogRetention } from "./log-store-types";

export const RETENTION_STEP_ROWS = 5_000;
const DAY_MS = 86_400_000;

export interface RetentionResult {
  lines: number;
  bytes: number;
  /** nothing left to delete for these policies */
  done: boolean;
}

type SpanRow = [app: number, firstSeq: number, lastSeq: number];

export function applyRetentionStep(store: SqliteLogStore, policies: readonly TeamLogRetention[], now: number, maxRows = RETENTION_STEP_ROWS): RetentionResult {
  return store.db
    .transaction(() => {
      const result: RetentionResult = { lines: 0, bytes: 0, done: true };
      for (const policy of policies) {
        const budget = maxRows - result.lines;
        if (budget <= 0) return { ...result, done: false };
        const went = deletePastAge(store, policy, now, budget);
        result.lines += went.lines;
        result.bytes += went.bytes;
        const left = maxRows - result.lines;
        if (left <= 0) return { ...result, done: false };
        const over = deleteOverCap(store, policy, left);
        result.lines += over.lines;
        result.bytes += over.bytes;
        if (over.more) return { ...result, done: false };
      }
      return result;
    })
    .immediate();
}

/** Lines older than the team's age, span by span (oldest span first), at most `budget`. */
function deletePastAge(store: SqliteLogStore, policy: TeamLogRetention, now: number, budget: number): { lines: number; bytes: number } {
  const cutoff = now - policy.maxAgeDays * DAY_MS;
  const spans = store
    .prepared(
      "SELECT s.app, s.first_seq, s.last_seq FROM spans s JOIN apps a ON a.key = s.app WHERE a.team_id = ? AND s.min_time < ? ORDER BY s.first_seq",
    )
    .raw()
    .all(policy.teamId, cutoff) as SpanRow[];
  const total = { lines: 0, bytes: 0 };
  for (const [appKey, firstSeq, lastSeq] of spans) {
    const left = budget - total.lines;
    if (left <= 0) break;
    // The span's past-age lines in seq order, at most `left`: deleting seq ≤ the last of them
    // with the same predicate deletes exactly these.
    const upTo = store
      .prepared("SELECT max(seq) FROM (SELECT seq FROM lines WHERE app = ? AND seq >= ? AND seq <= ? AND time < ? ORDER BY seq LIMIT ?)")
      .pluck()
      .get(appKey, firstSeq, lastSeq, cutoff, left) as number | null;
    if (upTo !== null) add(total, deleteLines(store, appKey, firstSeq, upTo, cutoff));
    else fixSpans(store, appKey, firstSeq, lastSeq);
  }
  return total;
}

/** The team's oldest lines while its bytes exceed its cap, at most `budget`. */
function deleteOverCap(store: SqliteLogStore, policy: TeamLogRetention, budget: number): { lines: number; bytes: number; more: boolean } {
  const total = { lines: 0, bytes: 0 };
  const usage = store.prepared("SELECT bytes FROM team_usage WHERE team_id = ?").pluck().get(policy.teamId) as number | undefined;
  const excess = (usage ?? 0) - policy.maxBytes;
  if (excess <= 0) return { ...total, more: false };
  // Each app's oldest `budget` lines, merged by seq: the team's oldest `budget` lines are among them.
  const apps = store.prepared("SELECT key FROM apps WHERE team_id = ?").pluck().all(policy.teamId) as number[];
  const oldest: [seq: number, bytes: number][] = [];
  for (const appKey of apps) {
    const rows = store
      .prepared(`SELECT seq, length(CAST(line AS BLOB)) + ${LOG_ROW_OVERHEAD_BYTES} FROM lines WHERE app = ? ORDER BY seq LIMIT ?`)
      .raw()
      .all(appKey, budget) as [number, number][];
    for (const row of rows) oldest.push(row);
  }
  oldest.sort((a, b) => a[0] - b[0]);
  let freed = 0;
  let count = 0;
  let upTo = -1;
  for (const [seq, bytes] of oldest) {
    if (freed >= excess || count >= budget) break;
    freed += bytes;
    count++;
    upTo = seq;
  }
  if (upTo < 0) return { ...total, more: false };
  for (const appKey of apps) add(total, deleteLines(store, appKey, 0, upTo, Number.MAX_SAFE_INTEGER));
  return { ...total, more: freed < excess };
}

function add(total: { lines: number; bytes: number }, went: { lines: number; bytes: number }): void {
  total.lines += went.lines;
  total.bytes += went.bytes;
}

/** Deletes an app's lines with fromSeq ≤ seq ≤ toSeq and time < timeBefore, with their index entries; fixes spans and usage. */
function deleteLines(store: SqliteLogStore, appKey: number, fromSeq: number, toSeq: number, timeBefore: number): { lines: number; bytes: number } {
  const where = "app = ? AND seq >= ? AND seq <= ? AND time < ?";
  const args = [appKey, fromSeq, toSeq, timeBefore];
  const [lines, textBytes] = store
    .prepared(`SELECT count(*), coalesce(sum(length(CAST(line AS BLOB))), 0) FROM lines WHERE ${where}`)
    .raw()
    .get(...args) as [number, number];
  if (lines === 0) return { lines: 0, bytes: 0 };
  store
    .prepared(`DELETE FROM lines_fts WHERE rowid IN (SELECT seq FROM lines WHERE ${where} AND seq <= (SELECT value FROM meta WHERE key = 'indexed_seq'))`)
    .run(...args);
  store.prepared(`DELETE FROM lines WHERE ${where}`).run(...args);
  fixSpans(store, appKey, fromSeq, toSeq);
  const bytes = textBytes + lines * LOG_ROW_OVERHEAD_BYTES;
  const app = store.appByKey(appKey) as AppRow;
  store.prepared("UPDATE team_usage SET bytes = bytes - ?, lines = lines - ? WHERE team_id = ?").run(bytes, lines, app.teamId);
  return { lines, bytes };
}

/** Recomputes the app's spans that overlap [fromSeq, toSeq] from the lines left in them (≤ 4096 each). */
function fixSpans(store: SqliteLogStore, appKey: number, fromSeq: number, toSeq: number): void {
  const spans = store
    .prepared("SELECT first_seq, last_seq FROM spans WHERE app = ? AND first_seq <= ? AND last_seq >= ?")
    .raw()
    .all(appKey, toSeq, fromSeq) as [number, number][];
  for (const [firstSeq, lastSeq] of spans) {
    const [minSeq, maxSeq, minTime, maxTime, count] = store
      .prepared("SELECT min(seq), max(seq), min(time), max(time), count(*) FROM lines WHERE app = ? AND seq >= ? AND seq <= ?")
      .raw()
      .get(appKey, firstSeq, lastSeq) as [number | null, number | null, number | null, number | null, number];
    store.prepared("DELETE FROM spans WHERE app = ? AND first_seq = ?").run(appKey, firstSeq);
    if (count > 0) {
      store
        .prepared("INSERT INTO spans (app, first_seq, last_seq, min_time, max_time, lines) VALUES (?, ?, ?, ?, ?, ?)")
        .run(appKey, minSeq, maxSeq, minTime, maxTime, count);
    }
  }
}
