// Runtime log collection by a real slipwayd (compiled), real Podman, its real log store: the
// daemon's own log API (search, download, live SSE) is what is asserted against.
//   a. Lines printed while slipwayd is killed (SIGKILL) and started again are stored exactly once,
//      in order (a container printing a numbered sequence over time).
//   b. A crashed release's last lines are searchable after its containers are gone.
//   c. The live tail resumed with after=<last frame id> has no gap and no duplicate.
//   d. A viewer that does not read holds back neither collection nor another viewer, and loses
//      nothing: once it reads again it gets every line from the store. (What the daemon holds for
//      it, one frame, is the unit test's; bench/log-stream.ts reports the daemon's memory.)
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import path from "node:path";
import type { Db } from "@/server/db";
import type { LogLineDto } from "@/server/logs/schemas";
import { ensureTestBaseImage, TEST_BASE_IMAGE } from "../../support/test-images";
import { createFixtureRepo } from "../../support/git-fixtures";
import { readSse } from "../../support/sse-client";
import {
  allowLocalGitSources,
  cleanupDaemonResources,
  createDaemon,
  createTestDatabase,
  makeDataDir,
  podmanIdsByLabel,
  queueBuild,
  seedApp,
  waitFor,
  waitForBuild,
  waitForReleaseStatus,
  type DaemonProcess,
} from "../../support/daemon-harness";

const TEAM = `lc${Date.now().toString(36)}`;
let db: Db;
let daemon: DaemonProcess;

/** Serves "/" (the health check) in the background, then runs the mode's printing. */
function appScript(body: string): string {
  return ["mkdir -p /tmp/www && echo up > /tmp/www/index.html && httpd -p 8080 -h /tmp/www", body, ""].join("\n");
}

async function deploy(appSlug: string, script: string, wantLive = true) {
  const repo = await createFixtureRepo({ version: appSlug });
  await repo.commitFiles({ Dockerfile: [`FROM ${TEST_BASE_IMAGE}`, "COPY run.sh /run.sh", 'CMD ["sh", "/run.sh"]', ""].join("\n"), "run.sh": script }, appSlug);
  const app = await seedApp(db, { teamSlug: TEAM, appSlug, gitUrl: repo.dir });
  return { app, start: async () => {
    const build = await waitForBuild(db, await queueBuild(db, app.appId));
    expect(build.status, build.error ?? "").toBe("SUCCEEDED");
    const release = await db.release.findUniqueOrThrow({ where: { buildId: build.id } });
    if (wantLive) await waitForReleaseStatus(db, release.id, ["LIVE"], 60_000);
    return release;
  } };
}

function api(p: string): Promise<Response> {
  return fetch(daemon.apiUrl(p), { headers: { authorization: `Bearer ${daemon.token()}` } });
}

/** Every stored line of the app (of one release), oldest first, through the daemon's download route. */
async function storedLines(appId: string, releaseId?: string): Promise<LogLineDto[]> {
  const res = await api(`/v1/apps/${appId}/logs/download?format=ndjson${releaseId ? `&release=${releaseId}` : ""}`);
  expect(res.status).toBe(200);
  return (await res.text())
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogLineDto);
}

beforeAll(async () => {
  await ensureTestBaseImage();
  const dataDir = makeDataDir("logs-collection");
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  await allowLocalGitSources(db, true);
  daemon = await createDaemon({ dataDir, databaseUrl: url, env: { SLIPWAY_HEALTH_TIMEOUT_MS: "20000", SLIPWAY_CRASH_BACKOFF_MS: "300", SLIPWAY_CRASH_LOOP_LIMIT: "2" } });
  await daemon.start();
}, 120_000);

beforeEach(() => {
  onTestFailed(() => {
    process.stderr.write(`slipwayd's output (last 6000 characters):\n${daemon.output().slice(-6000)}\n`);
  });
});

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  await db?.$disconnect();
});

describe("runtime log collection", () => {
  it("a. lines printed while slipwayd is killed and restarted are stored exactly once, in order", async () => {
    const N = 2500;
    const { app, start } = await deploy("numbered", appScript(`i=1; while [ $i -le ${N} ]; do echo "n $i"; i=$((i+1)); usleep 4000; done; exec sleep 100000`));
    const release = await start();
    // Collection has begun, then slipwayd dies mid-sequence, stays down while lines keep coming,
    // and comes back.
    const before = await waitFor("some lines stored", async () => {
      const n = (await storedLines(app.appId)).length;
      return n > 100 ? n : null;
    }, 30_000);
    await daemon.kill("SIGKILL");
    // Killed mid-sequence: most lines are printed while it is down or after.
    expect(before).toBeLessThan(N / 2);
    await new Promise((r) => setTimeout(r, 3000));
    await daemon.start();
    const lines = await waitFor(
      `all ${N} lines`,
      async () => {
        const l = await storedLines(app.appId, release.id);
        return l.some((x) => x.line === `n ${N}`) ? l : null;
      },
      90_000,
      500,
    );
    const numbered = lines.filter((l) => l.line.startsWith("n "));
    expect(numbered.map((l) => l.line)).toEqual(Array.from({ length: N }, (_, i) => `n ${i + 1}`));
    expect(numbered.every((l) => l.stream === "stdout" && l.releaseId === release.id)).toBe(true);
    const seqs = lines.map((l) => l.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  }, 240_000);

  it("b. a crashed release's last lines are searchable after its containers are gone", async () => {
    const { app, start } = await deploy(
      "crasher",
      ['i=1; while [ $i -le 40 ]; do echo "working $i"; i=$((i+1)); done', 'echo "fatal: cannot reach db-7f3a (connection refused)" >&2', "exit 3", ""].join("\n"),
      false,
    );
    const release = await start();
    const failed = await waitForReleaseStatus(db, release.id, ["FAILED", "LIVE"], 90_000);
    expect(failed.status).toBe("FAILED");
    await waitFor("the release's containers to be gone", async () => (await podmanIdsByLabel(`slipway.release=${release.id}`)).length === 0, 60_000);
    const res = await api(`/v1/apps/${app.appId}/logs/search?q=${encodeURIComponent("db-7f3a")}&release=${release.id}&limit=50`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { lines: LogLineDto[] };
    // One line per run: the first run and its restarts (the crash-loop limit) all printed it.
    expect(page.lines.length).toBeGreaterThanOrEqual(2);
    expect(page.lines.every((l) => l.line === "fatal: cannot reach db-7f3a (connection refused)" && l.stream === "stderr" && l.releaseId === release.id)).toBe(true);
    // Every run's lines, whole: 40 + 1 per run.
    const all = await storedLines(app.appId, release.id);
    expect(all.length % 41).toBe(0);
    expect(all.slice(-2).map((l) => l.line)).toEqual(["working 40", "fatal: cannot reach db-7f3a (connection refused)"]);
  }, 240_000);

  it("c. the live tail resumed after the last frame id has no gap and no duplicate", async () => {
    const { app, start } = await deploy("ticker", appScript('i=0; while true; do i=$((i+1)); echo "tick $i"; usleep 2000; done'));
    const release = await start();
    const seen: LogLineDto[] = [];
    let lastId = "";
    const headers = { authorization: `Bearer ${daemon.token()}` };
    const first = readSse(daemon.apiUrl(`/v1/apps/${app.appId}/logs/live?tail=50`), headers, (f) => {
      seen.push(...(JSON.parse(f.data) as LogLineDto[]));
      lastId = f.id!;
    });
    expect(await first.status).toBe(200);
    await waitFor("lines live", async () => seen.length >= 400, 30_000, 50);
    first.close();
    await first.done;
    // Lines keep coming while no one watches.
    await new Promise((r) => setTimeout(r, 1500));
    const second = readSse(daemon.apiUrl(`/v1/apps/${app.appId}/logs/live?after=${lastId}`), headers, (f) => {
      seen.push(...(JSON.parse(f.data) as LogLineDto[]));
    });
    await waitFor("lines after the resume", async () => seen.length >= 1500, 30_000, 50);
    second.close();
    await second.done;
    const ticks = seen.filter((l) => l.releaseId === release.id).map((l) => Number(l.line.slice(5)));
    expect(ticks.length).toBeGreaterThan(1000);
    // Consecutive numbers: nothing missing, nothing twice, across the reconnect.
    expect(ticks).toEqual(Array.from({ length: ticks.length }, (_, i) => ticks[0]! + i));
    const seqs = seen.map((l) => l.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
  }, 240_000);

  it("d. a viewer that does not read slows neither collection nor another viewer", async () => {
    const N = 200_000;
    const pad = "x".repeat(80);
    const { app, start } = await deploy("burst", appScript(`sleep 2; awk 'BEGIN { for (i = 1; i <= ${N}; i++) printf "burst %d ${pad}\\n", i }'; exec sleep 100000`));
    const headers = { authorization: `Bearer ${daemon.token()}` };
    // The stalled viewer takes its first frame and then stops reading.
    let release!: () => void;
    const stall = new Promise<void>((r) => (release = r));
    let slowCount = 0;
    let slowFrames = 0;
    const slow = readSse(daemon.apiUrl(`/v1/apps/${app.appId}/logs/live?after=0`), headers, async (f) => {
      slowCount += (JSON.parse(f.data) as LogLineDto[]).filter((l) => l.line.startsWith("burst ")).length;
      if (++slowFrames === 1) await stall;
    });
    const fast: number[] = [];
    const quick = readSse(daemon.apiUrl(`/v1/apps/${app.appId}/logs/live?after=0`), headers, (f) => {
      for (const l of JSON.parse(f.data) as LogLineDto[]) if (l.line.startsWith("burst ")) fast.push(Number(l.line.split(" ")[1]));
    });
    expect(await slow.status).toBe(200);
    expect(await quick.status).toBe(200);
    await start();
    await waitFor("the other viewer got every line", async () => fast.length >= N, 120_000, 200);
    expect(fast).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    // Collection kept up too: every line is stored while the stalled viewer still holds its first frame.
    const stored = await storedLines(app.appId);
    expect(stored.filter((l) => l.line.startsWith("burst ")).length).toBe(N);
    expect(slowFrames).toBe(1);
    release();
    await waitFor("the stalled viewer catches up from the store", async () => slowCount >= N, 120_000, 200);
    expect(slowCount).toBe(N);
    slow.close();
    quick.close();
    await Promise.all([slow.done, quick.done]);
  }, 300_000);
});
