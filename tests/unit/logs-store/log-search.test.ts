// Search against a brute-force reference over the same lines: each filter, paging with
// nextBefore (no gap, no duplicate), the unindexed tail, the work bound, LIKE wildcards as text.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { logStorePath } from "@/server/daemon/logs/log-database";
import { LogIndexer } from "@/server/daemon/logs/log-indexer";
import { escapeLike, ftsTrigrams, searchLogs, type SearchOptions } from "@/server/daemon/logs/log-search";
import { openLogStore, type SqliteLogStore } from "@/server/daemon/logs/log-store";
import type { LogLineInput, LogSearchQuery, StoredLogLine } from "@/server/daemon/logs/log-store-types";

let dir: string;
let store: SqliteLogStore;
let all: StoredLogLine[];

const T0 = Date.UTC(2026, 10, 1);
const MIN = 60_000;
const WORDS = ["GET /health 200", "POST /orders 201", "payment Timeout after 30s", "cache miss key=user:42", "worker started", "50% done", "a_b marker", "ünïcode ÄÖÜ line"];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "slipway-log-search-"));
  store = openLogStore(logStorePath(dir));
  all = [];
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function append(lines: LogLineInput[]): void {
  all.push(...store.append(lines, []));
}

/** 600 lines of app-1 over 600 minutes (2 releases, 3 replicas, both streams) and 200 of app-2 saying the same things. */
function fill(startIndex = 0, count = 600): void {
  const lines: LogLineInput[] = [];
  for (let i = startIndex; i < startIndex + count; i++) {
    lines.push({
      teamId: "team-a",
      appId: "app-1",
      releaseId: i < 300 ? "rel-1" : "rel-2",
      replica: `web-${i % 3}`,
      stream: i % 4 === 0 ? "stderr" : "stdout",
      time: T0 + i * MIN,
      line: `#${i} ${WORDS[i % WORDS.length]}`,
    });
    if (i % 3 === 0) lines.push({ teamId: "team-a", appId: "app-2", releaseId: "rel-x", replica: "other", stream: "stdout", time: T0 + i * MIN, line: `#${i} ${WORDS[i % WORDS.length]}` });
  }
  append(lines);
}

/** The reference: the same filters over every stored line, newest first. */
function expected(q: Omit<LogSearchQuery, "limit" | "before">): StoredLogLine[] {
  const text = q.text?.toLowerCase();
  return all
    .filter(
      (l) =>
        l.appId === q.appId &&
        l.time >= q.from &&
        l.time <= q.to &&
        (q.releaseId === undefined || l.releaseId === q.releaseId) &&
        (q.replica === undefined || l.replica === q.replica) &&
        (q.stream === undefined || l.stream === q.stream) &&
        (!text || asciiLower(l.line).includes(asciiLower(q.text!))),
    )
    .sort((a, b) => b.seq - a.seq);
}

/** LIKE folds ASCII letters only. */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Every page until nextBefore is null; checks that pages are newest first and never overlap. */
function allPages(
  q: Omit<LogSearchQuery, "limit" | "before">,
  limit: number,
  maxExamined?: number,
  more: SearchOptions = {},
): { lines: StoredLogLine[]; pages: number; bounded: number } {
  const lines: StoredLogLine[] = [];
  let before: number | undefined;
  let pages = 0;
  let bounded = 0;
  for (;;) {
    const page = searchLogs(store, { ...q, limit, before }, { maxExamined, ...more });
    pages++;
    if (page.bounded) bounded++;
    expect(page.lines.length).toBeLessThanOrEqual(limit);
    lines.push(...page.lines);
    if (page.nextBefore === null) break;
    expect(page.nextBefore).toBeLessThan(before ?? Infinity);
    before = page.nextBefore;
    if (pages > 10_000) throw new Error("paging does not end");
  }
  return { lines, pages, bounded };
}

const whole = { appId: "app-1", from: T0, to: T0 + 10_000 * MIN };

describe("log search", () => {
  it("finds text case-insensitively in the indexed part, newest first, only in the asked app", () => {
    fill();
    expect(new LogIndexer(store).catchUp()).toBe(800);
    const page = store.search({ ...whole, text: "timeout", limit: 500 });
    expect(page.lines).toEqual(expected({ ...whole, text: "timeout" }));
    expect(page.lines.length).toBe(75);
    expect(page.nextBefore).toBeNull();
    expect(page.bounded).toBe(false);
    expect(store.search({ ...whole, appId: "app-2", text: "TIMEOUT", limit: 500 }).lines).toEqual(expected({ ...whole, appId: "app-2", text: "timeout" }));
    expect(store.search({ ...whole, appId: "no-app", text: "timeout", limit: 500 }).lines).toEqual([]);
  });

  it("filters by time range, release, replica and stream, alone and together", () => {
    fill();
    new LogIndexer(store).catchUp();
    const cases: Omit<LogSearchQuery, "limit" | "before">[] = [
      { ...whole, from: T0 + 100 * MIN, to: T0 + 199 * MIN },
      { ...whole, from: T0 + 100 * MIN, to: T0 + 199 * MIN, text: "orders" },
      { ...whole, releaseId: "rel-1" },
      { ...whole, releaseId: "rel-2", text: "health" },
      { ...whole, replica: "web-1" },
      { ...whole, replica: "web-2", text: "miss" },
      { ...whole, stream: "stderr" },
      { ...whole, stream: "stdout", text: "worker" },
      { ...whole, from: T0 + 250 * MIN, to: T0 + 400 * MIN, releaseId: "rel-2", replica: "web-0", stream: "stderr", text: "#" },
      { ...whole, releaseId: "no-such-release" },
      { ...whole, from: T0 + 700 * MIN, to: T0 + 800 * MIN },
    ];
    for (const q of cases) {
      const want = expected(q);
      const got = store.search({ ...q, limit: 1000 });
      expect(got.lines, JSON.stringify(q)).toEqual(want);
    }
    expect(expected(cases[8]!).length).toBeGreaterThan(0);
  });

  it("pages with before/nextBefore without a gap or a duplicate, across the indexed part and the unindexed tail", () => {
    fill(0, 400);
    new LogIndexer(store, { batch: 100 }).catchUp();
    fill(400, 200); // not indexed yet
    for (const q of [{ ...whole }, { ...whole, text: "payment" }, { ...whole, text: "/o" }, { ...whole, text: "#1", stream: "stdout" as const }]) {
      const want = expected(q);
      for (const limit of [1, 7, 50]) {
        const { lines } = allPages(q, limit);
        expect(lines.map((l) => l.seq), `${JSON.stringify(q)} limit ${limit}`).toEqual(want.map((l) => l.seq));
      }
    }
  });

  it("finds lines the indexer has not reached yet, and the same lines once it has", () => {
    fill();
    const indexer = new LogIndexer(store, { batch: 250 });
    indexer.step();
    const q = { ...whole, text: "key=user:42" };
    const before = store.search({ ...q, limit: 1000 });
    expect(before.lines).toEqual(expected(q));
    expect(before.lines.length).toBe(75);
    indexer.catchUp();
    expect(store.meta("indexed_seq")).toBe(all.at(-1)!.seq);
    expect(store.search({ ...q, limit: 1000 })).toEqual(before);
  });

  it("stops at its work bound with bounded and nextBefore, and going on from there finds everything once", () => {
    fill();
    new LogIndexer(store).catchUp();
    // Every app-1 line matches "#": 600 candidates; 25 examined per call.
    const q = { ...whole, text: "#" };
    const first = searchLogs(store, { ...q, limit: 1000 }, { maxExamined: 25 });
    expect(first.bounded).toBe(true);
    expect(first.nextBefore).not.toBeNull();
    expect(first.lines.length).toBe(25);
    const { lines, bounded } = allPages(q, 1000, 25);
    expect(bounded).toBeGreaterThan(10);
    expect(lines.map((l) => l.seq)).toEqual(expected(q).map((l) => l.seq));
    // Through the trigram index, 10 candidates at a time: every page still joins up.
    const payment = { ...whole, text: "payment" };
    const viaIndex = allPages(payment, 1000, 10);
    expect(viaIndex.bounded).toBeGreaterThan(5);
    expect(viaIndex.lines.map((l) => l.seq)).toEqual(expected(payment).map((l) => l.seq));
    // With a filter that rejects every candidate but the tags let through only its own.
    const filtered = { ...whole, text: "payment", stream: "stderr" as const };
    expect(allPages(filtered, 1000, 10).lines.map((l) => l.seq)).toEqual(expected(filtered).map((l) => l.seq));
    // Candidates on consecutive seqs (stdout lines, through the tags), 7 at a time.
    const stdout = { ...whole, stream: "stdout" as const };
    expect(allPages(stdout, 1000, 7).lines.map((l) => l.seq)).toEqual(expected(stdout).map((l) => l.seq));
    // Out of time after every step (budget 0), 7 candidates a step: one step per page, and the
    // pages still join up without a gap or a duplicate.
    const stepCases: Omit<LogSearchQuery, "limit" | "before">[] = [payment, filtered, { ...whole, text: "#" }, stdout];
    for (const q2 of stepCases) {
      const stepped = allPages(q2, 30, 7, { budgetMs: 0 });
      expect(stepped.lines.map((l) => l.seq), JSON.stringify(q2)).toEqual(expected(q2).map((l) => l.seq));
      // (payment on stderr: the tags leave no candidate at all, so nothing to bound)
      if (expected(q2).length > 7) expect(stepped.bounded, JSON.stringify(q2)).toBeGreaterThan(0);
    }
    // A rarer text through the trigram index: candidates are only its matches (75 in app-1, 25
    // in app-2), within the bound.
    const rare = { ...whole, text: "a_b marker" };
    const r = searchLogs(store, { ...rare, limit: 1000 }, { maxExamined: 101 });
    expect(r.bounded).toBe(false);
    expect(r.lines).toEqual(expected(rare));
  });

  it("takes % _ and \\ literally, and needs the whole text (not just its trigrams)", () => {
    append([
      { teamId: "t", appId: "a", releaseId: null, replica: "r", stream: "stdout", time: T0, line: "50% done" },
      { teamId: "t", appId: "a", releaseId: null, replica: "r", stream: "stdout", time: T0, line: "500 done" },
      { teamId: "t", appId: "a", releaseId: null, replica: "r", stream: "stdout", time: T0, line: "a_b axb" },
      { teamId: "t", appId: "a", releaseId: null, replica: "r", stream: "stdout", time: T0, line: "axb" },
      { teamId: "t", appId: "a", releaseId: null, replica: "r", stream: "stdout", time: T0, line: "C:\\path" },
      { teamId: "t", appId: "a", releaseId: null, replica: "r", stream: "stdout", time: T0, line: "abc bcd" },
      { teamId: "t", appId: "a", releaseId: null, replica: "r", stream: "stdout", time: T0, line: 'say "hi" now' },
    ]);
    const find = (text: string) => store.search({ appId: "a", from: T0, to: T0, text, limit: 10 }).lines.map((l) => l.line);
    for (const indexed of [false, true]) {
      if (indexed) new LogIndexer(store).catchUp();
      expect(find("50%")).toEqual(["50% done"]);
      expect(find("%")).toEqual(["50% done"]);
      expect(find("a_b")).toEqual(["a_b axb"]);
      expect(find("_")).toEqual(["a_b axb"]);
      expect(find(":\\p")).toEqual(["C:\\path"]);
      // Contains the trigrams of "abcd" (abc, bcd) but not the text.
      expect(find("abcd")).toEqual([]);
      expect(find('"hi"')).toEqual(['say "hi" now']);
      expect(find("DONE")).toEqual(["500 done", "50% done"]);
    }
  });

  it("finds a line appended late with an old time (a backlog read after a restart) within its time range", () => {
    fill();
    new LogIndexer(store).catchUp();
    append([{ teamId: "team-a", appId: "app-1", releaseId: "rel-1", replica: "web-9", stream: "stdout", time: T0 + 5 * MIN + 1, line: "late backlog line" }]);
    const q = { ...whole, from: T0 + 5 * MIN, to: T0 + 6 * MIN };
    const got = store.search({ ...q, limit: 100 }).lines;
    expect(got.map((l) => l.line)).toEqual(["late backlog line", "#6 a_b marker", "#5 50% done"]);
    expect(got).toEqual(expected(q));
    new LogIndexer(store).catchUp();
    expect(store.search({ ...q, text: "backlog", limit: 100 }).lines.map((l) => l.line)).toEqual(["late backlog line"]);
  });

  it("builds the FTS5 query from the text's trigrams and escapes LIKE wildcards", () => {
    expect(ftsTrigrams("ab")).toBeNull();
    expect(ftsTrigrams("abcd")).toBe('"abc" AND "bcd"');
    expect(ftsTrigrams('a"bc')).toBe('"a""b" AND """bc"');
    expect(ftsTrigrams("aaaa")).toBe('"aaa"');
    expect(ftsTrigrams("abcdefgh")).toBe('"abc" AND "def" AND "fgh"');
    expect(ftsTrigrams("abcdef")).toBe('"abc" AND "def"');
    expect(ftsTrigrams("x".repeat(3) + "abcdefghijklmnopqrstuvwxyz")?.split(" AND ").length).toBe(8);
    expect(escapeLike("50%_\\")).toBe("50\\%\\_\\\\");
  });
});
