// The metrics file on a real SQLite database: rollups keep totals, retention deletes only what is
// past it (and only once folded), charts merge replicas and histograms.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emptyHistogram, addLatency } from "@/server/daemon/metrics/latency-histogram";
import { openMetricsDb, type MetricsDb } from "@/server/daemon/metrics/metrics-database";
import { appMetrics, teamUsageHistory } from "@/server/daemon/metrics/metrics-query";
import { runRollup } from "@/server/daemon/metrics/metrics-rollup";
import { MetricsStore, type AppCounts } from "@/server/daemon/metrics/metrics-store";

const sources = { containers: "engine" as const, http: "ingress" as const, note: null };
const quota = { cpuMillicores: 4000, memoryMib: 4096, storageGib: 20, maxApps: 20, logMib: 1024 };

let dir: string;
let db: MetricsDb;
let store: MetricsStore;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "slipway-metrics-"));
  db = openMetricsDb(path.join(dir, "metrics", "metrics.db"));
  store = new MetricsStore(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function counts(ts: number, requests: number, ms: number, appId = "app1"): AppCounts {
  const hist = emptyHistogram();
  for (let i = 0; i < requests; i++) addLatency(hist, ms);
  return { ts, appId, restarts: 0, requests, s2xx: requests, s3xx: 0, s4xx: 0, s5xx: 0, hist };
}

const sum = (db: MetricsDb, tier: number, col: string, table = "app_samples") => (db.prepare(`SELECT COALESCE(SUM(${col}), 0) AS s FROM ${table} WHERE tier = ?`).get(tier) as { s: number }).s;

describe("metrics store", () => {
  it("folds fine samples into coarse ones keeping totals, once, and deletes by retention", () => {
    const day = 24 * 3600;
    const t0 = 1_800_000_000 - (1_800_000_000 % 300) - 2 * day;
    // Two days of samples every 5 s: one app, two replicas, some requests each interval.
    let requests = 0;
    // One transaction for all of it (the store's own become savepoints): a test, not a load.
    db.exec("BEGIN");
    for (let ts = t0; ts < t0 + 2 * day; ts += 5) {
      const n = (ts / 5) % 7;
      requests += n;
      store.addAppCounts([counts(ts, n, 3)]);
      store.writeContainers([
        { ts, appId: "app1", container: "c1", replica: "web-1", cpuPercent: 10, memoryBytes: 1000, rxBytesPerSec: 1, txBytesPerSec: 2 },
        { ts, appId: "app1", container: "c2", replica: "web-2", cpuPercent: 30, memoryBytes: 3000, rxBytesPerSec: 1, txBytesPerSec: 2 },
      ]);
      store.writeTeams([{ ts, teamId: "t1", cpuMillicores: 500, memoryMib: 256, storageGib: 1, apps: 2, logBytes: null }]);
    }
    db.exec("COMMIT");
    const now = t0 + 2 * day + 60;
    const r = runRollup(db, now);
    expect(r.foldedUntil).toBe(t0 + 2 * day);
    // Totals kept by the fold (before retention deleted anything of the first day's fine rows, the
    // coarse tier holds both days).
    expect(sum(db, 1, "requests")).toBe(requests);
    expect(sum(db, 1, "n", "container_samples")).toBe(2 * ((2 * day) / 5));
    // A second run folds nothing twice.
    runRollup(db, now + 1);
    expect(sum(db, 1, "requests")).toBe(requests);
    // Fine rows older than a day are gone, younger ones kept.
    const oldestFine = (db.prepare("SELECT MIN(ts) AS t FROM app_samples WHERE tier = 0").get() as { t: number }).t;
    expect(oldestFine).toBeGreaterThanOrEqual(now - day);
    expect(oldestFine).toBeLessThan(now - day + 10);
    // Requests of the last day (the 5-minute intervals whose fine rows are all kept): fine and coarse agree.
    const lastDay = (tier: number) => (db.prepare("SELECT SUM(requests) AS s FROM app_samples WHERE tier = ? AND ts >= ? AND ts < ?").get(tier, t0 + day + 300, t0 + 2 * day) as { s: number }).s;
    expect(lastDay(0)).toBeGreaterThan(0);
    expect(lastDay(1)).toBe(lastDay(0));
    // Coarse rows past 30 days are deleted.
    const later = runRollup(db, now + 31 * day);
    expect(later.deletedCoarse).toBeGreaterThan(0);
    expect(sum(db, 1, "requests")).toBe(0);
  });

  it("never deletes fine rows that are not folded yet", () => {
    const ts = 1_800_000_000;
    store.addAppCounts([counts(ts, 5, 3)]);
    db.prepare("INSERT INTO rollup_state (id, folded_until) VALUES (1, ?)").run(ts - 600);
    // Way past the fine retention, but the fold below starts at the watermark, so it folds first.
    runRollup(db, ts + 2 * 24 * 3600);
    expect(sum(db, 1, "requests")).toBe(5);
  });

  it("charts an app: replicas add up, requests per second, percentiles from merged histograms", () => {
    const now = 1_800_000_000;
    const from = now - 600;
    for (let ts = from; ts < now; ts += 5) {
      store.writeContainers([
        { ts, appId: "app1", container: "c1", replica: "web-1", cpuPercent: 20, memoryBytes: 1000, rxBytesPerSec: 10, txBytesPerSec: 20 },
        { ts, appId: "app1", container: "c2", replica: "web-2", cpuPercent: 40, memoryBytes: 3000, rxBytesPerSec: 10, txBytesPerSec: 20 },
      ]);
      store.addAppCounts([counts(ts, 9, 4), counts(ts, 1, 400)]);
    }
    const dto = appMetrics(db, "app1", "1h", now, sources);
    expect(dto.resolution).toBe("fine");
    expect(dto.stepSeconds).toBe(15);
    const full = dto.points.filter((p) => p.cpuPercent !== null && new Date(p.time).getTime() / 1000 + 15 <= now);
    expect(full.length).toBeGreaterThan(30);
    for (const p of full) {
      expect(p.cpuPercent).toBeCloseTo(60);
      expect(p.memoryBytes).toBe(4000);
      expect(p.requestsPerSec).toBeCloseTo(2);
      expect(p.status2xx).toBe(30);
      expect(p.latencyP50Ms).toBeLessThanOrEqual(5);
      expect(p.latencyP99Ms).toBeGreaterThan(300);
    }
    // Before the first sample: unknown, not zero.
    expect(dto.points[0]).toMatchObject({ cpuPercent: null, requestsPerSec: null, latencyP50Ms: null });
    expect(dto.replicas.map((r) => r.replica)).toEqual(["web-1", "web-2"]);
    expect(dto.replicas[1]!.points.find((p) => p.cpuPercent !== null)?.cpuPercent).toBeCloseTo(40);
    expect(dto.sources).toEqual(sources);
    // Another app's samples are not this one's.
    expect(appMetrics(db, "app2", "1h", now, sources).points.every((p) => p.cpuPercent === null && p.requestsPerSec === null)).toBe(true);
  });

  it("charts a team's usage from the coarse tier beyond a day", () => {
    const now = 1_800_000_000;
    for (let ts = now - 3 * 24 * 3600; ts < now; ts += 60) store.writeTeams([{ ts, teamId: "t1", cpuMillicores: ts < now - 24 * 3600 ? 500 : 1500, memoryMib: 256, storageGib: 2, apps: 3, logBytes: 4096 }]);
    runRollup(db, now);
    const dto = teamUsageHistory(db, "t1", "7d", now, quota);
    expect(dto.stepSeconds).toBe(3600);
    expect(dto.quota).toEqual(quota);
    expect(dto.points.length).toBeGreaterThanOrEqual(70);
    expect(dto.points[0]).toMatchObject({ cpuMillicores: 500, memoryMib: 256, storageGib: 2, apps: 3, logBytes: 4096 });
    expect(dto.points.at(-1)!.cpuMillicores).toBe(1500);
    expect(teamUsageHistory(db, "t2", "7d", now, quota).points).toEqual([]);
  });
});
