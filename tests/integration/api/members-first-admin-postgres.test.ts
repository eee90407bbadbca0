import { afterAll } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/test-db";
import { defineFirstAdminRaceSuite } from "./members-suite";

let database: TestDatabase | undefined;

defineFirstAdminRaceSuite(async () => {
  database = await createTestDatabase({ provider: "postgres" });
  return database.url;
});

afterAll(async () => {
  const { getDb } = await import("@/server/db");
  await getDb().$disconnect();
  await database?.drop();
});
