// The search indexer's pacing behind collection: back to back while collection is quiet, about
// one twentieth of the time while lines are being published, and nothing while caught up.
import { describe, expect, it } from "vitest";
import pino from "pino";
import { IndexPacing } from "@/server/daemon/logs/collector-index-pacing";
import { LogBus } from "@/server/daemon/logs/log-bus";

/** A batch that takes `ms` of busy CPU and reports `rows` (while any are left). */
function stepper(ms: number, total: number) {
  let left = total;
  const s = {
    steps: 0,
    busyMs: 0,
    step() {
      if (left <= 0) return 0;
      const t0 = performance.now();
      while (performance.now() - t0 < ms);
      s.busyMs += performance.now() - t0;
      s.steps++;
      left -= 100;
      return 100;
    },
  };
  return s;
}

describe("IndexPacing", () => {
  it("runs batches back to back when collection is quiet, and stops when caught up", async () => {
    const s = stepper(2, 2000);
    const p = new IndexPacing({ indexer: s, bus: new LogBus(), log: pino({ level: "silent" }), idleMs: 10_000 });
    p.start();
    await new Promise((r) => setTimeout(r, 300));
    await p.stop();
    expect(s.steps).toBe(20);
  });

  it("takes about a twentieth of the time while lines are published", async () => {
    const s = stepper(5, 1_000_000);
    const bus = new LogBus();
    const publishing = setInterval(() => bus.publish("a", [{ seq: 1, teamId: "t", appId: "a", releaseId: null, replica: "r", stream: "stdout", time: 0, line: "x" }]), 20);
    const p = new IndexPacing({ indexer: s, bus, log: pino({ level: "silent" }) });
    bus.publish("a", [{ seq: 1, teamId: "t", appId: "a", releaseId: null, replica: "r", stream: "stdout", time: 0, line: "x" }]);
    p.start();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 1500));
    await p.stop();
    clearInterval(publishing);
    const share = s.busyMs / (performance.now() - t0);
    expect(share).toBeGreaterThan(0.02);
    expect(share).toBeLessThan(0.1);
  });
});
