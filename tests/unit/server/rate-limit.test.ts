import { describe, expect, it } from "vitest";
import { RateLimiter } from "@/server/rate-limit";

describe("RateLimiter", () => {
  it("allows a burst up to capacity, then refills over time, per key", () => {
    const limiter = new RateLimiter(3, 1);
    const t0 = 1_000_000;
    expect([1, 2, 3, 4].map(() => limiter.take("a", t0))).toEqual([true, true, true, false]);
    expect(limiter.take("b", t0)).toBe(true);
    expect(limiter.take("a", t0 + 999)).toBe(false);
    expect(limiter.take("a", t0 + 1000)).toBe(true);
  });
});
