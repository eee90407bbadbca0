// Lease logic against a real (migrated) SQLite file.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import os from "node:os";
import path from "node:path";
import { mkdtempSync } from "node:fs";
import type { Db } from "@/server/db";
import { claimNextBuild, releaseLease, renewLease } from "@/server/pipeline/job-queue";
import { createTestDatabase, queueBuild, seedApp } from "../../support/daemon-harness";

let db: Db;
let appA: string;
let appB: string;
let appB2: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-queue-"));
  db = (await createTestDatabase(path.join(dir, "q.db"))).db;
  appA = (await seedApp(db, { teamSlug: "team-a", gitUrl: "https://git.example.com/a.git", maxConcurrentBuilds: 1 })).appId;
  appB = (await seedApp(db, { teamSlug: "team-b", gitUrl: "https://git.example.com/b.git", maxConcurrentBuilds: 2 })).appId;
  appB2 = (await seedApp(db, { teamSlug: "team-b", appSlug: "api", gitUrl: "https://git.example.com/b.git", maxConcurrentBuilds: 2 })).appId;
});

afterAll(async () => {
  await db?.$disconnect();
});

beforeEach(async () => {
  await db.build.deleteMany({});
});

const q = (owner: string, now = new Date()) => ({ owner, leaseMs: 10_000, maxAttempts: 2, now: () => now });

describe("build queue leases", () => {
  it("gives each queued build to exactly one of many concurrent claimers", async () => {
    // Two apps: one app never has two builds running at once (build-queue-rules.test.ts).
    const ids = [await queueBuild(db, appB), await queueBuild(db, appB2)];
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => claimNextBuild(db, q(`w${i}`))));
    const won = claims.filter((c) => c !== null);
    expect(won.map((c) => c!.id).sort()).toEqual([...ids].sort());
    const rows = await db.build.findMany({ where: { id: { in: ids } } });
    for (const r of rows) {
      expect(r.status).toBe("RUNNING");
      expect(r.attempts).toBe(1);
      expect(r.leaseOwner).toMatch(/^w\d$/);
    }
  });

  it("respects the team's maxConcurrentBuilds while serving other teams", async () => {
    const a1 = await queueBuild(db, appA);
    await queueBuild(db, appA);
    const b1 = await queueBuild(db, appB);
    expect((await claimNextBuild(db, q("w1")))!.id).toBe(a1);
    // team-a is at its limit of 1: the next claim skips its second build.
    expect((await claimNextBuild(db, q("w2")))!.id).toBe(b1);
    expect(await claimNextBuild(db, q("w3"))).toBeNull();
  });

  it("reclaims an expired lease, and fails the build once attempts are exhausted", async () => {
    const id = await queueBuild(db, appB);
    const t0 = new Date();
    expect((await claimNextBuild(db, q("w1", t0)))!.attempts).toBe(1);
    // Still leased: nobody else may take it.
    expect(await claimNextBuild(db, q("w2", new Date(t0.getTime() + 5_000)))).toBeNull();
    const t1 = new Date(t0.getTime() + 11_000);
    const again = await claimNextBuild(db, q("w2", t1));
    expect(again).toMatchObject({ id, attempts: 2 });
    // The first worker's heartbeat now fails: it has lost the build.
    expect(await renewLease(db, id, q("w1", t1))).toBe(false);
    expect(await renewLease(db, id, q("w2", t1))).toBe(true);
    const t2 = new Date(t1.getTime() + 11_000);
    expect(await claimNextBuild(db, q("w3", t2))).toBeNull();
    const row = await db.build.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("FAILED");
    expect(row.error).toMatch(/stopped responding 2 times/);
  });

  it("hands a build back on graceful shutdown without using up an attempt", async () => {
    const id = await queueBuild(db, appB);
    await claimNextBuild(db, q("w1"));
    await releaseLease(db, id, "w1");
    const row = await db.build.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "QUEUED", attempts: 0, leaseOwner: null });
    expect((await claimNextBuild(db, q("w2")))!.id).toBe(id);
  });

  it("does not claim canceled or finished builds", async () => {
    const id = await queueBuild(db, appB);
    await db.build.update({ where: { id }, data: { status: "CANCELED" } });
    expect(await claimNextBuild(db, q("w1"))).toBeNull();
  });
});
