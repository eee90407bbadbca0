// Metrics from a real slipwayd with Podman and Caddy: requests through the ingress show up as
// requests per second, status classes and latency; a container burning CPU shows its CPU rising;
// a killed container counts as a restart; folding the real samples into coarse ones keeps the
// request total; the team's usage is charted against its quota; unknown ids are 404s.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Db } from "@/server/db";
import type { AppMetricPoint, AppMetricsDto, TeamUsageHistoryDto } from "@/server/metrics/schemas";
import { metricsDbPath } from "@/server/daemon/metrics/metrics-database";
import { runRollup } from "@/server/daemon/metrics/metrics-rollup";
import { caddyPaths } from "@/server/daemon/ingress/caddy-paths";
import { ensureTestBaseImage } from "../../support/test-images";
import { createFixtureRepo } from "../../support/git-fixtures";
import {
  allowLocalGitSources,
  cleanupDaemonResources,
  createDaemon,
  createTestDatabase,
  execFileAsync,
  ingressGet,
  makeDataDir,
  podmanIdsByLabel,
  queueBuild,
  seedApp,
  waitFor,
  waitForBuild,
  waitForReleaseStatus,
  type DaemonProcess,
  type SeededApp,
} from "../../support/daemon-harness";

const TEAM = `mt${Date.now().toString(36)}`;
let db: Db;
let daemon: DaemonProcess;
let app: SeededApp;

async function api<T>(p: string): Promise<{ status: number; body: T }> {
  const res = await fetch(daemon.apiUrl(p), { headers: { authorization: `Bearer ${daemon.token()}` } });
  return { status: res.status, body: (await res.json()) as T };
}

const metrics = async () => {
  const r = await api<AppMetricsDto>(`/v1/apps/${app.appId}/metrics?range=1h`);
  expect(r.status).toBe(200);
  return r.body;
};
const total = (points: AppMetricPoint[], f: (p: AppMetricPoint) => number | null) => points.reduce((t, p) => t + (f(p) ?? 0), 0);

beforeAll(async () => {
  await ensureTestBaseImage();
  const dataDir = makeDataDir("metrics");
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  await allowLocalGitSources(db, true);
  const repo = await createFixtureRepo({ version: "v1" });
  app = await seedApp(db, { teamSlug: TEAM, gitUrl: repo.dir });
  daemon = await createDaemon({ dataDir, databaseUrl: url });
  await daemon.start();
  const build = await waitForBuild(db, await queueBuild(db, app.appId));
  expect(build.status).toBe("SUCCEEDED");
  const release = await db.release.findUniqueOrThrow({ where: { buildId: build.id } });
  await waitForReleaseStatus(db, release.id, ["LIVE"]);
}, 180_000);

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  await db?.$disconnect();
});

describe("metrics in slipwayd", () => {
  it("counts requests through the ingress per app: rate, status classes, latency", async () => {
    const before = await metrics();
    const sentBefore = total(before.points, (p) => (p.status2xx ?? 0) + (p.status3xx ?? 0) + (p.status4xx ?? 0) + (p.status5xx ?? 0));
    let ok = 0;
    let missing = 0;
    const until = Date.now() + 8000;
    while (Date.now() < until) {
      const batch = await Promise.all(Array.from({ length: 10 }, (_, i) => ingressGet(daemon.ingressPort, app.host, i === 0 ? "/no-such-page" : "/")));
      for (const r of batch) {
        if (r.status === 200) ok++;
        else if (r.status === 404) missing++;
      }
    }
    expect(ok).toBeGreaterThan(100);
    // Every request counted once, in its class (read every second from Caddy's access log).
    const dto = await waitFor(
      "every request counted",
      async () => {
        const m = await metrics();
        const counted = total(m.points, (p) => (p.status2xx ?? 0) + (p.status3xx ?? 0) + (p.status4xx ?? 0) + (p.status5xx ?? 0));
        return counted - sentBefore >= ok + missing ? m : null;
      },
      20_000,
      1000,
    );
    expect(total(dto.points, (p) => p.status2xx) - total(before.points, (p) => p.status2xx)).toBe(ok);
    expect(total(dto.points, (p) => p.status4xx) - total(before.points, (p) => p.status4xx)).toBe(missing);
    const busy = dto.points.filter((p) => (p.requestsPerSec ?? 0) > 0);
    expect(busy.length).toBeGreaterThan(0);
    expect(Math.max(...busy.map((p) => p.requestsPerSec!))).toBeGreaterThan(5);
    for (const p of busy) {
      expect(p.latencyP50Ms).not.toBeNull();
      expect(p.latencyP50Ms!).toBeGreaterThan(0);
      expect(p.latencyP99Ms!).toBeGreaterThanOrEqual(p.latencyP50Ms!);
    }
    expect(dto.sources).toEqual({ containers: "engine", http: "ingress", note: null });
    expect(dto.resolution).toBe("fine");
    // Caddy's own log stays free of per-request lines.
    expect(readFileSync(caddyPaths(daemon.dataDir).logFile, "utf8")).not.toContain("handled request");
  });

  it("shows a container's memory and its CPU rising while it burns CPU", async () => {
    const [id] = await podmanIdsByLabel(`slipway.app=${app.appId}`);
    const idle = await waitFor("container samples", async () => {
      const m = await metrics();
      const sampled = m.points.filter((p) => p.cpuPercent !== null);
      return sampled.length >= 2 ? sampled : null;
    }, 30_000, 1000);
    expect(idle.at(-1)!.memoryBytes!).toBeGreaterThan(0);
    const idleCpu = idle.at(-1)!.cpuPercent!;
    expect(idleCpu).toBeLessThan(10);
    // The app's limit is 250 millicores: a busy loop shows as ~25 % of a core.
    const burn = execFileAsync("podman", ["exec", id!, "sh", "-c", "timeout 20 sh -c 'while :; do :; done'; true"]);
    try {
      const m = await waitFor("CPU to rise", async () => {
        const d = await metrics();
        return d.points.some((p) => (p.cpuPercent ?? 0) > 15) ? d : null;
      }, 30_000, 1000);
      expect(Math.max(...m.points.map((p) => p.cpuPercent ?? 0))).toBeLessThan(40);
      expect(m.replicas).toHaveLength(1);
      expect(m.replicas[0]!.points.some((p) => (p.cpuPercent ?? 0) > 15)).toBe(true);
    } finally {
      await burn;
    }
  });

  it("counts a container that was killed and brought back as a restart", async () => {
    const before = total((await metrics()).points, (p) => p.restarts);
    const [id] = await podmanIdsByLabel(`slipway.app=${app.appId}`);
    await execFileAsync("podman", ["kill", "--signal", "KILL", id!]);
    await waitFor("the app to serve again", async () => (await ingressGet(daemon.ingressPort, app.host)).status === 200, 60_000, 500);
    await waitFor("the restart counted", async () => total((await metrics()).points, (p) => p.restarts) > before, 30_000, 1000);
  });

  it("keeps the request total when the real samples are folded into coarse ones", async () => {
    // On a copy: the daemon's own file keeps its own rollup schedule.
    const copy = path.join(daemon.dataDir, "metrics-copy.db");
    const live = new Database(metricsDbPath(daemon.dataDir), { readonly: true });
    await live.backup(copy);
    live.close();
    const c = new Database(copy);
    try {
      const sum = (tier: number, col: string) => (c.prepare(`SELECT COALESCE(SUM(${col}), 0) AS s FROM app_samples WHERE tier = ?`).get(tier) as { s: number }).s;
      const fine = sum(0, "requests");
      expect(fine).toBeGreaterThan(100);
      // As if 10 minutes had passed: every interval with samples is finished.
      runRollup(c, Date.now() / 1000 + 600);
      expect(sum(1, "requests")).toBe(fine);
      expect(sum(1, "s2xx") + sum(1, "s4xx")).toBe(sum(0, "s2xx") + sum(0, "s4xx"));
      const n = (tier: number) => (c.prepare("SELECT COALESCE(SUM(n), 0) AS s FROM container_samples WHERE tier = ?").get(tier) as { s: number }).s;
      expect(n(1)).toBe(n(0));
    } finally {
      c.close();
    }
  });

  it("charts the team's usage against its quota", async () => {
    const r = await waitFor("a team usage sample", async () => {
      const u = await api<TeamUsageHistoryDto>(`/v1/teams/${app.teamId}/usage?range=6h`);
      return u.body.points?.length ? u : null;
    }, 90_000, 1000);
    expect(r.status).toBe(200);
    const quota = await db.teamQuota.findUniqueOrThrow({ where: { teamId: app.teamId } });
    expect(r.body.quota).toEqual({ cpuMillicores: quota.cpuMillicores, memoryMib: quota.memoryMib, storageGib: quota.storageGib, maxApps: quota.maxApps, logMib: 1024 });
    expect(r.body.points.at(-1)).toMatchObject({ cpuMillicores: 250, memoryMib: 64, apps: 1 });
    // The log store is wired in: the team's stored log bytes are a figure, not "unknown".
    expect(r.body.points.at(-1)!.logBytes).toEqual(expect.any(Number));
  });

  it("answers 404 for unknown apps and teams and 400 for a bad range", async () => {
    expect((await api(`/v1/apps/nope/metrics?range=1h`)).status).toBe(404);
    expect((await api(`/v1/teams/nope/usage?range=1h`)).status).toBe(404);
    expect((await api(`/v1/apps/${app.appId}/metrics?range=2h`)).status).toBe(400);
    const coarse = await api<AppMetricsDto>(`/v1/apps/${app.appId}/metrics?range=30d`);
    expect(coarse.body).toMatchObject({ range: "30d", resolution: "coarse", stepSeconds: 10800 });
  });
});
