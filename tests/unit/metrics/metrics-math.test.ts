import { describe, expect, it } from "vitest";
import { addLatency, bucketOf, emptyHistogram, LATENCY_BOUNDS_MS, mergeInto, percentile } from "@/server/daemon/metrics/latency-histogram";
import { cpuPercent, ratePerSecond } from "@/server/daemon/metrics/counter-rate";
import { planRange } from "@/server/daemon/metrics/metric-steps";
import { countAccessLines, normalHost } from "@/server/daemon/metrics/access-log-counts";
import { parseNetDev } from "@/server/daemon/metrics/cgroup-stats";
import { RestartCounter } from "@/server/daemon/metrics/restart-counter";
import type { SampledContainer } from "@/server/daemon/metrics/engine-containers";
import { metricRanges } from "@/server/metrics/schemas";

describe("latency histogram", () => {
  it("puts a latency in the first bucket whose bound holds it", () => {
    expect(bucketOf(0.3)).toBe(0);
    expect(bucketOf(1)).toBe(0);
    expect(bucketOf(1.01)).toBe(1);
    expect(bucketOf(100)).toBe(LATENCY_BOUNDS_MS.indexOf(100));
    expect(bucketOf(1e6)).toBe(LATENCY_BOUNDS_MS.length);
  });

  it("reads percentiles within the bucket they fall in, also after merging", () => {
    const a = emptyHistogram();
    const b = emptyHistogram();
    // 900 fast requests (~4 ms) on one replica, 100 slow ones (~400 ms) on another.
    for (let i = 0; i < 900; i++) addLatency(a, 4);
    for (let i = 0; i < 100; i++) addLatency(b, 400);
    const all = emptyHistogram();
    mergeInto(all, a);
    mergeInto(all, b);
    const p50 = percentile(all, 0.5)!;
    const p95 = percentile(all, 0.95)!;
    const p99 = percentile(all, 0.99)!;
    expect(p50).toBeGreaterThan(3);
    expect(p50).toBeLessThanOrEqual(5);
    expect(p95).toBeGreaterThan(300);
    expect(p95).toBeLessThanOrEqual(500);
    expect(p99).toBeGreaterThan(p95);
    expect(p99).toBeLessThanOrEqual(500);
    expect(percentile(emptyHistogram(), 0.5)).toBeNull();
  });
});

describe("counter rates", () => {
  it("turns counters into rates and refuses a reset counter", () => {
    expect(ratePerSecond({ atMs: 0, value: 1000 }, { atMs: 2000, value: 5000 })).toBe(2000);
    expect(ratePerSecond(undefined, { atMs: 2000, value: 5000 })).toBeNull();
    expect(ratePerSecond({ atMs: 0, value: 9000 }, { atMs: 2000, value: 5000 })).toBeNull();
    expect(ratePerSecond({ atMs: 2000, value: 0 }, { atMs: 2000, value: 5 })).toBeNull();
    // Half a core for 5 s: 2.5e9 ns of CPU.
    expect(cpuPercent({ atMs: 0, value: 0 }, { atMs: 5000, value: 2.5e9 })).toBeCloseTo(50);
  });
});

describe("range plans", () => {
  it("serves up to a day from fine samples and gives every chart 60 to 300 points", () => {
    const now = 1_800_000_000;
    for (const r of metricRanges) {
      const p = planRange(r, now);
      const points = (p.to - p.from) / p.stepSeconds;
      expect(points, r).toBeGreaterThanOrEqual(60);
      expect(points, r).toBeLessThanOrEqual(300);
      expect(p.to, r).toBeGreaterThan(now);
      expect(p.from % p.stepSeconds).toBe(0);
      expect(p.resolution).toBe(r === "7d" || r === "30d" ? "coarse" : "fine");
      if (p.resolution === "coarse") expect(p.stepSeconds % 300).toBe(0);
    }
  });
});

describe("access-log lines", () => {
  const line = (host: string, status: number, duration: number, ts = 1000.2) => JSON.stringify({ level: "info", ts, logger: "http.log.access.slipway", msg: "handled request", request: { host }, duration, status });

  it("counts requests, status classes and latency per app and 5-second interval", () => {
    const hosts = new Map([["web.shop.t.localhost", "app1"], ["shop.example.com", "app1"], ["api.shop.t.localhost", "app2"]]);
    const { counts, skipped } = countAccessLines(
      [
        line("web.shop.t.localhost:8080", 200, 0.004),
        line("SHOP.example.com", 302, 0.001),
        line("web.shop.t.localhost", 404, 0.002),
        line("web.shop.t.localhost", 502, 5.1),
        line("web.shop.t.localhost", 200, 0.004, 1006),
        line("api.shop.t.localhost", 500, 0.2),
        line("nobody.localhost", 200, 0.001),
        "{not json",
      ],
      (h) => hosts.get(h),
    );
    expect(skipped).toBe(2);
    const app1 = counts.filter((c) => c.appId === "app1").sort((a, b) => a.ts - b.ts);
    expect(app1.map((c) => [c.ts, c.requests])).toEqual([[1000, 4], [1005, 1]]);
    expect(app1[0]).toMatchObject({ s2xx: 1, s3xx: 1, s4xx: 1, s5xx: 1 });
    expect(app1[0]!.hist.reduce((a, b) => a + b, 0)).toBe(4);
    expect(app1[0]!.hist[bucketOf(5100)]).toBe(1);
    expect(counts.find((c) => c.appId === "app2")).toMatchObject({ requests: 1, s5xx: 1 });
    expect(normalHost("Web.Shop.T.localhost.:80")).toBe("web.shop.t.localhost");
  });
});

describe("net/dev", () => {
  it("sums every interface but loopback", () => {
    const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    5000       5    0    0    0     0          0         0     5000       5    0    0    0     0       0          0
  eth0:     876      10    0    0    0     0          0         0      472       6    0    0    0     0       0          0
  eth1:     124      10    0    0    0     0          0         0       28       6    0    0    0     0       0          0
`;
    expect(parseNetDev(text)).toEqual({ rxBytes: 1000, txBytes: 500 });
  });
});

describe("restart counter", () => {
  const c = (id: string, replica: number, startedAt: number, running = true): SampledContainer => ({ id, name: id, appId: "a", replica, running, pid: running ? 1 : 0, startedAt });

  it("counts runs started again and replacements in a replica slot, not what it first finds", () => {
    const r = new RestartCounter();
    expect([...r.observe([c("x", 0, 100), c("y", 1, 100)])]).toEqual([]);
    expect(r.observe([c("x", 0, 100), c("y", 1, 100)]).get("a")).toBeUndefined();
    // x crashed and was started again in place; y is down.
    expect(r.observe([c("x", 0, 160), c("y", 1, 100, false)]).get("a")).toBe(1);
    // y replaced by z in slot 1 (and x restarted once more).
    expect(r.observe([c("x", 0, 170), c("z", 1, 170)]).get("a")).toBe(2);
    expect(r.observe([c("x", 0, 170), c("z", 1, 170)]).get("a")).toBeUndefined();
  });
});
