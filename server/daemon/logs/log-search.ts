// Search in one app's lines, newest first, in pages, with a work bound.
//
// Semantics: `text` is a substring, matched as SQLite's LIKE does (case-insensitive for ASCII
// letters, exact otherwise; % and _ in the text are literal). The same predicate decides every
// path, so the answer never depends on how far the indexer got:
// - the time range becomes a seq range through the app's zone map (spans), then each row's time is
//   checked;
// - rows above the indexer's watermark, and every row when there is neither a text of 3 characters
//   or more nor a filter, are scanned through the (app, seq) index (with LIKE for a short text);
// - indexed rows come from the trigram index: the AND of the app's tag, the filters' tags and the
//   text's trigrams (detail=none keeps the index ~2.6× smaller and builds it ~1.8× faster than
//   detail=full; it cannot match phrases) gives candidates, and the row confirms each one (app,
//   time, filters, LIKE on the line).
// Work bound: candidates are examined in windows; after `maxExamined` candidates, or once the page
// has taken `budgetMs`, the search stops with `bounded: true` and `nextBefore` where it stopped, so
// the caller can go on from there without a gap or a line twice.
import type { AppRow, LineRow, SqliteLogStore } from "./log-store";
import type { LogSearchPage, LogSearchQuery, LogStreamName } from "./log-store-types";

/** Candidates one page may examine (each is a row read: ≈ 4.6 µs at 10M lines). */
export const SEARCH_MAX_EXAMINED = 20_000;
/**
 * Time one page may take, checked between steps (of ≤ 5,000 candidates each). Not seq windows for
 * the trigram index: each call opens every trigram's posting lists again, and asking it window by
 * window made rare words 4× slower at 10M lines (p50 9 → 39 ms).
 */
export const SEARCH_BUDGET_MS = 120;
const WINDOW = 5_000;
/** More trigrams narrow the candidates less and less, while each costs a posting list read. */
const MAX_TRIGRAMS = 8;

export interface SearchOptions {
  maxExamined?: number;
  budgetMs?: number;
}

interface Segment {
  /** "fts": candidates from the trigram index; "scan": every app row in the range */
  kind: "fts" | "scan";
  /** seq range [low, high) */
  low: number;
  high: number;
}

const EMPTY: LogSearchPage = { lines: [], nextBefore: null, bounded: false };

export function searchLogs(store: SqliteLogStore, query: LogSearchQuery, options: SearchOptions = {}): LogSearchPage {
  const started = performance.now();
  const maxExamined = options.maxExamined ?? SEARCH_MAX_EXAMINED;
  const budgetMs = options.budgetMs ?? SEARCH_BUDGET_MS;
  const app = store.findApp(query.appId);
  if (!app || query.limit <= 0 || query.to < query.from) return EMPTY;
  const range = store
    .prepared("SELECT min(first_seq), max(last_seq) FROM spans WHERE app = ? AND max_time >= ? AND min_time <= ?")
    .raw()
    .get(app.key, query.from, query.to) as [number | null, number | null];
  if (range[0] === null || range[1] === null) return EMPTY;
  let low = range[0];
  let high = Math.min(range[1] + 1, query.before ?? Number.MAX_SAFE_INTEGER);
  const sources = sourceFilter(store, app, query);
  if (sources) {
    if (sources.keys.length === 0 || sources.firstSeq === null || sources.lastSeq === null) return EMPTY;
    low = Math.max(low, sources.firstSeq);
    high = Math.min(high, sources.lastSeq + 1);
  }
  if (high <= low) return EMPTY;
  const text = query.text ?? "";
  const trigrams = ftsTrigrams(text);
  const pattern = text === "" ? null : `%${escapeLike(text)}%`;
  // The trigram index serves when it narrows the candidates below "every line of the app": a text
  // of 3 characters or more, or a filter. Its MATCH: the app's and the filters' tags, and the
  // text's trigrams.
  const match = trigrams || sources ? [...queryTags(app, query).map(ftsString), ...(trigrams ? [trigrams] : [])].join(" AND ") : null;

  const segments: Segment[] = [];
  if (match) {
    const watermark = store.meta("indexed_seq");
    if (high > watermark + 1) segments.push({ kind: "scan", low: Math.max(low, watermark + 1), high });
    if (low <= watermark) segments.push({ kind: "fts", low, high: Math.min(high, watermark + 1) });
  } else {
    segments.push({ kind: "scan", low, high });
  }

  const sql = statements(store, sources !== null, pattern !== null);
  const found: LineRow[] = [];
  const need = query.limit + 1;
  let examined = 0;
  let steps = 0;
  for (const segment of segments) {
    let upper = segment.high;
    while (upper > segment.low) {
      // At least one step per page, so that paging always moves on.
      if (examined >= maxExamined || (steps > 0 && performance.now() - started > budgetMs)) {
        return page(store, app, found, query.limit, upper, true);
      }
      steps++;
      const k = Math.min(WINDOW, maxExamined - examined);
      const filters = [query.from, query.to, ...(sources ? [JSON.stringify(sources.keys)] : []), ...(pattern !== null ? [pattern] : [])];
      if (segment.kind === "fts") {
        // One pass: the trigram index yields at most k candidates, newest first, and stops as soon
        // as the page is full; slipway_candidate() notes how many it yielded and the last one
        // (finding the k-th candidate first, as the scan does, cost up to 15 µs per candidate).
        candidates.count = 0;
        const rows = sql.ftsFetch.all(match, upper, segment.low, k, app.key, ...filters, need - found.length) as LineRow[];
        for (const row of rows) found.push(row);
        if (found.length >= need) return page(store, app, found, query.limit, null, false);
        if (candidates.count < k) break;
        examined += k;
        upper = candidates.last;
        continue;
      }
      const boundary = sql.scanBoundary.get(app.key, upper, segment.low, k - 1) as number | undefined;
      const windowLow = boundary ?? segment.low;
      const rows = sql.scanFetch.all(app.key, upper, windowLow, ...filters, need - found.length) as LineRow[];
      for (const row of rows) found.push(row);
      if (found.length >= need) return page(store, app, found, query.limit, null, false);
      examined += boundary === undefined ? 0 : k;
      upper = windowLow;
    }
  }
  return page(store, app, found, query.limit, null, false);
}

function page(store: SqliteLogStore, app: AppRow, found: LineRow[], limit: number, stoppedAt: number | null, bounded: boolean): LogSearchPage {
  if (found.length > limit) {
    const lines = found.slice(0, limit);
    return { lines: store.toStored(app, lines), nextBefore: lines[limit - 1]![0], bounded: false };
  }
  return { lines: store.toStored(app, found), nextBefore: stoppedAt, bounded };
}

/** The app's sources that pass the release/replica/stream filters, and their seq range; null when none is given. */
function sourceFilter(store: SqliteLogStore, app: AppRow, query: LogSearchQuery): { keys: number[]; firstSeq: number | null; lastSeq: number | null } | null {
  if (query.releaseId === undefined && query.replica === undefined && query.stream === undefined) return null;
  const streamCode = query.stream === undefined ? null : query.stream === "stdout" ? 0 : 1;
  const rows = store
    .prepared(
      "SELECT key, first_seq, last_seq FROM sources WHERE app = @app AND (@release IS NULL OR release_id = @release) AND (@replica IS NULL OR replica = @replica) AND (@stream IS NULL OR stream = @stream)",
    )
    .raw()
    .all({ app: app.key, release: query.releaseId ?? null, replica: query.replica ?? null, stream: streamCode }) as [number, number | null, number | null][];
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  for (const [, first, last] of rows) {
    if (first !== null && (firstSeq === null || first < firstSeq)) firstSeq = first;
    if (last !== null && (lastSeq === null || last > lastSeq)) lastSeq = last;
  }
  return { keys: rows.map((r) => r[0]), firstSeq, lastSeq };
}

/**
 * A one-trigram tag: 30 bits of the value's FNV-1a hash as three characters of the Private Use
 * Area (U+E000 + 10 bits each). A collision (or a log line holding the same characters) only adds
 * a candidate: every candidate is checked against its row.
 */
export function tag(value: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h >>>= 2;
  return String.fromCharCode(0xe000 + ((h >>> 20) & 1023), 0xe000 + ((h >>> 10) & 1023), 0xe000 + (h & 1023));
}

export interface SourceTags {
  app: string;
  stream: string;
  release: string;
  replica: string;
}

/** The tags a source's lines carry in the trigram index (one per filter a search can name). */
export function sourceTags(appKey: number, releaseId: string | null, replica: string, stream: LogStreamName): SourceTags {
  return {
    app: tag(`app:${appKey}`),
    stream: tag(`stream:${appKey}:${stream}`),
    release: tag(`release:${appKey}:${releaseId ?? ""}`),
    replica: tag(`replica:${appKey}:${replica}`),
  };
}

/** The tags a search ANDs into its MATCH: its app's, and one per filter it names. */
function queryTags(app: AppRow, query: LogSearchQuery): string[] {
  const tags = [tag(`app:${app.key}`)];
  if (query.stream !== undefined) tags.push(tag(`stream:${app.key}:${query.stream}`));
  if (query.releaseId !== undefined) tags.push(tag(`release:${app.key}:${query.releaseId}`));
  if (query.replica !== undefined) tags.push(tag(`replica:${app.key}:${query.replica}`));
  return tags;
}

const ftsString = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** `%`, `_` and the escape character itself are literal in the user's text. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The FTS5 query for a text: trigrams that cover it without overlapping (at 0, 3, 6, … and the
 * last three characters), distinct, each an FTS5 string ("…", quotes doubled), ANDed; null when
 * the text has fewer than 3 characters (the trigram index cannot help). Not every overlapping
 * trigram: each one ANDed is one more posting list to walk, and LIKE confirms candidates anyway
 * (measured on "/api/v1/orders": 5 trigrams found 5,000 candidates in 46 ms, all 12 in 75 ms).
 */
export function ftsTrigrams(text: string): string | null {
  const chars = Array.from(text);
  if (chars.length < 3) return null;
  const all = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i += 3) all.add(chars.slice(i, i + 3).join(""));
  all.add(chars.slice(-3).join(""));
  let picked = [...all];
  if (picked.length > MAX_TRIGRAMS) {
    // Spread over the text (first and last kept) rather than only its start.
    const step = (picked.length - 1) / (MAX_TRIGRAMS - 1);
    picked = Array.from({ length: MAX_TRIGRAMS }, (_, i) => picked[Math.round(i * step)]!);
  }
  return picked.map(ftsString).join(" AND ");
}

/** What slipway_candidate() saw in the last FTS fetch (one connection, one thread: one at a time). */
const candidates = { count: 0, last: 0 };
const withCandidateFunction = new WeakSet<object>();

function statements(store: SqliteLogStore, bySource: boolean, byText: boolean) {
  if (!withCandidateFunction.has(store.db)) {
    store.db.function("slipway_candidate", { deterministic: false, directOnly: true }, (seq: unknown) => {
      candidates.count++;
      candidates.last = Number(seq);
      return 1;
    });
    withCandidateFunction.add(store.db);
  }
  const filters = [
    "l.time >= ? AND l.time <= ?",
    ...(bySource ? ["l.src IN (SELECT value FROM json_each(?))"] : []),
    ...(byText ? ["l.line LIKE ? ESCAPE '\\'"] : []),
  ].join(" AND ");
  return {
    scanBoundary: store.prepared("SELECT seq FROM lines WHERE app = ? AND seq < ? AND seq >= ? ORDER BY seq DESC LIMIT 1 OFFSET ?").pluck(),
    scanFetch: store
      .prepared(`SELECT l.seq, l.src, l.time, l.line FROM lines l WHERE l.app = ? AND l.seq < ? AND l.seq >= ? AND ${filters} ORDER BY l.seq DESC LIMIT ?`)
      .raw(),
    // The candidates: a co-routine (its LIMIT keeps it from being flattened into the join) that
    // the outer LIMIT stops pulling from once the page is full. CROSS JOIN: the trigram index
    // drives, each line is then read by seq.
    ftsFetch: store
      .prepared(
        `SELECT l.seq, l.src, l.time, l.line FROM (SELECT rowid AS seq FROM lines_fts WHERE lines_fts MATCH ? AND rowid < ? AND rowid >= ? AND slipway_candidate(rowid) ORDER BY rowid DESC LIMIT ?) f CROSS JOIN lines l ON l.seq = f.seq WHERE l.app = ? AND ${filters} ORDER BY f.seq DESC LIMIT ?`,
      )
      .raw(),
  };
}
