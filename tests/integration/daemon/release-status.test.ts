// The release transitions the reconciler persists, against a real (SQLite) database: a rollout's
// start survives repeated calls, an exit is counted once, and a release nothing targets any more
// ends SUPERSEDED instead of PENDING/ROLLING_OUT forever.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import type { Db } from "@/server/db";
import { markRollingOut, recordExit, supersedeAbandoned } from "@/server/daemon/reconcile/release-status";
import { createTestDatabase, makeDataDir, seedApp, type SeededApp } from "../../support/daemon-harness";

let db: Db;
let app: SeededApp;

beforeAll(async () => {
  const { db: d } = await createTestDatabase(path.join(makeDataDir("release-status"), "test.db"));
  db = d;
  app = await seedApp(db, { teamSlug: `rst${Date.now().toString(36)}`, gitUrl: "/nonexistent" });
});

afterAll(async () => {
  await db?.$disconnect();
});

let version = 0;
async function release(status: "PENDING" | "ROLLING_OUT" | "LIVE" | "SUPERSEDED" | "FAILED") {
  version++;
  return db.release.create({
    data: { teamId: app.teamId, appId: app.appId, version, imageRef: "img", imageDigest: "sha256:x", configSnapshot: "{}", status },
  });
}

describe("release status transitions", () => {
  it("starts a rollout's clock once and keeps it on later calls", async () => {
    const r = await release("PENDING");
    const first = await markRollingOut(db, r.id);
    await new Promise((res) => setTimeout(res, 20));
    const again = await markRollingOut(db, r.id);
    expect(again.rolloutStartedAt.getTime()).toBe(first.rolloutStartedAt.getTime());
    expect((await db.release.findUniqueOrThrow({ where: { id: r.id } })).status).toBe("ROLLING_OUT");
  });

  it("counts an exit once, however often it is seen", async () => {
    const r = await release("PENDING");
    await markRollingOut(db, r.id);
    const at = new Date();
    const exit = { exitCode: 3, oomKilled: false, finishedAt: at, lines: ["a", "cannot create /data"], restarts: 1 };
    expect((await recordExit(db, r.id, exit))?.restartCount).toBe(1);
    expect(await recordExit(db, r.id, exit)).toBeNull();
    const later = await recordExit(db, r.id, { ...exit, finishedAt: new Date(at.getTime() + 1000) });
    expect(later?.restartCount).toBe(2);
    expect(later?.lastLogLines).toBe("a\ncannot create /data");
  });

  it("marks releases the app no longer targets SUPERSEDED, naming the release that replaced them, idempotently", async () => {
    const live = await release("LIVE");
    const abandonedRolling = await release("ROLLING_OUT");
    const abandonedPending = await release("PENDING");
    const target = await release("ROLLING_OUT");
    const failed = await release("FAILED");
    await db.app.update({ where: { id: app.appId }, data: { liveReleaseId: live.id, targetReleaseId: target.id } });
    expect(await supersedeAbandoned(db)).toBeGreaterThanOrEqual(2);
    const status = async (id: string) => db.release.findUniqueOrThrow({ where: { id } });
    for (const r of [abandonedRolling, abandonedPending]) {
      const after = await status(r.id);
      expect(after.status).toBe("SUPERSEDED");
      expect(after.statusReason).toBe(`Replaced by v${target.version} before it went live`);
    }
    expect((await status(target.id)).status).toBe("ROLLING_OUT");
    expect((await status(live.id)).status).toBe("LIVE");
    expect((await status(failed.id)).status).toBe("FAILED");
    expect(await supersedeAbandoned(db)).toBe(0);
  });
});
