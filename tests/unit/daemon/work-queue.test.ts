import { describe, expect, it } from "vitest";
import { WorkQueue } from "@/server/daemon/control-loop/work-queue";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("WorkQueue", () => {
  it("queues a key once however often it is added", async () => {
    const seen: string[] = [];
    const q = new WorkQueue<string>({ handle: async (k) => void seen.push(k), onError: () => undefined });
    q.add("a");
    q.add("a");
    q.add("b");
    q.add("a");
    await q.idle();
    expect(seen.sort()).toEqual(["a", "b"]);
  });

  it("never runs one key twice at once; an add during its step runs it once more after", async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const gate = deferred();
    const q = new WorkQueue<string>({
      handle: async () => {
        running++;
        runs++;
        maxRunning = Math.max(maxRunning, running);
        if (runs === 1) await gate.promise;
        running--;
      },
      onError: () => undefined,
    });
    q.add("a");
    await sleep(5);
    q.add("a");
    q.add("a");
    gate.resolve();
    await sleep(5);
    await q.idle();
    expect(maxRunning).toBe(1);
    expect(runs).toBe(2);
  });

  it("runs different keys concurrently up to its limit, so one slow key holds up no other", async () => {
    const slow = deferred();
    const done: string[] = [];
    const q = new WorkQueue<string>({
      concurrency: 2,
      handle: async (k) => {
        if (k === "slow") await slow.promise;
        done.push(k);
      },
      onError: () => undefined,
    });
    q.add("slow");
    for (const k of ["a", "b", "c"]) q.add(k);
    await sleep(20);
    expect(done).toEqual(["a", "b", "c"]);
    slow.resolve();
    await q.idle();
    expect(done).toContain("slow");
  });

  it("runs a key added for later only then, and an earlier add wins", async () => {
    const at: Record<string, number> = {};
    const t0 = Date.now();
    const q = new WorkQueue<string>({ handle: async (k) => void (at[k] = Date.now() - t0), onError: () => undefined });
    q.addAfter("late", 120);
    q.addAfter("soon", 200);
    q.addAfter("soon", 30);
    await sleep(60);
    expect(at.soon).toBeGreaterThanOrEqual(25);
    expect(at.late).toBeUndefined();
    await sleep(120);
    expect(at.late).toBeGreaterThanOrEqual(115);
    expect(Object.keys(at).sort()).toEqual(["late", "soon"]);
  });

  it("backs a failing key off exponentially with jitter until forget()", () => {
    const q = new WorkQueue<string>({ handle: async () => undefined, onError: () => undefined, backoff: { baseMs: 1000, maxMs: 8000 }, random: () => 1 });
    expect([q.addRateLimited("a"), q.addRateLimited("a"), q.addRateLimited("a"), q.addRateLimited("a"), q.addRateLimited("a")]).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(q.failuresOf("a")).toBe(5);
    q.forget("a");
    expect(q.addRateLimited("a")).toBe(1000);
    const half = new WorkQueue<string>({ handle: async () => undefined, onError: () => undefined, backoff: { baseMs: 1000, maxMs: 8000 }, random: () => 0 });
    expect(half.addRateLimited("a")).toBe(500);
    void q.shutDown();
    void half.shutDown();
  });

  it("hands what a step threw to onError and keeps going", async () => {
    const errors: [string, unknown][] = [];
    const seen: string[] = [];
    const q = new WorkQueue<string>({
      handle: async (k) => {
        if (k === "bad") throw new Error("boom");
        seen.push(k);
      },
      onError: (k, e) => errors.push([k, e]),
    });
    q.add("bad");
    q.add("good");
    await q.idle();
    expect(seen).toEqual(["good"]);
    expect(errors).toHaveLength(1);
    expect(errors[0]![0]).toBe("bad");
    expect(String(errors[0]![1])).toContain("boom");
  });

  it("done(key) waits for that key's step only; shutDown waits for steps in flight and takes no more", async () => {
    const gate = deferred();
    const seen: string[] = [];
    const q = new WorkQueue<string>({
      handle: async (k) => {
        if (k === "a") await gate.promise;
        seen.push(k);
      },
      onError: () => undefined,
    });
    q.add("a");
    await sleep(5);
    let aDone = false;
    const waiting = q.done("a").then(() => (aDone = true));
    await q.done("b");
    expect(aDone).toBe(false);
    const stopping = q.shutDown();
    q.add("c");
    gate.resolve();
    await Promise.all([waiting, stopping]);
    expect(aDone).toBe(true);
    await sleep(5);
    expect(seen).toEqual(["a"]);
  });
});
