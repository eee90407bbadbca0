// The log store's SQLite file (<dataDir>/logs/logs.db): its schema, versioned with
// PRAGMA user_version. It is slipwayd's own file, apart from the main database (which may be
// PostgreSQL), so that log volume never loads the tenants' database.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import path from "node:path";

export type LogDatabase = Database.Database;

/** `<dataDir>/logs/logs.db`; creates the directory. */
export function logStorePath(dataDir: string): string {
  const dir = path.join(dataDir, "logs");
  mkdirSync(dir, { recursive: true });
  return path.join(dir, "logs.db");
}

/**
 * Per line, besides its text's UTF-8 bytes, what a team's size cap counts: the row's fixed columns
 * and its share of the two indexes (≈ 8-byte keys each) and of the trigram index is more, but a
 * fixed, documented figure keeps the cap predictable for the team admin. 64 bytes per line.
 */
export const LOG_ROW_OVERHEAD_BYTES = 64;

/*
 * Schema, version 1.
 * - apps: one small integer key per app (rows carry it instead of the app's id string), with its team.
 * - sources: (app, release, replica, stream) → a small integer key, so a line row is just
 *   (seq, app, src, time, line); the release/replica/stream filters become `src IN (…)`, and the
 *   sources' first/last seq narrow a filtered search's seq range (an old release: a few days).
 * - lines: seq is the rowid, assigned by the store (never reused: see meta.last_seq), so that the
 *   indexer's watermark (meta.indexed_seq) stays valid after deletions at the newest end.
 *   One index: (app), which is (app, seq) since every index entry ends with the rowid. No (app,
 *   time) index: measured on 1M lines in batches of 2000, the table with (app) takes 280–290k
 *   lines/s, with (app) and (app, time) 180–210k/s (each index is a second B-tree to insert into).
 * - spans: a zone map per app instead (first/last seq, min/max time of a run of ≤ 4096 lines):
 *   a search turns its time range into a seq range, retention by age finds whole runs past the
 *   age, and a team's oldest line is the smallest min_time, all without scanning the lines. Kept
 *   exact: retention recomputes a span it cut into. Lines arriving out of time order (a replica's
 *   backlog read after a restart) only widen a span; they never fall outside it.
 * - lines_fts: contentless FTS5 trigram index (rowid = seq), fed behind the table by the indexer;
 *   contentless_delete=1 lets retention delete from it by rowid. Besides the line's trigrams, each
 *   row carries one-trigram tags of its app, app+stream, app+release and app+replica (log-search.ts,
 *   copied from its source row), so that a search's MATCH names its app and filters too: the
 *   candidates are that app's lines, not every app's (measured: a common word with a filter that
 *   matched nothing examined 50k other apps' candidates in 340 ms at 1M lines).
 * - team_usage: bytes and lines per team, kept exact in the same transactions as appends and deletes.
 * - cursors: where each source's collection stopped, saved with the lines it covers.
 */
const SCHEMA_V1 = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE apps (key INTEGER PRIMARY KEY, app_id TEXT NOT NULL UNIQUE, team_id TEXT NOT NULL);
CREATE INDEX apps_team ON apps (team_id);
CREATE TABLE sources (
  key INTEGER PRIMARY KEY,
  app INTEGER NOT NULL,
  release_id TEXT,
  replica TEXT NOT NULL,
  stream INTEGER NOT NULL,
  app_tag TEXT NOT NULL,
  stream_tag TEXT NOT NULL,
  release_tag TEXT NOT NULL,
  replica_tag TEXT NOT NULL,
  first_seq INTEGER,
  last_seq INTEGER
);
CREATE INDEX sources_app ON sources (app);
CREATE TABLE lines (
  seq INTEGER PRIMARY KEY,
  app INTEGER NOT NULL,
  src INTEGER NOT NULL,
  time INTEGER NOT NULL,
  line TEXT NOT NULL
);
CREATE INDEX lines_app_seq ON lines (app);
CREATE TABLE spans (
  app INTEGER NOT NULL,
  first_seq INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  min_time INTEGER NOT NULL,
  max_time INTEGER NOT NULL,
  lines INTEGER NOT NULL,
  PRIMARY KEY (app, first_seq)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE lines_fts USING fts5 (line, app_tag, stream_tag, release_tag, replica_tag, content='', contentless_delete=1, tokenize='trigram', detail='none');
CREATE TABLE team_usage (team_id TEXT PRIMARY KEY, bytes INTEGER NOT NULL, lines INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE cursors (
  source TEXT PRIMARY KEY,
  app_id TEXT NOT NULL,
  position TEXT NOT NULL,
  finished INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX cursors_open ON cursors (finished);
INSERT INTO meta (key, value) VALUES ('last_seq', 0), ('indexed_seq', 0);
`;

const MIGRATIONS: readonly string[] = [SCHEMA_V1];

export interface LogDatabaseOptions {
  /**
   * SQLite's page cache, MiB. slipwayd keeps 8: a burst of a million lines fills a larger one, and
   * its memory must stay within 50 MB of growth under it (bench/log-stream.ts); the indexes' newest
   * pages, what appends and the live tail touch, fit in that. The search bench gives it 64.
   */
  cacheMiB?: number;
}

export function openLogDatabase(file: string, options: LogDatabaseOptions = {}): LogDatabase {
  const db = new Database(file);
  try {
    // WAL: the writer (collection) never blocks readers (search, tail) and commits append to the
    // log; synchronous=NORMAL is WAL's usual pairing (never corrupt; a power cut may lose the last
    // commits, which the cursors saved with them make the collectors read again).
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 15000");
    db.pragma("temp_store = MEMORY");
    db.pragma(`cache_size = -${(options.cacheMiB ?? 8) * 1024}`);
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function migrate(db: LogDatabase): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(`The log store ${db.name} has schema version ${version}, newer than this slipwayd knows (${MIGRATIONS.length}).`);
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
