import { afterAll } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/test-db";
import { defineRouteMatrixSuite } from "./route-matrix-suite";

let database: TestDatabase | undefined;

defineRouteMatrixSuite(async () => {
  database = await createTestDatabase({ provider: "postgres" });
  return database.url;
});

afterAll(async () => {
  await database?.drop();
});
