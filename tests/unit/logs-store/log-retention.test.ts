// Retention deletes exactly what is past it and nothing else: by age, then by size cap, per team
// independently, in steps, with the trigram index, the zone map and the usage counters following.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LOG_ROW_OVERHEAD_BYTES, logStorePath } from "@/server/daemon/logs/log-database";
import { LogIndexer } from "@/server/daemon/logs/log-indexer";
import { ftsTrigrams } from "@/server/daemon/logs/log-search";
import { openLogStore, type SqliteLogStore } from "@/server/daemon/logs/log-store";
import type { LogLineInput, StoredLogLine, TeamLogRetention } from "@/server/daemon/logs/log-store-types";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 20);

let dir: string;
let store: SqliteLogStore;
let all: StoredLogLine[];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "slipway-log-retention-"));
  store = openLogStore(logStorePath(dir));
  all = [];
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const APPS = [
  { teamId: "team-a", appId: "a-1" },
  { teamId: "team-a", appId: "a-2" },
  { teamId: "team-b", appId: "b-1" },
];

/** 10 days of lines, one every 10 minutes per app (apps interleaved), each ending in a word to search for. */
function fill(): void {
  const lines: LogLineInput[] = [];
  for (let t = NOW - 10 * DAY; t < NOW; t += 10 * 60_000) {
    for (const app of APPS) {
      lines.push({ ...app, releaseId: "r", replica: "x", stream: "stdout", time: t, line: `${app.appId} at ${new Date(t).toISOString()} ünïcödé searchword` });
    }
  }
  for (let i = 0; i < lines.length; i += 500) all.push(...store.append(lines.slice(i, i + 500), []));
  new LogIndexer(store).catchUp();
}

function bytesOf(lines: StoredLogLine[]): number {
  return lines.reduce((sum, l) => sum + Buffer.byteLength(l.line) + LOG_ROW_OVERHEAD_BYTES, 0);
}

function kept(appId: string): StoredLogLine[] {
  return store.after(appId, 0, 1_000_000);
}

/** The store agrees with `remaining` everywhere: lines, counters, oldest, search (indexed). */
function expectStoreHolds(remaining: StoredLogLine[]): void {
  for (const app of APPS) {
    const want = remaining.filter((l) => l.appId === app.appId);
    expect(kept(app.appId), app.appId).toEqual(want);
    const found = store.search({ appId: app.appId, text: "searchword", from: 0, to: NOW * 2, limit: 100_000 });
    expect(found.lines.length, `${app.appId} search`).toBe(want.length);
  }
  // The trigram index holds exactly the lines left (search confirms candidates against the table,
  // so entries left behind would not show in results, only cost).
  const indexed = store.db.prepare("SELECT count(*) FROM lines_fts WHERE lines_fts MATCH ?").pluck().get(ftsTrigrams("searchword"));
  expect(indexed).toBe(remaining.length);
  for (const teamId of ["team-a", "team-b"]) {
    const team = remaining.filter((l) => l.teamId === teamId);
    expect(store.teamUsage(teamId), teamId).toEqual({
      bytes: bytesOf(team),
      lines: team.length,
      oldest: team.length ? Math.min(...team.map((l) => l.time)) : null,
    });
  }
}

describe("log retention", () => {
  it("deletes each team's lines older than its age and nothing else", () => {
    fill();
    const policies: TeamLogRetention[] = [
      { teamId: "team-a", maxAgeDays: 3, maxBytes: 1e12 },
      { teamId: "team-b", maxAgeDays: 7, maxBytes: 1e12 },
    ];
    const cutoff = { "team-a": NOW - 3 * DAY, "team-b": NOW - 7 * DAY } as Record<string, number>;
    const remaining = all.filter((l) => l.time >= cutoff[l.teamId]!);
    const gone = all.filter((l) => l.time < cutoff[l.teamId]!);
    expect(store.applyRetention(policies, NOW)).toEqual({ lines: gone.length, bytes: bytesOf(gone) });
    expectStoreHolds(remaining);
    // A line exactly at the cutoff is kept.
    expect(kept("a-1")[0]?.time).toBe(NOW - 3 * DAY);
    // Again: nothing more to delete.
    expect(store.applyRetention(policies, NOW)).toEqual({ lines: 0, bytes: 0 });
  });

  it("then deletes a team's oldest lines (across its apps) while it is over its size cap, exactly down to the cap", () => {
    fill();
    const teamA = all.filter((l) => l.teamId === "team-a");
    const cap = Math.floor(bytesOf(teamA) * 0.4) + 17;
    // The reference: oldest first by seq until the rest fits.
    let excess = bytesOf(teamA) - cap;
    const goneA = new Set<number>();
    for (const l of teamA) {
      if (excess <= 0) break;
      goneA.add(l.seq);
      excess -= Buffer.byteLength(l.line) + LOG_ROW_OVERHEAD_BYTES;
    }
    const remaining = all.filter((l) => !goneA.has(l.seq));
    store.applyRetention([{ teamId: "team-a", maxAgeDays: 365, maxBytes: cap }], NOW);
    expectStoreHolds(remaining);
    const usage = store.teamUsage("team-a").bytes;
    expect(usage).toBeLessThanOrEqual(cap);
    // Minimal: keeping one more line (the newest deleted) would exceed the cap.
    const lastGone = teamA.filter((l) => goneA.has(l.seq)).at(-1)!;
    expect(usage + Buffer.byteLength(lastGone.line) + LOG_ROW_OVERHEAD_BYTES).toBeGreaterThan(cap);
    // Both of team A's apps lost lines; team B none.
    expect(kept("a-1").length).toBeLessThan(all.filter((l) => l.appId === "a-1").length);
    expect(kept("a-2").length).toBeLessThan(all.filter((l) => l.appId === "a-2").length);
    expect(kept("b-1").length).toBe(all.filter((l) => l.appId === "b-1").length);
  });

  it("applies the age first, then the cap, in steps of at most maxRows lines that add up to one full pass", () => {
    fill();
    const policies: TeamLogRetention[] = [
      { teamId: "team-a", maxAgeDays: 5, maxBytes: 60_000 },
      { teamId: "team-b", maxAgeDays: 2, maxBytes: 1e12 },
    ];
    // Same data in a second store, retention in one go, as the reference.
    const other = openLogStore(logStorePath(path.join(dir, "other")));
    try {
      for (let i = 0; i < all.length; i += 500) other.append(all.slice(i, i + 500), []);
      new LogIndexer(other).catchUp();
      const oneGo = other.applyRetention(policies, NOW);
      let steps = 0;
      const total = { lines: 0, bytes: 0 };
      for (;;) {
        const step = store.applyRetentionStep(policies, NOW, 97);
        expect(step.lines).toBeLessThanOrEqual(97);
        total.lines += step.lines;
        total.bytes += step.bytes;
        steps++;
        if (step.done) break;
      }
      expect(total).toEqual(oneGo);
      expect(steps).toBeGreaterThan(10);
      for (const app of APPS) expect(kept(app.appId).map((l) => l.line)).toEqual(other.after(app.appId, 0, 1_000_000).map((l) => l.line));
      expect(store.teamUsage("team-a").bytes).toBeLessThanOrEqual(60_000);
      const teamA = kept("a-1").concat(kept("a-2"));
      expect(Math.min(...teamA.map((l) => l.time))).toBeGreaterThanOrEqual(NOW - 5 * DAY);
      expect(store.teamUsage("team-b")).toEqual(other.teamUsage("team-b"));
    } finally {
      other.close();
    }
  });

  it("deletes a late line with an old time inside a run of newer lines (the zone map widens, it does not hide it)", () => {
    fill();
    const [late] = store.append([{ ...APPS[0]!, releaseId: "r", replica: "x", stream: "stdout", time: NOW - 9 * DAY, line: "late old line searchword" }], []);
    all.push(late!);
    store.applyRetention([{ teamId: "team-a", maxAgeDays: 8, maxBytes: 1e12 }], NOW);
    expectStoreHolds(all.filter((l) => l.teamId !== "team-a" || l.time >= NOW - 8 * DAY));
    expect(kept("a-1").some((l) => l.line.startsWith("late"))).toBe(false);
  });

  it("empties a team (age 0, cap 0) and then forgets it; lines appended later count from zero", () => {
    fill();
    store.applyRetention([{ teamId: "team-b", maxAgeDays: 0, maxBytes: 0 }], NOW);
    expectStoreHolds(all.filter((l) => l.teamId !== "team-b"));
    store.forgetTeam("team-b");
    expect(store.appIdsOfTeam("team-b")).toEqual([]);
    expect(store.teamIds().sort()).toEqual(["team-a"]);
    store.append([{ teamId: "team-b", appId: "b-1", releaseId: null, replica: "x", stream: "stdout", time: NOW, line: "new" }], []);
    expect(store.teamUsage("team-b")).toEqual({ bytes: 3 + LOG_ROW_OVERHEAD_BYTES, lines: 1, oldest: NOW });
  });
});
