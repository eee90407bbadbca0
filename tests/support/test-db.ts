// Fresh, migrated databases for integration tests, on either provider, through the same migration
// script `npm start` runs (scripts/migrate.mjs):
//
//   const t = await createTestDatabase({ provider: "postgres" });
//   await t.db.team.create(…);
//   await t.drop();
//
// SQLite: the migrations are applied once per migration set into a template file under
// .test-cache/, and each test database is a copy of it (prisma migrate deploy takes seconds).
// PostgreSQL: CREATE DATABASE slipway_test_<random> on SLIPWAY_TEST_POSTGRES_URL, then migrate.
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb, type Db } from "@/server/db";
import { getTestPostgresUrl, withAdminClient, withDatabase } from "./postgres";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export type TestDbProvider = "sqlite" | "postgres";

export interface TestDatabase {
  provider: TestDbProvider;
  url: string;
  db: Db;
  /** Disconnects and deletes the database. Safe to call twice. */
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  provider: TestDbProvider;
}

export async function createTestDatabase(options: CreateTestDatabaseOptions): Promise<TestDatabase> {
  return options.provider === "postgres" ? createPostgres() : createSqlite();
}

/** Both providers, for `describe.each(TEST_DB_PROVIDERS)`. */
export const TEST_DB_PROVIDERS: TestDbProvider[] = ["sqlite", "postgres"];

function migrate(databaseUrl: string): void {
  try {
    execFileSync("node", [path.join(root, "scripts/migrate.mjs")], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: "pipe",
      timeout: 180_000,
    });
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(`migrate.mjs failed for ${databaseUrl}: ${err.message}\n${err.stdout ?? ""}${err.stderr ?? ""}`);
  }
}

function migrationsHash(dir: string): string {
  const hash = createHash("sha256");
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name, "migration.sql");
    if (!existsSync(file)) continue;
    hash.update(name).update(readFileSync(file));
  }
  return hash.digest("hex").slice(0, 16);
}

function sqliteTemplate(): string {
  const dir = path.join(root, ".test-cache");
  const template = path.join(dir, `sqlite-template-${migrationsHash(path.join(root, "prisma/migrations"))}.db`);
  if (existsSync(template)) return template;
  mkdirSync(dir, { recursive: true });
  // Migrate a private file, then rename: parallel workers never see a half-migrated template.
  const tmp = `${template}.${process.pid}.${randomBytes(4).toString("hex")}`;
  migrate(`file:${tmp}`);
  renameSync(tmp, template);
  return template;
}

/** Copies the migrated SQLite template to `file` and returns its URL (no migration run per test). */
export function copySqliteTemplate(file: string): string {
  copyFileSync(sqliteTemplate(), file);
  return `file:${file}`;
}

async function createSqlite(): Promise<TestDatabase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-test-db-"));
  const url = copySqliteTemplate(path.join(dir, "slipway.db"));
  const db = createDb(url);
  let dropped = false;
  return {
    provider: "sqlite",
    url,
    db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.$disconnect().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createPostgres(): Promise<TestDatabase> {
  const server = getTestPostgresUrl();
  const name = `slipway_test_${randomBytes(6).toString("hex")}`;
  await withAdminClient((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = withDatabase(server, name);
  try {
    migrate(url);
  } catch (e) {
    await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).catch(() => undefined);
    throw e;
  }
  const db = createDb(url);
  let dropped = false;
  return {
    provider: "postgres",
    url,
    db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.$disconnect().catch(() => undefined);
      await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
