// The janitor reads each team's retention from the main database (both providers), clamps it to
// the platform's maximums, and deletes exactly what is past it; lines of teams and apps no longer
// in the database go too.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/server/db";
import { LOG_ROW_OVERHEAD_BYTES, logStorePath } from "@/server/daemon/logs/log-database";
import { LogIndexer } from "@/server/daemon/logs/log-indexer";
import { LogJanitor } from "@/server/daemon/logs/log-janitor";
import { openLogStore, type SqliteLogStore } from "@/server/daemon/logs/log-store";
import type { LogLineInput, StoredLogLine } from "@/server/daemon/logs/log-store-types";
import { createTestDatabase, TEST_DB_PROVIDERS, type TestDatabase } from "../../support/test-db";

const DAY = 86_400_000;
const MIB = 1024 * 1024;
const NOW = Date.UTC(2026, 10, 20, 12);
const log = pino({ level: "silent" });

describe.each(TEST_DB_PROVIDERS)("log janitor on %s", (provider) => {
  let t: TestDatabase;
  let db: Db;
  let dir: string;
  let store: SqliteLogStore;
  let all: StoredLogLine[];

  beforeAll(async () => {
    t = await createTestDatabase({ provider });
    db = t.db;
  });
  afterAll(async () => {
    await t?.drop();
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "slipway-log-janitor-"));
    store = openLogStore(logStorePath(dir));
    all = [];
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function teamWithApps(slug: string, retention: { logRetentionDays: number; logRetentionMib: number }, apps: number) {
    const team = await db.team.create({ data: { slug, name: slug, ...retention } });
    const project = await db.project.create({ data: { teamId: team.id, slug: "p", name: "p" } });
    const appIds: string[] = [];
    for (let i = 0; i < apps; i++) {
      const app = await db.app.create({ data: { teamId: team.id, projectId: project.id, slug: `app-${i}`, gitUrl: "https://git.example.test/x.git" } });
      appIds.push(app.id);
    }
    return { teamId: team.id, appIds };
  }

  /** 10 days of ~1 KiB lines, every 3 minutes, per app. */
  function fill(apps: { teamId: string; appId: string }[]): void {
    const lines: LogLineInput[] = [];
    for (let time = NOW - 10 * DAY; time < NOW; time += 3 * 60_000) {
      for (const a of apps) lines.push({ ...a, releaseId: null, replica: "r", stream: "stdout", time, line: `${new Date(time).toISOString()} ${"x".repeat(1000)}` });
    }
    for (let i = 0; i < lines.length; i += 1000) all.push(...store.append(lines.slice(i, i + 1000), []));
    new LogIndexer(store).catchUp();
  }

  const bytesOf = (lines: StoredLogLine[]) => lines.reduce((s, l) => s + Buffer.byteLength(l.line) + LOG_ROW_OVERHEAD_BYTES, 0);
  const kept = (appId: string) => store.after(appId, 0, 1_000_000);

  it("deletes by each team's days and MiB, clamped to the platform maximums, and the lines of gone teams and apps", async () => {
    const stamp = `${provider}-${Date.now().toString(36)}`;
    await db.platformSettings.upsert({ where: { id: "platform" }, create: { maxLogRetentionDays: 5, maxLogRetentionMib: 2 }, update: { maxLogRetentionDays: 5, maxLogRetentionMib: 2 } });
    // a: 3 days, 1 MiB; b: asks 40 days and 100 MiB, gets the platform's 5 days and 2 MiB.
    const a = await teamWithApps(`a-${stamp}`, { logRetentionDays: 3, logRetentionMib: 1 }, 2);
    const b = await teamWithApps(`b-${stamp}`, { logRetentionDays: 40, logRetentionMib: 100 }, 1);
    const goneApp = a.appIds[1]!;
    fill([
      { teamId: a.teamId, appId: a.appIds[0]! },
      { teamId: a.teamId, appId: goneApp },
      { teamId: b.teamId, appId: b.appIds[0]! },
      { teamId: "team-gone", appId: "app-of-gone-team" },
    ]);
    await db.app.delete({ where: { id: goneApp } });

    // The reference. a: its app's lines within 3 days, then the oldest until ≤ 1 MiB.
    const aLeft = capOldestFirst(all.filter((l) => l.appId === a.appIds[0] && l.time >= NOW - 3 * DAY), MIB);
    const bLeft = capOldestFirst(all.filter((l) => l.teamId === b.teamId && l.time >= NOW - 5 * DAY), 2 * MIB);
    expect(aLeft.length).toBeGreaterThan(100);
    expect(bLeft.length).toBeLessThan(all.filter((l) => l.teamId === b.teamId && l.time >= NOW - 5 * DAY).length);

    const janitor = new LogJanitor({ store, db, log, now: () => NOW, stepRows: 500 });
    const pass = await janitor.runOnce();
    expect(pass.teamsGone).toBe(1);
    expect(pass.appsGone).toBe(1);
    expect(pass.lines).toBe(all.length - aLeft.length - bLeft.length);
    expect(pass.bytes).toBe(bytesOf(all) - bytesOf(aLeft) - bytesOf(bLeft));

    expect(kept(a.appIds[0]!)).toEqual(aLeft);
    expect(kept(b.appIds[0]!)).toEqual(bLeft);
    expect(kept(goneApp)).toEqual([]);
    expect(kept("app-of-gone-team")).toEqual([]);
    expect(store.teamUsage(a.teamId)).toEqual({ bytes: bytesOf(aLeft), lines: aLeft.length, oldest: aLeft[0]!.time });
    expect(store.teamUsage(b.teamId).bytes).toBeLessThanOrEqual(2 * MIB);
    expect(store.teamIds().sort()).toEqual([a.teamId, b.teamId].sort());

    // A second pass finds nothing more.
    expect(await janitor.runOnce()).toEqual({ lines: 0, bytes: 0, teamsGone: 0, appsGone: 0 });
  });

  it("runs on its own every everyMs once started, and stops", async () => {
    const c = await teamWithApps(`c-${provider}-${Date.now().toString(36)}`, { logRetentionDays: 1, logRetentionMib: 1024 }, 1);
    const janitor = new LogJanitor({ store, db, log, everyMs: 50, now: () => Date.now() });
    janitor.start();
    try {
      const old = store.append([{ teamId: c.teamId, appId: c.appIds[0]!, releaseId: null, replica: "r", stream: "stdout", time: Date.now() - 2 * DAY, line: "old" }], []);
      expect(old).toHaveLength(1);
      const deadline = Date.now() + 10_000;
      while (kept(c.appIds[0]!).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(kept(c.appIds[0]!)).toEqual([]);
    } finally {
      await janitor.stop();
    }
    store.append([{ teamId: c.teamId, appId: c.appIds[0]!, releaseId: null, replica: "r", stream: "stdout", time: Date.now() - 2 * DAY, line: "old again" }], []);
    await new Promise((r) => setTimeout(r, 200));
    expect(kept(c.appIds[0]!).map((l) => l.line)).toEqual(["old again"]);
  });
});

/** Oldest first (by seq) until the rest fits in `cap` bytes. */
function capOldestFirst(lines: StoredLogLine[], cap: number): StoredLogLine[] {
  let bytes = lines.reduce((s, l) => s + Buffer.byteLength(l.line) + LOG_ROW_OVERHEAD_BYTES, 0);
  let i = 0;
  while (bytes > cap && i < lines.length) {
    bytes -= Buffer.byteLength(lines[i]!.line) + LOG_ROW_OVERHEAD_BYTES;
    i++;
  }
  return lines.slice(i);
}
