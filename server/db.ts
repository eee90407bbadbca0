// The Prisma client. Both generated clients share one set of models; which one runs follows
// DATABASE_URL (SQLite file by default, PostgreSQL for postgres:// URLs).
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapterFactory } from "@prisma/client/runtime/client";
import { mkdirSync } from "node:fs";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgres/client";
import { getEnv } from "./env";

export type Db = SqliteClient;
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { slipwayDb?: Db };

// SQLite in WAL mode: a commit appends to the log with one fsync at checkpoints instead of
// rewriting a rollback journal with several, and readers (the web) never block the writer
// (slipwayd) or the other way round. synchronous=NORMAL is WAL's usual pairing: never corrupts,
// may lose the last commits on power loss. Measured: the scale route's p50 halves (bench/scale-route.ts).
// busy_timeout: the web and slipwayd are two processes writing one file; on a loaded machine a
// writer waited past 5 s once (a test's insert timed out while slipwayd built and rolled out), so
// a writer waits up to 15 s for the other before giving up.
//
// Transactions begin IMMEDIATE. The adapter's plain BEGIN is deferred: a transaction that reads,
// then writes after the other process committed, cannot upgrade its stale snapshot and fails at
// once with SQLITE_BUSY_SNAPSHOT (busy_timeout does not apply; waiting cannot help). That was a
// platform admin's quota change answering 500 while slipwayd finished a build. IMMEDIATE takes the
// write lock up front, so the transaction waits its turn (busy_timeout) instead of failing.
class WalSqlite extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    await adapter.executeScript("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 15000;");
    beginTransactionsImmediately(adapter);
    return adapter;
  }
}

type Prepare = (sql: string) => unknown;

/** The adapter keeps its better-sqlite3 handle as `client` and starts every transaction with `prepare("BEGIN")`. */
function beginTransactionsImmediately(adapter: unknown): void {
  const client = (adapter as { client?: { prepare?: Prepare } }).client;
  if (typeof client?.prepare !== "function") {
    throw new Error("The SQLite adapter no longer exposes its client; update beginTransactionsImmediately in server/db.ts.");
  }
  const prepare = client.prepare.bind(client);
  client.prepare = (sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);
}

/**
 * The PostgreSQL adapter, loaded on the first connection: importing `pg` costs ≈ 100 ms of CPU at
 * start-up (it probes for Cloudflare Workers by constructing a fetch Response, which makes Node load
 * its whole fetch implementation), which slipwayd's restart time and every SQLite install would pay.
 */
class LazyPostgresAdapter implements SqlDriverAdapterFactory {
  readonly provider = "postgres";
  readonly adapterName = "@prisma/adapter-pg";
  constructor(private readonly connectionString: string) {}
  async connect() {
    const { PrismaPg } = await import("@prisma/adapter-pg");
    return new PrismaPg({ connectionString: this.connectionString }).connect();
  }
}

export function createDb(databaseUrl: string): Db {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    // Same models, different provider: the generated types are structurally identical.
    return new PostgresClient({ adapter: new LazyPostgresAdapter(databaseUrl) }) as unknown as Db;
  }
  const file = databaseUrl.replace(/^file:/, "");
  mkdirSync(file.replace(/\/[^/]*$/, "") || ".", { recursive: true });
  return new SqliteClient({ adapter: new WalSqlite({ url: databaseUrl }) });
}

/** The process-wide client (one per Next.js server or slipwayd). */
export function getDb(): Db {
  globalForDb.slipwayDb ??= createDb(getEnv().databaseUrl);
  return globalForDb.slipwayDb;
}

/** Tests point the process at another database between suites. */
export function setDbForTests(db: Db | undefined): void {
  globalForDb.slipwayDb = db;
}
