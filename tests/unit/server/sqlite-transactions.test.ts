// On SQLite one connection serves the process, and the driver adapter's lock covers transactions
// only: a statement outside a transaction must still never run inside another request's open one
// (reading its uncommitted rows, rolled back with it). Prisma's client keeps them apart today; this
// pins that down for upgrades. Real SQLite file, the production client.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/server/db";
import { createTestDatabase, type TestDatabase } from "../../support/test-db";

describe("SQLite client", () => {
  let t: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    t = await createTestDatabase({ provider: "sqlite" });
    db = t.db;
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("keeps a write made outside a transaction that rolls back meanwhile", async () => {
    let outside: Promise<unknown> | undefined;
    await expect(
      db.$transaction(async (tx) => {
        await tx.team.create({ data: { slug: "rolled-back", name: "rolled back" } });
        outside = db.team.create({ data: { slug: "kept", name: "kept" } });
        // Give the outside write every chance to run while this transaction is open.
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    await outside;
    expect(await db.team.findUnique({ where: { slug: "kept" } })).not.toBeNull();
    expect(await db.team.findUnique({ where: { slug: "rolled-back" } })).toBeNull();
  });

  it("never shows a read outside a transaction the transaction's uncommitted rows", async () => {
    let seen: Promise<unknown> | undefined;
    await expect(
      db.$transaction(async (tx) => {
        await tx.team.create({ data: { slug: "uncommitted", name: "uncommitted" } });
        seen = db.team.findUnique({ where: { slug: "uncommitted" } });
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await seen).toBeNull();
  });
});
