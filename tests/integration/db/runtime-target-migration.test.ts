// The migration that turned the "cluster:<name>" runtime-target string into a relation to the
// cluster keeps where every project runs: applied to a database made by the migrations before it,
// on both providers, with projects on a cluster, on the embedded runtime, and on a cluster that no
// longer exists (which can only become the embedded runtime).
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { withAdminClient, withDatabase, getTestPostgresUrl } from "../../support/postgres";

const MIGRATION = "project_cluster_relation";

function migrationsUpTo(dir: string): { before: string[]; it: string } {
  const names = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const at = names.findIndex((n) => n.endsWith(`_${MIGRATION}`));
  if (at < 0) throw new Error(`no ${MIGRATION} migration in ${dir}`);
  const sql = (n: string) => readFileSync(path.join(dir, n, "migration.sql"), "utf8");
  return { before: names.slice(0, at).map(sql), it: sql(names[at]!) };
}

const ROWS = {
  team: `INSERT INTO "Team" ("id", "slug", "name") VALUES ('t1', 'acme', 'Acme')`,
  cluster: `INSERT INTO "Cluster" ("id", "name", "kubeconfigEncrypted", "server", "updatedAt") VALUES ('c1', 'prod', '', 'https://127.0.0.1:9', CURRENT_TIMESTAMP)`,
  projects: `INSERT INTO "Project" ("id", "teamId", "slug", "name", "runtimeTarget") VALUES
    ('p1', 't1', 'shop', 'shop', 'cluster:prod'), ('p2', 't1', 'blog', 'blog', 'embedded'), ('p3', 't1', 'old', 'old', 'cluster:gone')`,
  app: `INSERT INTO "App" ("id", "teamId", "projectId", "slug", "gitUrl", "runtimeTarget", "updatedAt") VALUES ('a1', 't1', 'p1', 'web', 'https://git.example.test/w.git', 'cluster:prod', CURRENT_TIMESTAMP)`,
};
const AFTER = `SELECT p."slug", p."clusterId" FROM "Project" p ORDER BY p."slug"`;
const EXPECTED = [
  { slug: "blog", clusterId: null },
  { slug: "old", clusterId: null },
  { slug: "shop", clusterId: "c1" },
];

describe("the runtime-target migration", () => {
  it("keeps where each project runs on SQLite", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-migration-"));
    const db = new Database(path.join(dir, "m.db"));
    try {
      const { before, it: migration } = migrationsUpTo("prisma/migrations");
      for (const sql of before) db.exec(sql);
      for (const sql of Object.values(ROWS)) db.exec(sql);
      db.exec(migration);
      expect(db.prepare(AFTER).all()).toEqual(EXPECTED);
      // The app is still there, and runs where its project does.
      expect(db.prepare(`SELECT "id", "projectId" FROM "App"`).all()).toEqual([{ id: "a1", projectId: "p1" }]);
      // A cluster in use cannot be deleted under its projects.
      db.exec("PRAGMA foreign_keys = ON");
      expect(() => db.exec(`DELETE FROM "Cluster" WHERE "id" = 'c1'`)).toThrow(/FOREIGN KEY/);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps where each project runs on PostgreSQL", async () => {
    const name = `slipway_mig_${randomBytes(5).toString("hex")}`;
    await withAdminClient((c) => c.query(`CREATE DATABASE "${name}"`));
    const client = new pg.Client({ connectionString: withDatabase(getTestPostgresUrl(), name) });
    await client.connect();
    try {
      const { before, it: migration } = migrationsUpTo("prisma/postgres/migrations");
      for (const sql of before) await client.query(sql);
      for (const sql of Object.values(ROWS)) await client.query(sql);
      await client.query(migration);
      expect((await client.query(AFTER)).rows).toEqual(EXPECTED);
      expect((await client.query(`SELECT "id", "projectId" FROM "App"`)).rows).toEqual([{ id: "a1", projectId: "p1" }]);
      await expect(client.query(`DELETE FROM "Cluster" WHERE "id" = 'c1'`)).rejects.toThrow(/foreign key/);
    } finally {
      await client.end();
      await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    }
  });
});
