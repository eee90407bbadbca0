// Runs an API suite (`defineXSuite(prepare)`, where prepare returns the database URL to use) on a
// fresh PostgreSQL database, and drops it afterwards: one place for what every *-postgres.test.ts did.
import { afterAll } from "vitest";
import { createTestDatabase, type TestDatabase } from "./test-db";

export function onPostgres(defineSuite: (prepare: () => Promise<string | undefined>) => void): void {
  let database: TestDatabase | undefined;
  defineSuite(async () => {
    database = await createTestDatabase({ provider: "postgres" });
    return database.url;
  });
  afterAll(async () => {
    const { getDb } = await import("@/server/db");
    await getDb().$disconnect();
    await database?.drop();
  });
}
