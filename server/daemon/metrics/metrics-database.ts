// slipwayd's metrics file, <dataDir>/metrics/metrics.db: separate from the main database (which
// may be PostgreSQL) so that a sample every few seconds per container never loads the tenants'
// database. One table per kind of sample; `tier` 0 holds the fine samples, 1 the coarse rollups,
// with the same columns (sums and a sample count), so a rollup is one INSERT … SELECT … GROUP BY
// and a chart reads either tier with the same query.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { LATENCY_BUCKETS } from "./latency-histogram";

export type MetricsDb = Database.Database;

export const TIER_FINE = 0;
export const TIER_COARSE = 1;

/** h0 … h24: request counts per latency bucket (latency-histogram.ts). */
export const HIST_COLUMNS = Array.from({ length: LATENCY_BUCKETS }, (_, i) => `h${i}`);

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS container_samples (
  tier INTEGER NOT NULL, ts INTEGER NOT NULL, app_id TEXT NOT NULL, container TEXT NOT NULL, replica TEXT NOT NULL,
  n INTEGER NOT NULL, cpu_sum REAL NOT NULL, mem_sum REAL NOT NULL, rx_sum REAL NOT NULL, tx_sum REAL NOT NULL,
  PRIMARY KEY (tier, app_id, ts, container)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS app_samples (
  tier INTEGER NOT NULL, ts INTEGER NOT NULL, app_id TEXT NOT NULL,
  restarts INTEGER NOT NULL DEFAULT 0, requests INTEGER NOT NULL DEFAULT 0,
  s2xx INTEGER NOT NULL DEFAULT 0, s3xx INTEGER NOT NULL DEFAULT 0, s4xx INTEGER NOT NULL DEFAULT 0, s5xx INTEGER NOT NULL DEFAULT 0,
  ${HIST_COLUMNS.map((c) => `${c} INTEGER NOT NULL DEFAULT 0`).join(", ")},
  PRIMARY KEY (tier, app_id, ts)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS team_samples (
  tier INTEGER NOT NULL, ts INTEGER NOT NULL, team_id TEXT NOT NULL,
  n INTEGER NOT NULL, cpu_sum REAL NOT NULL, mem_sum REAL NOT NULL, storage_sum REAL NOT NULL, apps_sum REAL NOT NULL,
  log_n INTEGER NOT NULL, log_sum REAL NOT NULL,
  PRIMARY KEY (tier, team_id, ts)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS access_log_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), ino INTEGER NOT NULL, offset INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rollup_state (id INTEGER PRIMARY KEY CHECK (id = 1), folded_until INTEGER NOT NULL);
`;

export function metricsDbPath(dataDir: string): string {
  return path.join(dataDir, "metrics", "metrics.db");
}

export function openMetricsDb(file: string): MetricsDb {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  // A sample lost to a power cut is harmless; an fsync per write is not.
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION) throw new Error(`metrics database ${file} is from a newer slipwayd (schema ${version} > ${SCHEMA_VERSION})`);
  db.exec(SCHEMA);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  return db;
}
