// The live tail over HTTP against an in-memory store (the real store's tests are the integration
// tests): the first screen, resume after a seq with no gap and no duplicate while lines keep being
// appended, a release filter, and a reader that does not read: it holds the daemon to one frame in
// its socket buffers and neither the collector nor the other viewer waits for it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { sseFrames, streamLiveLogs, toLogLineDto } from "@/server/daemon/api/app-log-live";
import { LogBus } from "@/server/daemon/logs/log-bus";
import type { LogLineDto } from "@/server/logs/schemas";
import { readSse } from "../../support/sse-client";
import { MemoryLogStore } from "./logs-memory-store";

const store = new MemoryLogStore();
const bus = new LogBus();
let server: http.Server;
let base = "";

function appendLines(n: number, from: number, releaseId = "r1") {
  const stored = store.append(
    Array.from({ length: n }, (_, i) => ({ teamId: "t", appId: "a1", releaseId, replica: "web-0", stream: "stdout" as const, time: Date.now(), line: `line ${from + i}` })),
    [],
  );
  bus.publish("a1", stored);
  return stored;
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url!, "http://x");
    const after = url.searchParams.get("after");
    const release = url.searchParams.get("release");
    void streamLiveLogs(store, bus, { appId: "a1", tail: Number(url.searchParams.get("tail") ?? 10), ...(after ? { after: Number(after) } : {}), ...(release ? { releaseId: release } : {}) }, req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const until = async (what: string, fn: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("live tail (SSE)", () => {
  it("starts with the tail, then resumes after the last frame id with no gap and no duplicate", async () => {
    appendLines(50, 1);
    const seen: LogLineDto[] = [];
    let lastId = "";
    const first = readSse(`${base}?tail=10`, {}, (f) => {
      const lines = JSON.parse(f.data) as LogLineDto[];
      expect(f.id).toBe(String(lines[lines.length - 1]!.seq));
      seen.push(...lines);
      lastId = f.id!;
    });
    await until("the tail", () => seen.length === 10);
    expect(seen.map((l) => l.line)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${41 + i}`));
    // Lines keep coming while the viewer goes away and comes back.
    const writer = setInterval(() => appendLines(37, 0), 5);
    await until("more lines live", () => seen.length > 500);
    first.close();
    await first.done;
    await new Promise((r) => setTimeout(r, 50));
    const second = readSse(`${base}?after=${lastId}`, {}, (f) => {
      seen.push(...(JSON.parse(f.data) as LogLineDto[]));
    });
    await until("lines after the resume", () => seen.length > 3000);
    clearInterval(writer);
    const last = store.lines[store.lines.length - 1]!.seq;
    await until("every line", () => seen[seen.length - 1]!.seq === last);
    second.close();
    const seqs = seen.map((l) => l.seq);
    const expected = store.lines.filter((l) => l.seq >= seqs[0]!).map((l) => l.seq);
    expect(seqs).toEqual(expected);
  });

  it("narrows to one release", async () => {
    const seen: LogLineDto[] = [];
    const c = readSse(`${base}?tail=0&release=r2`, {}, (f) => {
      seen.push(...(JSON.parse(f.data) as LogLineDto[]));
    });
    await c.status;
    await new Promise((r) => setTimeout(r, 50));
    appendLines(5, 0, "r1");
    appendLines(3, 100, "r2");
    appendLines(5, 0, "r1");
    appendLines(2, 200, "r2");
    await until("r2's lines", () => seen.length === 5);
    await new Promise((r) => setTimeout(r, 100));
    c.close();
    expect(seen.map((l) => l.line)).toEqual(["line 100", "line 101", "line 102", "line 200", "line 201"]);
    expect(seen.every((l) => l.releaseId === "r2")).toBe(true);
  });

  it("a viewer that does not read holds back neither the collector nor another viewer", async () => {
    const start = store.lines.at(-1)?.seq ?? 0;
    let stalledFrames = 0;
    let release!: () => void;
    const stalled = new Promise<void>((r) => (release = r));
    // Takes one frame, then stops reading: its socket fills and the daemon side waits for drain.
    const slow = readSse(`${base}?after=${start}`, {}, async () => {
      stalledFrames++;
      await stalled;
    });
    const fast: number[] = [];
    const quick = readSse(`${base}?after=${start}`, {}, (f) => {
      fast.push(...(JSON.parse(f.data) as LogLineDto[]).map((l) => l.seq));
    });
    await Promise.all([slow.status, quick.status]);
    const long = "x".repeat(400);
    const t0 = Date.now();
    for (let i = 0; i < 200; i++) {
      const stored = store.append(Array.from({ length: 500 }, (_, j) => ({ teamId: "t", appId: "a1", releaseId: "r1", replica: "web-0", stream: "stdout" as const, time: Date.now(), line: `${long} ${i}.${j}` })), []);
      bus.publish("a1", stored);
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    const appendMs = Date.now() - t0;
    const end = store.lines[store.lines.length - 1]!.seq;
    await until("the fast viewer has every line", () => fast[fast.length - 1] === end, 20_000);
    expect(fast).toEqual(store.lines.filter((l) => l.seq > start).map((l) => l.seq));
    // 100,000 lines of 400 bytes (40 MB) passed; the stalled viewer is still on its first frames.
    expect(stalledFrames).toBeLessThan(5);
    expect(appendMs).toBeLessThan(5000);
    release();
    slow.close();
    quick.close();
    await Promise.all([slow.done, quick.done]);
  }, 30_000);
});

describe("sseFrames", () => {
  it("writes each line as its LogLineDto's JSON, in frames of at most 500 lines whose id is the last seq", () => {
    const lines = Array.from({ length: 1201 }, (_, i) => ({
      seq: 10 + i,
      teamId: "t",
      appId: "a",
      releaseId: i % 3 ? "r1" : null,
      replica: i % 2 ? "web-\"0\"" : "web-1",
      stream: (i % 2 ? "stdout" : "stderr") as "stdout" | "stderr",
      time: 1_800_000_000_000 + Math.floor(i / 7),
      line: i === 5 ? "quote \" backslash \\ tab \t ✓ \u0000" : `line ${i}`,
    }));
    const frames = [...sseFrames(lines)];
    expect(frames).toHaveLength(3);
    const parsed = frames.map((f) => {
      const m = /^id: (\d+)\nevent: lines\ndata: (.*)\n\n$/s.exec(f)!;
      return { id: Number(m[1]), lines: JSON.parse(m[2]!) as LogLineDto[] };
    });
    expect(parsed.map((p) => p.lines.length)).toEqual([500, 500, 201]);
    expect(parsed.map((p) => p.id)).toEqual([509, 1009, 1210]);
    expect(parsed.flatMap((p) => p.lines)).toEqual(lines.map(toLogLineDto));
  });
});
