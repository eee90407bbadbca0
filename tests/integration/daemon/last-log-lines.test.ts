// The last log lines of a crashing container, against the real engine, read back exactly as the
// container printed them: stdout and stderr mixed, multi-byte UTF-8, a blank line, a line longer
// than the engine's 8 KiB log record (so it arrives as several partial frames, split inside a
// character), and a last line without a newline at exit. Both paths that record them: a release
// whose rollout ends FAILED in a crash loop, and a live release whose container starts crashing.
// The failure's reason is a sentence: the lines are kept apart (Release.lastLogLines), and the
// app's timeline says the sentence whole, not cut before the lines.
//
// What the engine cannot tell: Podman's conmon reads the container's stdout and stderr pipes in
// turns, and its API stamps lines to the second, so the order of stdout and stderr lines printed
// within the same instant is not known to anyone reading the log. For those, the test holds each
// stream's own order and the set of lines; lines printed a moment apart keep their exact order.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import type { Db } from "@/server/db";
import { ensureTestBaseImage, TEST_BASE_IMAGE } from "../../support/test-images";
import { createFixtureRepo, type FixtureRepo } from "../../support/git-fixtures";
import {
  allowLocalGitSources,
  cleanupDaemonResources,
  createDaemon,
  createTestDatabase,
  makeDataDir,
  queueBuild,
  seedApp,
  waitFor,
  waitForBuild,
  waitForReleaseStatus,
  type DaemonProcess,
} from "../../support/daemon-harness";

const TEAM = `ll${Date.now().toString(36)}`;
const HEALTH_TIMEOUT_MS = 30_000;
let db: Db;
let daemon: DaemonProcess;
let repo: FixtureRepo;

/** 10 + 3 × 3000 bytes: past conmon's 8 KiB read, which splits it inside a "✓" (8182 is not a multiple of 3). */
const LONG_LINE = `long-line:${"✓".repeat(3000)}`;
const BURST_OUT = ["out A", "out B", "out C"];
const BURST_ERR = ["err A", "err B"];

/**
 * The app: optionally serves for a while (so it goes live first), then prints and exits 3. The
 * 0.2 s pauses separate lines whose order the engine knows; the burst mixes both streams at once.
 */
const CRASH_SCRIPT = [
  'if [ -n "$SERVE_FOR" ]; then mkdir -p /tmp/www && echo up > /tmp/www/index.html && httpd -p 8080 -h /tmp/www && sleep "$SERVE_FOR"; fi',
  'echo "starting v2"',
  "sleep 0.2",
  'echo "config: héllo wörld ✓ ünïcode" >&2',
  "sleep 0.2",
  "echo",
  "LONG=$(yes '✓' | head -n 3000 | tr -d '\\n')",
  'echo "long-line:$LONG"',
  "sleep 0.2",
  'echo "out A"; echo "err A" >&2; echo "out B"; echo "err B" >&2; echo "out C"',
  "sleep 0.2",
  'echo "fatal: cannot create /data: Read-only file system" >&2',
  "sleep 0.2",
  "printf 'exiting without a newline'",
  "exit 3",
  "",
].join("\n");

function crashingDockerfile(serveFor: number | null): string {
  return [`FROM ${TEST_BASE_IMAGE}`, "COPY crash.sh /crash.sh", ...(serveFor ? [`ENV SERVE_FOR=${serveFor}`] : []), 'CMD ["sh", "/crash.sh"]', ""].join("\n");
}

/** Asserts that the stored lines are exactly what the script printed (see the header for the burst). */
function expectPrintedLines(stored: string | null) {
  expect(stored).not.toBeNull();
  const lines = stored!.split("\n");
  expect(lines.slice(0, 4)).toEqual(["starting v2", "config: héllo wörld ✓ ünïcode", "", LONG_LINE]);
  const burst = lines.slice(4, 9);
  expect([...burst].sort()).toEqual([...BURST_OUT, ...BURST_ERR].sort());
  expect(burst.filter((l) => l.startsWith("out"))).toEqual(BURST_OUT);
  expect(burst.filter((l) => l.startsWith("err"))).toEqual(BURST_ERR);
  expect(lines.slice(9)).toEqual(["fatal: cannot create /data: Read-only file system", "exiting without a newline"]);
}

async function buildRelease(appId: string, serveFor: number | null, message: string) {
  await repo.commitFiles({ Dockerfile: crashingDockerfile(serveFor), "crash.sh": CRASH_SCRIPT }, message);
  const build = await waitForBuild(db, await queueBuild(db, appId));
  expect(build.status, build.error ?? "").toBe("SUCCEEDED");
  return db.release.findUniqueOrThrow({ where: { buildId: build.id } });
}

beforeAll(async () => {
  await ensureTestBaseImage();
  const dataDir = makeDataDir("last-log-lines");
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  await allowLocalGitSources(db, true);
  repo = await createFixtureRepo({ version: "v1" });
  daemon = await createDaemon({
    dataDir,
    databaseUrl: url,
    env: { SLIPWAY_HEALTH_TIMEOUT_MS: String(HEALTH_TIMEOUT_MS), SLIPWAY_CRASH_BACKOFF_MS: "500", SLIPWAY_CRASH_LOOP_LIMIT: "3" },
  });
  await daemon.start();
}, 120_000);

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  await db?.$disconnect();
});

describe("the last log lines of a crashing container", () => {
  it("a release ending FAILED in a crash loop keeps its last run's lines exactly, apart from the reason; the timeline says the reason whole", async () => {
    const app = await seedApp(db, { teamSlug: TEAM, appSlug: "rollout", gitUrl: repo.dir });
    const release = await buildRelease(app.appId, null, "crashes at start");
    const failed = await waitForReleaseStatus(db, release.id, ["FAILED", "LIVE"], HEALTH_TIMEOUT_MS + 30_000);
    expect(failed.status).toBe("FAILED");
    expect(failed.lastExitCode).toBe(3);
    expect(failed.restartCount).toBe(2);
    // Only the run that ended: the two runs before it printed the same lines a second earlier.
    expectPrintedLines(failed.lastLogLines);
    // The app's first release: nothing was live before it. Its last line is a denied write, so
    // the reason also says whom it ran as and what to do.
    expect(failed.statusReason).toBe(
      "The container exited with code 3 after 2 restarts (crash loop: it stopped 3 times during the rollout); the release was stopped and no release was live before it, so the app serves nothing until one goes live. " +
        "It runs as user 10001 (Slipway never runs an app as root) on every runtime: if it could not write a file, make that directory writable in the Dockerfile (RUN mkdir -p <dir> && chown 10001 <dir>), or write under /tmp.",
    );
    const event = await db.appEvent.findFirstOrThrow({ where: { appId: app.appId, kind: "deploy_failed" } });
    expect(event.message).toBe(`v${release.version} failed: ${failed.statusReason}`);
  }, 180_000);

  it("a live release whose container crashes keeps that run's lines exactly", async () => {
    const app = await seedApp(db, { teamSlug: TEAM, appSlug: "live", gitUrl: repo.dir });
    await db.app.update({ where: { id: app.appId }, data: { autoRollback: false } });
    const release = await buildRelease(app.appId, 4, "crashes 4 s after it went live");
    await waitForReleaseStatus(db, release.id, ["LIVE"], HEALTH_TIMEOUT_MS + 10_000);
    const crashed = await waitFor(
      "the live release's first crash",
      async () => {
        const r = await db.release.findUniqueOrThrow({ where: { id: release.id } });
        return r.liveRestartCount >= 1 && r.lastLogLines !== null ? r : null;
      },
      30_000,
    );
    expect(crashed.lastExitCode).toBe(3);
    expectPrintedLines(crashed.lastLogLines);
  }, 180_000);
});
