// The log store on a real SQLite file: append (lines + cursors + usage in one transaction),
// reading by seq, cursors, an app's deletion, reopening the file.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LOG_ROW_OVERHEAD_BYTES, logStorePath } from "@/server/daemon/logs/log-database";
import { openLogStore, type SqliteLogStore } from "@/server/daemon/logs/log-store";
import type { LogLineInput } from "@/server/daemon/logs/log-store-types";

let dir: string;
let file: string;
let store: SqliteLogStore;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "slipway-log-store-"));
  file = logStorePath(dir);
  store = openLogStore(file);
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function line(over: Partial<LogLineInput> & { line: string }): LogLineInput {
  return { teamId: "team-a", appId: "app-1", releaseId: "rel-1", replica: "app-1-r1", stream: "stdout", time: 1_000, ...over };
}

describe("log store", () => {
  it("puts the file at <dataDir>/logs/logs.db", () => {
    expect(file).toBe(path.join(dir, "logs", "logs.db"));
  });

  it("assigns ascending seqs in the given order and reads them back by app, after a seq, and as a tail", () => {
    const stored = store.append(
      [
        line({ line: "one" }),
        line({ appId: "app-2", line: "other app" }),
        line({ line: "two", stream: "stderr", releaseId: null }),
        line({ line: "three", replica: "app-1-r2" }),
      ],
      [],
    );
    expect(stored.map((l) => l.seq)).toEqual([1, 2, 3, 4]);
    expect(stored[2]).toEqual({ seq: 3, teamId: "team-a", appId: "app-1", releaseId: null, replica: "app-1-r1", stream: "stderr", time: 1_000, line: "two" });

    expect(store.after("app-1", 0, 100).map((l) => l.line)).toEqual(["one", "two", "three"]);
    expect(store.after("app-1", 1, 100)).toEqual(stored.filter((l) => l.appId === "app-1" && l.seq > 1));
    expect(store.after("app-1", 0, 2).map((l) => l.seq)).toEqual([1, 3]);
    expect(store.after("app-1", 0, 100, "rel-1").map((l) => l.line)).toEqual(["one", "three"]);
    expect(store.after("app-2", 0, 100).map((l) => l.line)).toEqual(["other app"]);
    expect(store.after("no-such-app", 0, 100)).toEqual([]);

    expect(store.tail("app-1", 2).map((l) => l.line)).toEqual(["two", "three"]);
    expect(store.tail("app-1", 10, "rel-1").map((l) => l.line)).toEqual(["one", "three"]);
    expect(store.tail("app-1", 0)).toEqual([]);
  });

  it("keeps seqs ascending across reopening, even after the newest lines were deleted", () => {
    store.append([line({ line: "a" }), line({ appId: "app-2", line: "b" })], []);
    expect(store.deleteApp("app-2")).toBe(1);
    store.close();
    store = openLogStore(file);
    const [next] = store.append([line({ line: "c" })], []);
    // seq 2 (app-2's deleted line) is never handed out again: a reader resuming after it, or the
    // indexer's watermark, would otherwise miss the new line.
    expect(next?.seq).toBe(3);
    expect(store.tail("app-1", 10).map((l) => l.line)).toEqual(["a", "c"]);
  });

  it("saves cursors with the lines; openCursors lists the unfinished ones; a rolled-back append saves neither", () => {
    store.append([line({ line: "x" })], [{ source: "podman:c1", appId: "app-1", position: "10", finished: false }]);
    store.append([], [{ source: "podman:c2", appId: "app-1", position: "5", finished: true }]);
    store.append([line({ line: "y" })], [{ source: "podman:c1", appId: "app-1", position: "20", finished: false }]);
    expect(store.cursor("podman:c1")).toEqual({ source: "podman:c1", appId: "app-1", position: "20", finished: false });
    expect(store.cursor("podman:c2")?.finished).toBe(true);
    expect(store.cursor("nope")).toBeNull();
    expect(store.openCursors().map((c) => c.source)).toEqual(["podman:c1"]);

    // A bad line (a stream the store does not know) fails the whole append: no line, no cursor move,
    // no new app left behind, and the store keeps working.
    expect(() =>
      store.append(
        [line({ appId: "app-new", line: "ok" }), line({ line: "bad", stream: "stdin" as never })],
        [{ source: "podman:c1", appId: "app-1", position: "30", finished: false }],
      ),
    ).toThrow(/stream/);
    expect(store.cursor("podman:c1")?.position).toBe("20");
    expect(store.tail("app-new", 10)).toEqual([]);
    expect(store.teamUsage("team-a").lines).toBe(2);
    const [z] = store.append([line({ appId: "app-new", line: "z" })], []);
    expect(z?.seq).toBe(3);
    expect(store.tail("app-new", 10).map((l) => l.line)).toEqual(["z"]);
  });

  it("counts a team's bytes (UTF-8 + a fixed overhead per line), lines and oldest line, and an app's deletion takes them off", () => {
    store.append(
      [
        line({ line: "héllo", time: 5_000 }),
        line({ appId: "app-2", line: "abc", time: 2_000 }),
        line({ teamId: "team-b", appId: "app-b", line: "zz", time: 1_000 }),
      ],
      [{ source: "podman:c2", appId: "app-2", position: "1", finished: false }],
    );
    expect(store.teamUsage("team-a")).toEqual({ bytes: 6 + 3 + 2 * LOG_ROW_OVERHEAD_BYTES, lines: 2, oldest: 2_000 });
    expect(store.teamUsage("team-b")).toEqual({ bytes: 2 + LOG_ROW_OVERHEAD_BYTES, lines: 1, oldest: 1_000 });
    expect(store.teamUsage("team-none")).toEqual({ bytes: 0, lines: 0, oldest: null });

    expect(store.deleteApp("app-2")).toBe(1);
    expect(store.deleteApp("app-2")).toBe(0);
    expect(store.teamUsage("team-a")).toEqual({ bytes: 6 + LOG_ROW_OVERHEAD_BYTES, lines: 1, oldest: 5_000 });
    expect(store.after("app-2", 0, 10)).toEqual([]);
    expect(store.cursor("podman:c2")).toBeNull();
    // The app can log again (a new app row) after its deletion.
    store.append([line({ appId: "app-2", line: "again" })], []);
    expect(store.tail("app-2", 10).map((l) => l.line)).toEqual(["again"]);
  });

  it("creates the schema once (user_version) and uses WAL", () => {
    store.close();
    store = openLogStore(file);
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma("user_version", { simple: true })).toBe(1);
      expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    } finally {
      raw.close();
    }
  });

  it("stores large batches in order (multi-row inserts plus the remainder)", () => {
    const batch = Array.from({ length: 1000 }, (_, i) => line({ line: `line ${i}`, time: i, replica: `r${i % 3}` }));
    const stored = store.append(batch, []);
    expect(stored.at(-1)?.seq).toBe(1000);
    const back = store.after("app-1", 0, 2000);
    expect(back.map((l) => l.line)).toEqual(batch.map((l) => l.line));
    expect(back.map((l) => l.replica)).toEqual(batch.map((l) => l.replica));
    expect(store.teamUsage("team-a").lines).toBe(1000);
  });
});
