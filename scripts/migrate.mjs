// Applies the committed migrations to DATABASE_URL (default: the SQLite file in the data dir).
// SQLite goes through `prisma migrate deploy`. PostgreSQL cannot: Prisma 6.19's Wasm schema engine
// fails to read `name` columns through @prisma/adapter-pg (prisma/orm#27403), so for PostgreSQL the
// same migration.sql files are applied here, each once, in order, inside a transaction, under an
// advisory lock so that two starting processes cannot race.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

const dataDir = path.resolve(process.env.SLIPWAY_DATA_DIR ?? ".data");
const url = process.env.DATABASE_URL ?? `file:${path.join(dataDir, "slipway.db")}`;

if (!/^postgres(ql)?:\/\//.test(url)) {
  mkdirSync(path.dirname(url.replace(/^file:/, "")), { recursive: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, DATABASE_URL: url } });
  process.exit(0);
}

const dir = "prisma/postgres/migrations";
const names = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  await client.query("SELECT pg_advisory_lock(7215301)");
  await client.query(`CREATE TABLE IF NOT EXISTS "_slipway_migrations" (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const done = new Set((await client.query(`SELECT name FROM "_slipway_migrations"`)).rows.map((r) => r.name));
  let applied = 0;
  for (const name of names) {
    if (done.has(name)) continue;
    const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
    await client.query("BEGIN");
    try {
      await client.query(sql);
      await client.query(`INSERT INTO "_slipway_migrations"(name) VALUES ($1)`, [name]);
      await client.query("COMMIT");
      applied++;
    } catch (e) {
      await client.query("ROLLBACK");
      throw new Error(`Migration ${name} failed and was rolled back: ${e.message}`);
    }
  }
  console.log(applied ? `Applied ${applied} migration(s) to PostgreSQL.` : "PostgreSQL schema is up to date.");
} finally {
  await client.query("SELECT pg_advisory_unlock(7215301)").catch(() => {});
  await client.end();
}
