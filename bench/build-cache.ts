// The build cache holds: a rebuild after a source-only change against the cold build of the same
// app, both through slipwayd's real build path (queue → clone → podman build with the team-scoped
// cache → image), in the same run. Target: rebuild ≤ 0.25 × cold.
//
// The fixture's Dockerfile has a dependency step before the source is copied, as an app's would
// (`COPY package*.json` → `RUN npm ci` → `COPY . .`). No registry is reachable here, so the step
// stands for `npm ci` with work of the same shape: it waits (the download) and writes a 48 MiB
// layer through gzip (the unpacked modules), a few seconds in all. Its text is printed.
// Two more teams build the identical repository: the team-scoped cache makes their builds as cold
// as the first (no layer of the first team is reused), which gives three samples of a cold build.
// The raw engine (`podman build --layers` by hand, unscoped) does the same cold build and rebuild
// in the same run: the baseline for what the engine's cache itself achieves.
//
//   node --conditions=react-server --import tsx bench/build-cache.ts
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { TEST_BASE_IMAGE } from "../tests/support/test-images";
import { fixtureDockerfile, fixtureIndexHtml } from "../tests/support/git-fixtures";
import { IMAGE_LABEL } from "../server/daemon/engine/container-spec";
import { execFileAsync, queueBuild, seedApp, waitForBuild, waitForReleaseStatus } from "./support/harness";
import { fmt, loadNote, median, ratio, table } from "./support/report";
import { runBench, type BenchSession } from "./support/session";

const WARM_ROUNDS = 5;
const OTHER_TEAMS = 2;
const DEPENDENCY_STEP = "RUN sleep 3 && mkdir -p /deps && dd if=/dev/urandom bs=1M count=48 2>/dev/null | gzip -1 > /deps/modules.gz && sha256sum /deps/lock.txt > /deps/installed";

/** The fixture app's Dockerfile with the dependency step between FROM and the source. */
function dockerfile(version: string): string {
  const [from, ...rest] = fixtureDockerfile(version).split("\n");
  if (from !== `FROM ${TEST_BASE_IMAGE}`) throw new Error(`unexpected fixture Dockerfile: ${from}`);
  return [from, "COPY lock.txt /deps/lock.txt", DEPENDENCY_STEP, ...rest].join("\n");
}

interface Timing {
  /** the build step as the platform recorded it (podman build, image id) */
  buildMs: number;
  /** queued → build SUCCEEDED (claim, clone, checks, build, release record) */
  totalMs: number;
  cachedSteps: number;
  /** from the dependency step's line to the engine's next "-->" line, by the log lines' times */
  dependencyMs: number;
}

async function timedBuild(s: BenchSession, appId: string): Promise<Timing> {
  const buildId = appId === s.app.appId ? await s.deploy() : await queueBuild(s.db, appId, "main");
  if (appId !== s.app.appId) {
    const res = await fetch(s.daemon.apiUrl("/v1/reconcile"), { method: "POST", headers: { authorization: `Bearer ${s.daemon.token()}` } });
    await res.body?.cancel();
  }
  const build = await waitForBuild(s.db, buildId, 300_000);
  if (build.status !== "SUCCEEDED" || !build.finishedAt) throw new Error(`build ${build.status}: ${build.error ?? ""}`);
  const step = await s.db.buildStep.findFirst({ where: { buildId, name: "build" } });
  const lines = await s.db.buildLogLine.findMany({ where: { buildId }, orderBy: { id: "asc" }, select: { line: true, createdAt: true } });
  const dep = lines.findIndex((l) => l.line.endsWith(DEPENDENCY_STEP.slice(4)) && /STEP \d+\/\d+: RUN/.test(l.line));
  const depEnd = dep < 0 ? -1 : lines.findIndex((l, i) => i > dep && l.line.startsWith("-->"));
  // The rollout is not timed, but waited for: it must not overlap the next build.
  const release = await s.db.release.findUniqueOrThrow({ where: { buildId } });
  const live = await waitForReleaseStatus(s.db, release.id, ["LIVE", "FAILED"], 120_000);
  if (live.status !== "LIVE") throw new Error(`release ${live.status}: ${live.statusReason ?? ""}`);
  return {
    buildMs: step?.startedAt && step.finishedAt ? step.finishedAt.getTime() - step.startedAt.getTime() : Number.NaN,
    totalMs: build.finishedAt.getTime() - build.queuedAt.getTime(),
    cachedSteps: lines.filter((l) => l.line.startsWith("--> Using cache")).length,
    dependencyMs: depEnd < 0 ? Number.NaN : lines[depEnd]!.createdAt.getTime() - lines[dep]!.createdAt.getTime(),
  };
}

/** Every image of the team, the cache's intermediates included (each carries the team's label). */
async function removeTeamImages(teamId: string): Promise<void> {
  const { stdout } = await execFileAsync("podman", ["images", "-a", "-q", "--no-trunc", "--filter", `label=${IMAGE_LABEL.team}=${teamId}`]);
  const ids = [...new Set(stdout.split("\n").filter(Boolean))];
  if (ids.length) await execFileAsync("podman", ["rmi", "-f", ...ids]);
}

interface RawTiming {
  ms: number;
  cachedSteps: number;
}

/** The same build by hand: `podman build --layers` of a fresh checkout, unscoped, no platform. */
async function rawBuild(s: BenchSession, tag: string): Promise<RawTiming> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-bench-raw-"));
  try {
    await execFileAsync("git", ["clone", "--quiet", "--depth", "1", "--branch", "main", "--", s.repo.dir, dir]);
    const t0 = process.hrtime.bigint();
    const { stdout } = await execFileAsync("podman", ["--runtime", "runc", "build", "--layers", "--network", "none", "-t", tag, "-f", "Dockerfile", dir], { maxBuffer: 16 * 1024 * 1024 });
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, cachedSteps: stdout.split("\n").filter((l) => l.startsWith("--> Using cache")).length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runBench({ name: "build-cache", limitMs: 15 * 60_000 }, async (s) => {
  const loadBefore = loadNote();
  const teams = [s.app.teamId];
  const rawTags: string[] = [];
  s.onCleanup(async () => {
    for (const t of teams) await removeTeamImages(t);
    if (rawTags.length) await execFileAsync("podman", ["rmi", "-f", ...rawTags]);
  });
  const version = `${s.runId}-deps`;
  // The session's first commit is the plain fixture; this one brings the dependency step. The
  // team is new in every run, so nothing in the engine's store can answer its steps.
  await s.repo.commitFiles({ Dockerfile: dockerfile(version), "lock.txt": `lock of ${version}\n`, "index.html": fixtureIndexHtml(`${version}-0`) }, "dependency step");
  const colds = [await timedBuild(s, s.app.appId)];

  const warm: Timing[] = [];
  for (let i = 1; i <= WARM_ROUNDS; i++) {
    await s.repo.commitFiles({ "index.html": fixtureIndexHtml(`${version}-${i}`) }, `source change ${i}`);
    warm.push(await timedBuild(s, s.app.appId));
  }

  // Other teams, the identical repository at the same commit: cold again (nothing of the first
  // team's is reused), and more samples of a cold build.
  for (let t = 1; t <= OTHER_TEAMS; t++) {
    const other = await seedApp(s.db, { teamSlug: `${s.runId}-other${t}`, gitUrl: s.repo.dir, replicas: 1 });
    teams.push(other.teamId);
    await s.db.app.update({ where: { id: other.appId }, data: { cpuMillicores: 2000, memoryMib: 128 } });
    colds.push(await timedBuild(s, other.appId));
  }

  // The raw engine in the same run: its own cold build and its rebuild after the same change.
  const rawTag = (n: number) => `localhost/slipway-bench-raw/${s.runId}:${n}`;
  rawTags.push(rawTag(0));
  const rawCold = await rawBuild(s, rawTag(0));
  const rawWarm: RawTiming[] = [];
  for (let i = 1; i <= WARM_ROUNDS; i++) {
    await s.repo.commitFiles({ "index.html": fixtureIndexHtml(`${version}-raw-${i}`) }, `raw source change ${i}`);
    rawTags.push(rawTag(i));
    rawWarm.push(await rawBuild(s, rawTag(i)));
  }

  const mem = s.memory();
  const cb = median(colds.map((t) => t.buildMs));
  const ct = median(colds.map((t) => t.totalMs));
  const wb = median(warm.map((t) => t.buildMs));
  const wt = median(warm.map((t) => t.totalMs));
  const rw = median(rawWarm.map((t) => t.ms));
  console.log(`\nfixture dependency step (stands for npm ci; no registry here): ${DEPENDENCY_STEP}`);
  console.log("\n== build cache: rebuild after a source-only change vs the cold build of the same Dockerfile (slipwayd, same run) ==");
  console.log(
    table(
      ["case", "build step s", "queued→built s", "cached steps", "build / cold"],
      [
        [`cold: a team's first build (median of ${colds.length} teams)`, fmt(cb / 1000), fmt(ct / 1000), colds.map((c) => c.cachedSteps).join("/"), "1.00x"],
        [`rebuild, source changed (median of ${WARM_ROUNDS})`, fmt(wb / 1000), fmt(wt / 1000), String(warm[0]?.cachedSteps ?? 0), ratio(wb, cb)],
        ["raw engine by hand: cold", fmt(rawCold.ms / 1000), "", String(rawCold.cachedSteps), ""],
        [`raw engine by hand: rebuild (median of ${WARM_ROUNDS})`, fmt(rw / 1000), "", String(rawWarm[0]?.cachedSteps ?? 0), ratio(rw, rawCold.ms)],
      ],
    ),
  );
  console.log(`\nrebuild/cold: ${ratio(wb, cb)} on the build step, ${ratio(wt, ct)} queued→built (target ≤ 0.25x); slipwayd rebuild / raw engine rebuild: ${ratio(wb, rw)}`);
  colds.forEach((t, i) => console.log(`  cold ${i === 0 ? "(the app's team)" : `(other team ${i})`}: build step ${fmt(t.buildMs / 1000)} s, of which the dependency step ${fmt(t.dependencyMs / 1000)} s (log line times); ${t.cachedSteps} steps from the cache`));
  warm.forEach((t, i) => console.log(`  rebuild ${i + 1}: build step ${fmt(t.buildMs / 1000)} s, queued→built ${fmt(t.totalMs / 1000)} s, ${t.cachedSteps} steps from the cache`));
  rawWarm.forEach((t, i) => console.log(`  raw rebuild ${i + 1}: ${fmt(t.ms / 1000)} s, ${t.cachedSteps} steps from the cache`));
  console.log("a rebuild is the engine's fixed work: the context, and one commit per step from the changed COPY on (COPY, EXPOSE, CMD, the labels)");
  console.log(`\nslipwayd peak RSS (VmHWM): ${fmt(mem.daemon.peakMiB, 1)} MiB, now ${fmt(mem.daemon.rssMiB, 1)} MiB`);
  if (mem.podman) console.log(`its podman service peak RSS: ${fmt(mem.podman.peakMiB, 1)} MiB (builds run as podman build processes of their own)`);
  console.log(`machine: ${loadBefore} before, ${loadNote()} after; other work on the machine shows up in every row`);
});
