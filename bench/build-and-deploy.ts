// Platform overhead of a deploy: time from queueing a build to a LIVE release through slipwayd,
// against the raw engine doing the same work by hand (git clone, podman build, podman run, wait
// for HTTP 200) on the same repository in the same run.
//   cold: the first build of a Dockerfile nobody has built (the RUN layer is not cached)
//   warm: a later commit that only changes index.html (the RUN layer is cached), repeated
//         WARM_ROUNDS times alternating platform and baseline (and which goes first); medians are
//         reported, since a single build's time varies by ±0.3 s with the engine's storage.
//
//   node --conditions=react-server --import tsx bench/build-and-deploy.ts
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fixtureIndexHtml } from "../tests/support/git-fixtures";
import { execFileAsync, waitFor, waitForBuild, waitForReleaseStatus } from "./support/harness";
import { fmt, loadNote, median, ratio, table } from "./support/report";
import { runBench, type BenchSession } from "./support/session";

const WARM_ROUNDS = 7;
const since = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

interface Timing {
  totalMs: number;
  /** named phases in order, ms */
  phases: Record<string, number>;
}

function httpOk(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/", agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

async function platformDeploy(s: BenchSession): Promise<Timing> {
  const buildId = await s.deploy();
  const build = await waitForBuild(s.db, buildId, 180_000);
  if (build.status !== "SUCCEEDED") throw new Error(`platform build ${build.status}: ${build.error ?? ""}`);
  const release = await s.db.release.findUniqueOrThrow({ where: { buildId } });
  const live = await waitForReleaseStatus(s.db, release.id, ["LIVE", "FAILED"], 120_000);
  if (live.status !== "LIVE" || !live.liveAt) throw new Error(`release ${live.status}: ${live.statusReason ?? ""}`);
  // Timestamps the platform recorded itself, so polling granularity adds nothing.
  const steps = await s.db.buildStep.findMany({ where: { buildId }, orderBy: { position: "asc" } });
  const span = (name: string) => {
    const st = steps.find((x) => x.name === name);
    return st?.startedAt && st.finishedAt ? st.finishedAt.getTime() - st.startedAt.getTime() : Number.NaN;
  };
  const queued = build.queuedAt.getTime();
  return {
    totalMs: live.liveAt.getTime() - queued,
    phases: {
      // Build.startedAt is when the winning claim attempt began, which can precede the insert.
      "queued to clone": (steps.find((x) => x.name === "clone")?.startedAt?.getTime() ?? Number.NaN) - queued,
      clone: span("clone"),
      build: span("build"),
      "release record": span("release"),
      "rollout to LIVE": live.liveAt.getTime() - release.createdAt.getTime(),
    },
  };
}

const baselineRepository = (s: BenchSession) => `localhost/slipway/${s.runId}-baseline`;

/** The same work by hand with the engine's CLI; returns the container id for cleanup. */
async function baselineDeploy(s: BenchSession, n: number, made: string[]): Promise<Timing> {
  const work = mkdtempSync(path.join(os.tmpdir(), "slipway-bench-clone-"));
  const tag = `${baselineRepository(s)}:${n}`;
  try {
    const t0 = process.hrtime.bigint();
    await execFileAsync("git", ["clone", "--quiet", "--depth", "1", "--single-branch", "--no-tags", "--branch", "main", "--", s.repo.dir, work]);
    const tClone = since(t0);
    await execFileAsync("podman", ["--runtime", "runc", "build", "--quiet", "-t", tag, "-f", "Dockerfile", work]);
    const tBuild = since(t0) - tClone;
    const { stdout } = await execFileAsync("podman", [
      "--runtime", "runc", "run", "-d", "--init", "--name", `${s.runId}-baseline-${n}`,
      "--ulimit", "nofile=10000:10000", "--ulimit", "nproc=4096:4096",
      "--memory", "128m", "--cpus", "2", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
      "-p", "127.0.0.1::8080", tag,
    ]);
    const id = stdout.trim();
    made.push(id);
    const { stdout: port } = await execFileAsync("podman", ["port", id, "8080/tcp"]);
    const hostPort = Number(/:(\d+)\s*$/.exec(port.trim())?.[1]);
    await waitFor("baseline container to answer", () => httpOk(hostPort), 60_000, 50);
    const total = since(t0);
    return { totalMs: total, phases: { clone: tClone, build: tBuild, "run to HTTP 200": total - tClone - tBuild } };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function phaseText(t: Timing): string {
  return Object.entries(t.phases).map(([k, v]) => `${k} ${fmt(v / 1000)}`).join(", ");
}

await runBench({ name: "build-and-deploy", limitMs: 12 * 60_000 }, async (s) => {
  const loadBefore = loadNote();
  const made: string[] = [];
  s.onCleanup(async () => {
    if (made.length) await execFileAsync("podman", ["rm", "-f", "-t", "1", ...made]);
    // The hand-built images too (the session removes the platform's): one repository per run.
    const { stdout } = await execFileAsync("podman", ["images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", `reference=${baselineRepository(s)}`]);
    const tags = stdout.split("\n").filter(Boolean);
    if (tags.length) await execFileAsync("podman", ["rmi", "-f", ...tags]);
  });
  let n = 0;
  const nextCommit = async (label: string) => {
    n++;
    const version = `${s.runId}-${label}-${n}`;
    await s.repo.commitFiles({ "index.html": fixtureIndexHtml(version) }, `index ${version}`);
  };

  // Cold: both build the fixture repo's first commit (its Dockerfile names this run's version).
  // Neither can use the other's layers: every layer of the platform's build has its team's label
  // in its history (build-cache-scope.ts), the hand-run build's have none. A fresh Dockerfile for
  // the baseline instead would leave the platform's first warm round building a RUN step cold.
  const coldPlatform = await platformDeploy(s);
  const coldBaseline = await baselineDeploy(s, n, made);

  const warmPlatform: Timing[] = [];
  const warmBaseline: Timing[] = [];
  for (let i = 0; i < WARM_ROUNDS; i++) {
    // Alternate which side goes first, so drift in machine load within a round hits both alike.
    const platformRound = async () => {
      await nextCommit("platform-warm");
      warmPlatform.push(await platformDeploy(s));
    };
    const baselineRound = async () => {
      await nextCommit("baseline-warm");
      warmBaseline.push(await baselineDeploy(s, n, made));
    };
    if (i % 2 === 0) {
      await platformRound();
      await baselineRound();
    } else {
      await baselineRound();
      await platformRound();
    }
    // The previous hand-run container stops here, like the platform's drained replica: untimed.
    if (made.length > 1) await execFileAsync("podman", ["rm", "-f", "-t", "1", ...made.splice(0, made.length - 1)]);
  }

  const mem = s.memory();
  const wp = median(warmPlatform.map((t) => t.totalMs));
  const wb = median(warmBaseline.map((t) => t.totalMs));
  console.log("\n== build and deploy: slipwayd (queue -> LIVE) vs raw engine by hand (clone -> build -> run -> HTTP 200) ==");
  console.log(
    table(
      ["case", "slipwayd s", "raw engine s", "slipwayd/raw"],
      [
        ["cold (first build)", fmt(coldPlatform.totalMs / 1000), fmt(coldBaseline.totalMs / 1000), ratio(coldPlatform.totalMs, coldBaseline.totalMs)],
        [`warm (median of ${WARM_ROUNDS})`, fmt(wp / 1000), fmt(wb / 1000), ratio(wp, wb)],
      ],
    ),
  );
  console.log("\nphases, seconds:");
  console.log(`  cold slipwayd:   ${phaseText(coldPlatform)}`);
  console.log(`  cold raw engine: ${phaseText(coldBaseline)}`);
  warmPlatform.forEach((t, i) => console.log(`  warm ${i + 1} slipwayd:   total ${fmt(t.totalMs / 1000)}: ${phaseText(t)}`));
  warmBaseline.forEach((t, i) => console.log(`  warm ${i + 1} raw engine: total ${fmt(t.totalMs / 1000)}: ${phaseText(t)}`));
  console.log(`\nslipwayd peak RSS (VmHWM): ${fmt(mem.daemon.peakMiB, 1)} MiB, now ${fmt(mem.daemon.rssMiB, 1)} MiB  [pid ${s.daemon.child?.pid}: ${mem.daemon.command.slice(0, 120)}]`);
  if (mem.podman) console.log(`its podman service peak RSS: ${fmt(mem.podman.peakMiB, 1)} MiB`);
  console.log(`machine: ${loadBefore} before, ${loadNote()} after; other work on the machine shows up in both columns`);
});
