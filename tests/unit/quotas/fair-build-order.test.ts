// Fair build scheduling between teams: the pure order, then the claim against a real SQLite file
// with one team's long queue in front of another team's single build.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import os from "node:os";
import path from "node:path";
import { mkdtempSync } from "node:fs";
import type { Db } from "@/server/db";
import { claimNextBuild, fairTeamOrder } from "@/server/pipeline/job-queue";
import { createTestDatabase, seedApp } from "../../support/daemon-harness";

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe("fairTeamOrder", () => {
  it("serves the team with the fewest running builds first, then the oldest waiting build", () => {
    expect(
      fairTeamOrder([
        { teamId: "busy", running: 2, limit: 4, oldestQueuedAt: t(0) },
        { teamId: "idle-late", running: 0, limit: 2, oldestQueuedAt: t(30) },
        { teamId: "idle-early", running: 0, limit: 2, oldestQueuedAt: t(10) },
        { teamId: "one", running: 1, limit: 2, oldestQueuedAt: t(5) },
      ]),
    ).toEqual(["idle-early", "idle-late", "one", "busy"]);
  });

  it("leaves out teams at their concurrent-builds limit (and teams whose limit is 0)", () => {
    expect(
      fairTeamOrder([
        { teamId: "full", running: 2, limit: 2, oldestQueuedAt: t(0) },
        { teamId: "none", running: 0, limit: 0, oldestQueuedAt: t(0) },
        { teamId: "free", running: 1, limit: 3, oldestQueuedAt: t(50) },
      ]),
    ).toEqual(["free"]);
    expect(fairTeamOrder([])).toEqual([]);
  });
});

describe("claimNextBuild between teams", () => {
  let db: Db;
  let big: { appId: string; teamId: string };
  let small: { appId: string; teamId: string };

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-fair-"));
    db = (await createTestDatabase(path.join(dir, "q.db"))).db;
    big = await seedApp(db, { teamSlug: "big", gitUrl: "https://git.example.com/a.git", maxConcurrentBuilds: 3 });
    small = await seedApp(db, { teamSlug: "small", gitUrl: "https://git.example.com/b.git", maxConcurrentBuilds: 3 });
  });

  afterAll(async () => {
    await db?.$disconnect();
  });

  beforeEach(async () => {
    await db.build.deleteMany({});
  });

  let appCount = 0;
  /** n builds of the team, each of an app of its own (an app never runs two builds at once). */
  async function queue(team: { teamId: string }, n: number, queuedAt: Date) {
    const ids: string[] = [];
    const slug = (await db.team.findUniqueOrThrow({ where: { id: team.teamId } })).slug;
    for (let i = 0; i < n; i++) {
      const app = await seedApp(db, { teamSlug: slug, appSlug: `app${++appCount}`, gitUrl: "https://git.example.com/a.git" });
      const b = await db.build.create({ data: { teamId: app.teamId, appId: app.appId, number: 1, gitRef: "main", queuedAt: new Date(queuedAt.getTime() + i) } });
      ids.push(b.id);
    }
    return ids;
  }

  const q = (owner: string) => ({ owner, leaseMs: 60_000, maxAttempts: 2, now: () => new Date(Date.UTC(2026, 0, 1, 1)) });

  it("does not let one team's long queue starve another team's build", async () => {
    await queue(big, 40, t(0)); // forty builds queued first, far more than one page of candidates
    const [late] = await queue(small, 1, t(30));
    const first = await claimNextBuild(db, q("w1"));
    expect(first!.teamId).toBe(big.teamId); // nobody runs anything: the oldest waiting build
    const second = await claimNextBuild(db, q("w2"));
    expect(second!.id).toBe(late); // big now runs one, small none: small goes next
    const third = await claimNextBuild(db, q("w3"));
    expect(third!.teamId).toBe(big.teamId);
  });

  it("never starts more than the team's maxConcurrentBuilds, and serves others meanwhile", async () => {
    await db.teamQuota.update({ where: { teamId: big.teamId }, data: { maxConcurrentBuilds: 2 } });
    await queue(big, 5, t(0));
    await queue(small, 2, t(40));
    const claims = [];
    for (let i = 0; i < 6; i++) claims.push(await claimNextBuild(db, q(`w${i}`)));
    const won = claims.filter((c) => c !== null);
    expect(won.filter((c) => c!.teamId === big.teamId)).toHaveLength(2);
    expect(won.filter((c) => c!.teamId === small.teamId)).toHaveLength(2);
    expect(await db.build.count({ where: { teamId: big.teamId, status: "RUNNING" } })).toBe(2);
    // Concurrent claimers cannot push a team past its limit either.
    await db.build.deleteMany({});
    await queue(big, 6, t(0));
    const racing = await Promise.all(Array.from({ length: 6 }, (_, i) => claimNextBuild(db, q(`r${i}`))));
    expect(racing.filter((c) => c !== null)).toHaveLength(2);
    expect(await db.build.count({ where: { teamId: big.teamId, status: "RUNNING" } })).toBe(2);
    await db.teamQuota.update({ where: { teamId: big.teamId }, data: { maxConcurrentBuilds: 3 } });
  });
});
