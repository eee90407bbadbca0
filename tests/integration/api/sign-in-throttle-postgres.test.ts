import { afterAll } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/test-db";
import { defineSignInThrottleSuite } from "./sign-in-throttle-suite";

let database: TestDatabase | undefined;

defineSignInThrottleSuite(async () => {
  database = await createTestDatabase({ provider: "postgres" });
  return database.url;
});

afterAll(async () => {
  const { getDb } = await import("@/server/db");
  await getDb().$disconnect();
  await database?.drop();
});
