// The k8s-file records of a container's log, parsed as Podman's conmon writes them, and a file
// followed into a store: partial records joined per stream, an unfinished record left for later,
// and a follower started again on the same store resuming at exactly the next record (its saved
// partial included): each line once, in order.
import { afterEach, describe, expect, it } from "vitest";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { initialPosition, MAX_LINE_CHARS, parsePosition, parseRecords, TimestampParser } from "@/server/daemon/logs/container-log-file";
import { FileFollower, type FollowedContainer } from "@/server/daemon/logs/collector-file-follower";
import { LogBus } from "@/server/daemon/logs/log-bus";
import { MemoryLogStore } from "./logs-memory-store";

const T = "2026-11-29T15:48:29.329662992+00:00";
const T_MS = Date.parse("2026-11-29T15:48:29.329Z");
const rec = (stream: "stdout" | "stderr", flag: "F" | "P", text: string, time = T) => `${time} ${stream} ${flag} ${text}\n`;

describe("parseRecords", () => {
  it("joins partial records per stream, keeps stream order, and leaves an unfinished record for later", () => {
    const text = rec("stdout", "F", "hello") + rec("stdout", "P", "part") + rec("stderr", "F", "err ✓") + rec("stdout", "F", " rest") + rec("stdout", "F", "") + "2026-11-29T15:48:30.1+00:00 stdout F unfin";
    const buf = Buffer.from(text);
    const { lines, position } = parseRecords(buf, initialPosition(1, 2), new TimestampParser());
    expect(lines.map((l) => [l.stream, l.line])).toEqual([
      ["stdout", "hello"],
      ["stderr", "err ✓"],
      ["stdout", "part rest"],
      ["stdout", ""],
    ]);
    expect(lines[0]!.time).toBe(T_MS);
    expect(position.offset).toBe(buf.lastIndexOf(0x0a) + 1);
    expect(position.stdout).toBeUndefined();
  });

  it("carries a partial line in the position until its end arrives", () => {
    const times = new TimestampParser();
    const first = parseRecords(Buffer.from(rec("stderr", "P", "half ")), initialPosition(1, 2), times);
    expect(first.lines).toEqual([]);
    expect(first.position.stderr).toEqual({ time: T_MS, text: "half " });
    const resumed = parsePosition(JSON.stringify(first.position))!;
    const second = parseRecords(Buffer.from(rec("stderr", "F", "done", "2026-11-29T15:48:31.5+00:00")), resumed, times);
    expect(second.lines).toEqual([{ stream: "stderr", time: T_MS, line: "half done" }]);
    expect(second.position.stderr).toBeUndefined();
  });

  it("stores a line that never ends once it passes the cap", () => {
    const piece = "x".repeat(8192);
    let text = "";
    for (let i = 0; i * 8192 < MAX_LINE_CHARS; i++) text += rec("stdout", "P", piece);
    const { lines, position } = parseRecords(Buffer.from(text), initialPosition(1, 2), new TimestampParser());
    expect(lines).toHaveLength(1);
    expect(lines[0]!.line.length).toBe(MAX_LINE_CHARS);
    expect(position.stdout).toBeUndefined();
  });

  it("reads timestamps with other zones and without a fraction", () => {
    const p = new TimestampParser();
    expect(p.parse("2026-11-29T17:48:29.5+02:00")).toBe(Date.parse("2026-11-29T15:48:29.500Z"));
    expect(p.parse("2026-11-29T15:48:29Z")).toBe(Date.parse("2026-11-29T15:48:29Z"));
    expect(p.parse("2026-11-29T15:48:29.000999Z")).toBe(Date.parse("2026-11-29T15:48:29Z"));
    expect(p.parse("2026-11-29T15:48:29.07-01:00")).toBe(Date.parse("2026-11-29T16:48:29.070Z"));
  });
});

describe("FileFollower", () => {
  let dir = "";
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const container = (file: string): FollowedContainer => ({ source: "podman:abc", path: file, teamId: "t1", appId: "a1", releaseId: "r1", replica: "web-0" });
  const waitFor = async (what: string, fn: () => boolean) => {
    const deadline = Date.now() + 5000;
    while (!fn()) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it("follows appends and, started again on the same store, resumes at the next record: each line once", async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "logs-follow-"));
    const file = path.join(dir, "ctr.log");
    writeFileSync(file, "");
    const store = new MemoryLogStore();
    const bus = new LogBus();
    const published: number[] = [];
    bus.subscribe("a1", (lines) => published.push(...lines.map((l) => l.seq)));
    const opts = { store, bus, log: pino({ level: "silent" }), chunkBytes: 64, pollMs: 50 };
    // A tiny chunk: many appends, each with its cursor.
    const f1 = new FileFollower(container(file), opts);
    expect(await f1.start()).toBe(true);
    for (let i = 1; i <= 20; i++) appendFileSync(file, rec("stdout", "F", `line ${i}`));
    appendFileSync(file, rec("stdout", "P", "split "));
    await f1.flush();
    await waitFor("20 lines", () => store.lines.length === 20);
    // "Killed": the follower stops without a word; more lines arrive meanwhile.
    await f1.close();
    appendFileSync(file, rec("stdout", "F", "joined"));
    for (let i = 21; i <= 30; i++) appendFileSync(file, rec(i % 2 ? "stderr" : "stdout", "F", `line ${i}`));
    const f2 = new FileFollower(container(file), opts);
    expect(await f2.start()).toBe(true);
    await waitFor("31 lines", () => store.lines.length === 31);
    await f2.finish();
    expect(store.lines.map((l) => l.line)).toEqual([...Array.from({ length: 20 }, (_, i) => `line ${i + 1}`), "split joined", ...Array.from({ length: 10 }, (_, i) => `line ${i + 21}`)]);
    expect(store.lines.every((l) => l.appId === "a1" && l.teamId === "t1" && l.releaseId === "r1" && l.replica === "web-0")).toBe(true);
    expect(published).toEqual(store.lines.map((l) => l.seq));
    expect(store.cursor("podman:abc")?.finished).toBe(true);
  });

  it("starts over from the beginning when the file is not the one the cursor names", async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "logs-follow-"));
    const file = path.join(dir, "ctr.log");
    writeFileSync(file, rec("stdout", "F", "new file"));
    const store = new MemoryLogStore();
    store.append([], [{ source: "podman:abc", appId: "a1", position: JSON.stringify({ offset: 5, dev: 0, ino: 0 }), finished: false }]);
    const f = new FileFollower(container(file), { store, bus: new LogBus(), log: pino({ level: "silent" }), chunkBytes: 1024, pollMs: 50 });
    await f.start();
    await f.flush();
    await f.close();
    expect(store.lines.map((l) => l.line)).toEqual(["new file"]);
  });
});
