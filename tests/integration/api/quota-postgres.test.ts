import { afterAll } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/test-db";
import { defineQuotaSuite } from "./quota-suite";

let database: TestDatabase | undefined;

defineQuotaSuite(async () => {
  database = await createTestDatabase({ provider: "postgres" });
  return database.url;
});

afterAll(async () => {
  const { getDb } = await import("@/server/db");
  await getDb().$disconnect();
  await database?.drop();
});
