// Queue rules against a real (migrated) SQLite file: one build per app at a time, and fair
// interleaving of two teams' builds on a shared worker.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import os from "node:os";
import path from "node:path";
import { mkdtempSync } from "node:fs";
import type { Db } from "@/server/db";
import { claimNextBuild } from "@/server/pipeline/job-queue";
import { createTestDatabase, queueBuild, seedApp } from "../../support/daemon-harness";

let db: Db;
let appsA: string[];
let appsB: string[];
let teamA: string;
let teamB: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-queue-rules-"));
  db = (await createTestDatabase(path.join(dir, "q.db"))).db;
  appsA = [];
  for (const slug of ["a1", "a2", "a3", "a4"]) appsA.push((await seedApp(db, { teamSlug: "team-a", appSlug: slug, gitUrl: "https://git.example.com/a.git", maxConcurrentBuilds: 4 })).appId);
  appsB = [];
  for (const slug of ["b1", "b2"]) appsB.push((await seedApp(db, { teamSlug: "team-b", appSlug: slug, gitUrl: "https://git.example.com/b.git", maxConcurrentBuilds: 4 })).appId);
  teamA = (await db.app.findUniqueOrThrow({ where: { id: appsA[0]! } })).teamId;
  teamB = (await db.app.findUniqueOrThrow({ where: { id: appsB[0]! } })).teamId;
});

afterAll(async () => {
  await db?.$disconnect();
});

beforeEach(async () => {
  await db.build.deleteMany({});
});

const q = (owner: string, now = new Date()) => ({ owner, leaseMs: 10_000, maxAttempts: 2, now: () => now });

/** Queues in this exact order, each a millisecond after the previous (queuedAt decides the order). */
async function queueInOrder(appIds: string[]): Promise<string[]> {
  const ids: string[] = [];
  const t0 = Date.now() - 60_000;
  for (const [i, appId] of appIds.entries()) {
    const id = await queueBuild(db, appId);
    await db.build.update({ where: { id }, data: { queuedAt: new Date(t0 + i) } });
    ids.push(id);
  }
  return ids;
}

describe("build queue rules", () => {
  it("interleaves two teams' builds: A,B,A,B,A,A for 4 of team A queued before 2 of team B", async () => {
    await queueInOrder([...appsA, ...appsB]);
    const order: string[] = [];
    for (;;) {
      const c = await claimNextBuild(db, q("w1"));
      if (!c) break;
      order.push(c.teamId === teamA ? "A" : c.teamId === teamB ? "B" : "?");
    }
    expect(order).toEqual(["A", "B", "A", "B", "A", "A"]);
  });

  it("never runs two builds of one app at once: the second waits, queued, until the first ends", async () => {
    const [first, second] = await queueInOrder([appsA[0]!, appsA[0]!]);
    expect((await claimNextBuild(db, q("w1")))!.id).toBe(first);
    expect(await claimNextBuild(db, q("w2"))).toBeNull();
    expect((await db.build.findUniqueOrThrow({ where: { id: second! } })).status).toBe("QUEUED");
    await db.build.update({ where: { id: first! }, data: { status: "SUCCEEDED", leaseOwner: null, leaseExpiresAt: null, finishedAt: new Date() } });
    expect((await claimNextBuild(db, q("w2")))!.id).toBe(second);
  });

  it("serves another app of the same team while one app's build runs", async () => {
    const [a1, a1Again, a2] = await queueInOrder([appsA[0]!, appsA[0]!, appsA[1]!]);
    expect((await claimNextBuild(db, q("w1")))!.id).toBe(a1);
    expect((await claimNextBuild(db, q("w2")))!.id).toBe(a2);
    expect(await claimNextBuild(db, q("w3"))).toBeNull();
    expect((await db.build.findUniqueOrThrow({ where: { id: a1Again! } })).status).toBe("QUEUED");
  });

  it("takes the app's build over once the running one's lease has expired (its worker died)", async () => {
    const [first, second] = await queueInOrder([appsA[0]!, appsA[0]!]);
    const t0 = new Date();
    await claimNextBuild(db, q("w1", t0));
    const later = new Date(t0.getTime() + 11_000);
    // The expired build is the oldest waiting one of the app: it is retried before the next.
    expect((await claimNextBuild(db, q("w2", later)))!.id).toBe(first);
    expect(await claimNextBuild(db, q("w3", later))).toBeNull();
    expect((await db.build.findUniqueOrThrow({ where: { id: second! } })).status).toBe("QUEUED");
  });

  it("of many workers claiming at once, only one gets a build of a given app", async () => {
    await queueInOrder([appsB[0]!, appsB[0]!, appsB[0]!]);
    // Queue rows directly: deployApp coalesces, but pushes and retries can leave several queued.
    const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => claimNextBuild(db, q(`w${i}`))));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await db.build.count({ where: { appId: appsB[0]!, status: "RUNNING" } })).toBe(1);
    expect(await db.build.count({ where: { appId: appsB[0]!, status: "QUEUED" } })).toBe(2);
  });
});
