import { describe, expect, it } from "vitest";
import { retryDelayMs } from "@/server/daemon/control-loop/retry-backoff";
import { isUnreachable } from "@/server/daemon/control-loop/reconcile-errors";

describe("retryDelayMs", () => {
  const o = { baseMs: 1000, maxMs: 60_000 };
  it("doubles per failure between half and all of the ceiling, capped", () => {
    expect(retryDelayMs(1, o, () => 0)).toBe(500);
    expect(retryDelayMs(1, o, () => 1)).toBe(1000);
    expect(retryDelayMs(3, o, () => 0)).toBe(2000);
    expect(retryDelayMs(3, o, () => 1)).toBe(4000);
    expect(retryDelayMs(20, o, () => 1)).toBe(60_000);
    expect(retryDelayMs(20, o, () => 0)).toBe(30_000);
  });

  it("spreads apps that failed together", () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(4, o)));
    expect(delays.size).toBeGreaterThan(10);
  });
});

describe("isUnreachable", () => {
  it("reads Node's error codes, also from a wrapped cause, not the message", () => {
    expect(isUnreachable(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6443"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isUnreachable(new Error("fetch failed", { cause: Object.assign(new Error("x"), { code: "ENOTFOUND" }) }))).toBe(true);
    expect(isUnreachable(new Error("ECONNREFUSED in a message only"))).toBe(false);
    expect(isUnreachable(Object.assign(new Error("forbidden"), { code: 403 }))).toBe(false);
  });
});
