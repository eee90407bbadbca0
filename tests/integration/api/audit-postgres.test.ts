import { afterAll } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/test-db";
import { defineAuditSuite } from "./audit-suite";

let database: TestDatabase | undefined;

defineAuditSuite(async () => {
  database = await createTestDatabase({ provider: "postgres" });
  return database.url;
});

afterAll(async () => {
  await database?.drop();
});
