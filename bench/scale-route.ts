// What the quota check costs on the scale route: a team with 1,000 apps (half of them live, some
// with a build queued) and a high ceiling; N scale requests (PATCH /apps/:id {replicas}, which runs
// the quota check and its usage aggregate in the same transaction as the change) alternate with N
// bare authenticated requests (GET /me), both through the real route handlers with a real session
// on a real SQLite database, in this process. Target: p99(scale) ≤ 2 × p99(bare). A third series,
// the same PATCH route changing a field the quota does not cover, shows what the check itself adds
// on top of the route's own transaction (its commit is most of a mutation's cost on SQLite).
//
//   node --conditions=react-server --import tsx bench/scale-route.ts [--postgres]
//   (--postgres: against SLIPWAY_TEST_POSTGRES_URL, see scripts/postgres-test-server.sh)
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { call, setupApiTestEnv, signUp } from "../tests/support/api-harness";
import { fmt, loadNote, percentile, processMemory, ratio, table } from "./support/report";

const APPS = 1000;
const PROJECTS = 10;
const N = Number(process.env.BENCH_SCALE_N ?? 400);
const WARMUP = 50;

async function main(): Promise<void> {
  // The mutation rate limiter would otherwise be what this measures.
  process.env.SLIPWAY_API_MUTATIONS_PER_MINUTE = "1000000";
  let database: { url: string; drop(): Promise<void> } | undefined;
  if (process.argv.includes("--postgres")) {
    const { createTestDatabase } = await import("../tests/support/test-db");
    database = await createTestDatabase({ provider: "postgres" });
  }
  const env = setupApiTestEnv({ databaseUrl: database?.url });
  const { getDb } = await import("../server/db");
  const appRoute = await import("../app/api/v1/apps/[appId]/route");
  const meRoute = await import("../app/api/v1/me/route");
  try {
    const cookie = await signUp("bench@example.test");
    const db = getDb();
    const team = await db.team.findFirstOrThrow({ where: { memberships: { some: { user: { email: "bench@example.test" } } } } });
    await db.teamQuota.update({ where: { teamId: team.id }, data: { cpuMillicores: 1_000_000, memoryMib: 10_000_000, maxApps: 10_000 } });

    // 1,000 apps over 10 projects, inserted directly; every other one live at its release's size.
    const run = randomBytes(3).toString("hex");
    const projectIds: string[] = [];
    for (let p = 0; p < PROJECTS; p++) {
      projectIds.push((await db.project.create({ data: { teamId: team.id, slug: `p${p}`, name: `p${p}` } })).id);
    }
    const apps = Array.from({ length: APPS }, (_, i) => ({
      id: `app_${run}_${i}`,
      teamId: team.id,
      projectId: projectIds[i % PROJECTS]!,
      slug: `app-${i}`,
      gitUrl: "https://git.example.com/x.git",
      cpuMillicores: 100,
      memoryMib: 64,
      replicas: 1,
      liveReleaseId: i % 2 === 0 ? `rel_${run}_${i}` : null,
      targetReleaseId: i % 2 === 0 ? `rel_${run}_${i}` : null,
    }));
    await db.app.createMany({ data: apps });
    const snapshot = JSON.stringify({ containerPort: 8080, healthCheckPath: "/", cpuMillicores: 100, memoryMib: 64, replicas: 1, envEncrypted: "" });
    await db.release.createMany({
      data: apps
        .filter((a) => a.liveReleaseId)
        .map((a) => ({ id: a.liveReleaseId!, teamId: team.id, appId: a.id, version: 1, imageRef: "localhost/bench:1", imageDigest: `sha256:${"0".repeat(64)}`, configSnapshot: snapshot, cpuMillicores: 100, memoryMib: 64, status: "LIVE" as const, liveAt: new Date() })),
    });
    // A few apps have a deploy on the way (their app row counts too).
    await db.build.createMany({ data: apps.filter((_, i) => i % 20 === 1).map((a) => ({ teamId: team.id, appId: a.id, number: 1, gitRef: "main" })) });
    const liveApps = apps.filter((a) => a.liveReleaseId).map((a) => a.id);

    let scaleErrors = 0;
    let k = 0;
    const scale = async () => {
      const appId = liveApps[k % liveApps.length]!;
      const replicas = 1 + (Math.floor(k / liveApps.length) % 2); // 1 → 2 → 1 … as the apps cycle
      k++;
      const t0 = process.hrtime.bigint();
      const res = await call(appRoute.PATCH, "PATCH", `/api/v1/apps/${appId}`, { cookie, params: { appId }, body: { replicas } });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (res.status !== 200) {
        scaleErrors++;
        if (scaleErrors <= 3) console.error(`scale answered ${res.status}: ${JSON.stringify(res.json)}`);
      }
      return ms;
    };
    // The same route and transaction without a quota-relevant field: what the check itself adds.
    let plainErrors = 0;
    const plain = async () => {
      const appId = liveApps[k % liveApps.length]!;
      const t0 = process.hrtime.bigint();
      const res = await call(appRoute.PATCH, "PATCH", `/api/v1/apps/${appId}`, { cookie, params: { appId }, body: { healthCheckPath: `/health-${k % 2}` } });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (res.status !== 200) plainErrors++;
      return ms;
    };
    let bareErrors = 0;
    const bare = async () => {
      const t0 = process.hrtime.bigint();
      const res = await call(meRoute.GET, "GET", "/api/v1/me", { cookie });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (res.status !== 200) bareErrors++;
      return ms;
    };

    for (let i = 0; i < WARMUP; i++) {
      await scale();
      await plain();
      await bare();
    }
    const scaleMs: number[] = [];
    const plainMs: number[] = [];
    const bareMs: number[] = [];
    // Interleaved, so drift in machine load hits all alike.
    for (let i = 0; i < N; i++) {
      scaleMs.push(await scale());
      bareMs.push(await bare());
      plainMs.push(await plain());
    }
    const stats = (ms: number[]) => {
      ms.sort((x, y) => x - y);
      return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
    };
    const s = stats(scaleMs);
    const p = stats(plainMs);
    const b = stats(bareMs);
    const mem = processMemory(process.pid);
    const usage = await import("../server/quotas/team-usage").then((m) => m.getTeamUsage(db, team.id));

    console.log(`\n== scale route vs bare authenticated route (${APPS} apps in the team, ${liveApps.length} live; ${database ? "PostgreSQL" : "SQLite"}; ${N} requests each, alternating) ==`);
    console.log(
      table(
        ["route", "p50 ms", "p99 ms", "errors"],
        [
          ["PATCH /apps/:id {replicas} (quota-checked)", fmt(s.p50), fmt(s.p99), String(scaleErrors)],
          ["PATCH /apps/:id {healthCheckPath} (no quota check)", fmt(p.p50), fmt(p.p99), String(plainErrors)],
          ["GET /me (bare, authenticated)", fmt(b.p50), fmt(b.p99), String(bareErrors)],
          ["scale / bare", ratio(s.p50, b.p50), ratio(s.p99, b.p99), ""],
          ["scale / same route unchecked", ratio(s.p50, p.p50), ratio(s.p99, p.p99), ""],
        ],
      ),
    );
    console.log(`team usage at the end: ${usage.cpuMillicores} millicores, ${usage.memoryMib} MiB, ${usage.apps} apps`);
    console.log(`peak RSS of this process (VmHWM): ${fmt(mem.peakMiB, 1)} MiB, now ${fmt(mem.rssMiB, 1)} MiB`);
    console.log(`machine: ${loadNote()}`);
    const pass = s.p99 <= 2 * b.p99;
    console.log(`target p99(scale) <= 2 x p99(bare): ${fmt(s.p99)} ms vs 2 x ${fmt(b.p99)} ms = ${fmt(2 * b.p99)} ms -> ${pass ? "PASS" : "FAIL"} (ratio ${ratio(s.p99, b.p99)})`);
    if (scaleErrors || plainErrors || bareErrors) throw new Error(`${scaleErrors + plainErrors + bareErrors} requests failed`);
    if (!pass) process.exitCode = 1;
  } finally {
    await getDb().$disconnect().catch(() => undefined);
    await database?.drop();
    rmSync(env.dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
