// One benchmark run against a real slipwayd: a fresh SQLite database and data dir, the fixture
// repository, one seeded app, and a cleanup that runs on success, on error, on Ctrl-C and when the
// run overstays its time limit. Everything it makes carries the run id, so cleanup removes only
// what this run made.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { Db } from "../../server/db";
import { ensureTestBaseImage } from "../../tests/support/test-images";
import { createFixtureRepo, type FixtureRepo } from "../../tests/support/git-fixtures";
import {
  allowLocalGitSources,
  cleanupDaemonResources,
  createDaemon,
  createTestDatabase,
  execFileAsync,
  makeDataDir,
  queueBuild,
  seedApp,
  type DaemonProcess,
  type SeededApp,
} from "./harness";
import { processMemory } from "./report";
import { imageRepository } from "../../server/daemon/engine/container-spec";

export interface BenchSession {
  runId: string;
  db: Db;
  daemon: DaemonProcess;
  repo: FixtureRepo;
  app: SeededApp;
  /** Queues a build the way POST /apps/:id/deploy does: a QUEUED row, then a nudge to slipwayd. */
  deploy(): Promise<string>;
  /** Peak and current memory of the slipwayd node process and of its private Podman service. */
  memory(): { daemon: ReturnType<typeof processMemory>; podman: ReturnType<typeof processMemory> | null };
  /** Registers extra cleanup (containers or images the benchmark made itself). */
  onCleanup(fn: () => Promise<void>): void;
}

export interface SessionOptions {
  name: string;
  /** the app's CPU limit; high by default so the app is not what a benchmark measures */
  cpuMillicores?: number;
}

/** `registerCleanup` is called before anything is made, so an interrupted start is cleaned up too. */
export async function startSession(opts: SessionOptions, registerCleanup: (fn: () => Promise<void>) => void): Promise<BenchSession> {
  const runId = `bn${Date.now().toString(36)}`;
  const cleanups: (() => Promise<void>)[] = [];
  const dataDir = makeDataDir(`bench-${opts.name}`);
  // Filled in as the start goes on; cleanup removes whatever got made.
  const made: { daemon?: DaemonProcess; db?: Db; repo?: FixtureRepo; appId?: string } = {};
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((e: unknown) => console.error(`cleanup step failed: ${String(e)}`));
    await made.daemon?.kill("SIGTERM").catch(() => undefined);
    await cleanupDaemonResources(dataDir).catch((e: unknown) => console.error(`daemon cleanup failed: ${String(e)}`));
    // Images of this run's builds: one repository per app, named by its id.
    const { stdout } = made.appId
      ? await execFileAsync("podman", ["images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", `reference=${imageRepository(made.appId)}`]).catch(() => ({ stdout: "" }))
      : { stdout: "" };
    const tags = stdout.split("\n").filter(Boolean);
    if (tags.length) await execFileAsync("podman", ["rmi", "-f", ...tags]).catch((e: unknown) => console.error(`removing the run's images failed: ${String(e)}`));
    await made.db?.$disconnect().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    if (made.repo) rmSync(made.repo.dir, { recursive: true, force: true });
  };
  registerCleanup(cleanup);
  await ensureTestBaseImage();
  const created = await createTestDatabase(path.join(dataDir, "bench.db"));
  const db = (made.db = created.db);
  await allowLocalGitSources(db, true);
  // A version unique to this run: no earlier run's build cache can make a "cold" build warm.
  const repo = (made.repo = await createFixtureRepo({ version: `${runId}-v1` }));
  const app = await seedApp(db, { teamSlug: runId, gitUrl: repo.dir, replicas: 1 });
  made.appId = app.appId;
  await db.app.update({ where: { id: app.appId }, data: { cpuMillicores: opts.cpuMillicores ?? 2000, memoryMib: 128 } });
  const d = (made.daemon = await createDaemon({ dataDir, databaseUrl: created.url }));
  await d.start();
  return {
    runId,
    db,
    daemon: d,
    repo,
    app,
    async deploy() {
      const buildId = await queueBuild(db, app.appId, "main");
      const res = await fetch(d.apiUrl("/v1/reconcile"), { method: "POST", headers: { authorization: `Bearer ${d.token()}` } });
      await res.body?.cancel();
      if (res.status !== 202) throw new Error(`slipwayd nudge answered ${res.status}`);
      return buildId;
    },
    memory() {
      // createDaemon spawns the compiled daemon itself (one process, no wrapper), so the
      // child's pid is the daemon; the command line is returned to show it.
      const pid = d.child?.pid;
      if (!pid) throw new Error("slipwayd is not running");
      const podmanPid = podmanServicePid(dataDir);
      let podman: ReturnType<typeof processMemory> | null = null;
      try {
        if (podmanPid > 0) podman = processMemory(podmanPid);
      } catch {
        podman = null;
      }
      return { daemon: processMemory(pid), podman };
    },
    onCleanup(fn) {
      cleanups.push(fn);
    },
  };
}

/** The private `podman system service` slipwayd started (it writes the pid file itself). */
function podmanServicePid(dataDir: string): number {
  try {
    return Number(readFileSync(path.join(dataDir, "podman.pid"), "utf8").trim());
  } catch {
    return 0;
  }
}

/**
 * Runs a benchmark body with its session, cleaning up whatever happens, and exits by itself:
 * after `limitMs` the run is abandoned, cleaned up and the process exits non-zero.
 */
export async function runBench(opts: SessionOptions & { limitMs: number }, body: (s: BenchSession) => Promise<void>): Promise<never> {
  let cleanup: (() => Promise<void>) | undefined;
  let cleaning: Promise<void> | undefined;
  const finish = async (code: number): Promise<never> => {
    cleaning ??= (cleanup?.() ?? Promise.resolve()).catch((e: unknown) => console.error(`cleanup failed: ${String(e)}`));
    await cleaning;
    process.exit(code);
  };
  setTimeout(() => {
    console.error(`${opts.name}: gave up after ${Math.round(opts.limitMs / 1000)} s`);
    void finish(1);
  }, opts.limitMs);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void finish(130));
  try {
    const session = await startSession(opts, (fn) => (cleanup = fn));
    await body(session);
    return await finish(0);
  } catch (e) {
    console.error(`${opts.name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return await finish(1);
  }
}
