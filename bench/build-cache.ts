// The build cache holds: a rebuild after a source-only change against the cold build of the same
// app, both through slipwayd's real build path (queue → clone → podman build with the team-scoped
// cache → image), in the same run. Target: rebuild ≤ 0.25 × cold.
//
// The fixture's Dockerfile has a dependency step before the source is copied, as an app's would
// (`COPY package*.json` → `RUN npm ci` → `COPY . .`). No registry is reachable here, so the step
// stands for `npm ci` with work of the same shape: it waits (the download) and writes a 48 MiB
// layer through gzip (the unpacked modules), a few seconds in all. Its text is printed.
// A third row builds the identical repository as another team's app: the team-scoped cache makes
// that build as cold as the first one (no layer of the first team is reused).
//
//   node --conditions=react-server --import tsx bench/build-cache.ts
import { TEST_BASE_IMAGE } from "../tests/support/test-images";
import { fixtureDockerfile, fixtureIndexHtml } from "../tests/support/git-fixtures";
import { IMAGE_LABEL } from "../server/daemon/engine/container-spec";
import { execFileAsync, queueBuild, seedApp, waitForBuild, waitForReleaseStatus } from "./support/harness";
import { fmt, loadNote, median, ratio, table } from "./support/report";
import { runBench, type BenchSession } from "./support/session";

const WARM_ROUNDS = 3;
const DEPENDENCY_STEP = "RUN sleep 2 && mkdir -p /deps && dd if=/dev/urandom bs=1M count=48 2>/dev/null | gzip -1 > /deps/modules.gz && sha256sum /deps/lock.txt > /deps/installed";

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
  const lines = await s.db.buildLogLine.findMany({ where: { buildId }, select: { line: true } });
  // The rollout is not timed, but waited for: it must not overlap the next build.
  const release = await s.db.release.findUniqueOrThrow({ where: { buildId } });
  const live = await waitForReleaseStatus(s.db, release.id, ["LIVE", "FAILED"], 120_000);
  if (live.status !== "LIVE") throw new Error(`release ${live.status}: ${live.statusReason ?? ""}`);
  return {
    buildMs: step?.startedAt && step.finishedAt ? step.finishedAt.getTime() - step.startedAt.getTime() : Number.NaN,
    totalMs: build.finishedAt.getTime() - build.queuedAt.getTime(),
    cachedSteps: lines.filter((l) => l.line.startsWith("--> Using cache")).length,
  };
}

/** Every image of the team, the cache's intermediates included (each carries the team's label). */
async function removeTeamImages(teamId: string): Promise<void> {
  const { stdout } = await execFileAsync("podman", ["images", "-a", "-q", "--no-trunc", "--filter", `label=${IMAGE_LABEL.team}=${teamId}`]);
  const ids = [...new Set(stdout.split("\n").filter(Boolean))];
  if (ids.length) await execFileAsync("podman", ["rmi", "-f", ...ids]);
}

await runBench({ name: "build-cache", limitMs: 12 * 60_000 }, async (s) => {
  const loadBefore = loadNote();
  const teams = [s.app.teamId];
  s.onCleanup(async () => {
    for (const t of teams) await removeTeamImages(t);
  });
  const version = `${s.runId}-deps`;
  // The session's first commit is the plain fixture; this one brings the dependency step. The
  // team is new in every run, so nothing in the engine's store can answer its steps.
  await s.repo.commitFiles({ Dockerfile: dockerfile(version), "lock.txt": `lock of ${version}\n`, "index.html": fixtureIndexHtml(`${version}-0`) }, "dependency step");
  const cold = await timedBuild(s, s.app.appId);

  const warm: Timing[] = [];
  for (let i = 1; i <= WARM_ROUNDS; i++) {
    await s.repo.commitFiles({ "index.html": fixtureIndexHtml(`${version}-${i}`) }, `source change ${i}`);
    warm.push(await timedBuild(s, s.app.appId));
  }

  // Another team, the identical repository at the same commit.
  const other = await seedApp(s.db, { teamSlug: `${s.runId}-other`, gitUrl: s.repo.dir, replicas: 1 });
  teams.push(other.teamId);
  await s.db.app.update({ where: { id: other.appId }, data: { cpuMillicores: 2000, memoryMib: 128 } });
  const otherTeam = await timedBuild(s, other.appId);

  const mem = s.memory();
  const wb = median(warm.map((t) => t.buildMs));
  const wt = median(warm.map((t) => t.totalMs));
  console.log(`\nfixture dependency step (stands for npm ci; no registry here): ${DEPENDENCY_STEP}`);
  console.log("\n== build cache: rebuild after a source-only change vs the cold build of the same app (slipwayd, same run) ==");
  console.log(
    table(
      ["case", "build step s", "queued→built s", "cached steps", "build / cold"],
      [
        ["cold (first build of the app)", fmt(cold.buildMs / 1000), fmt(cold.totalMs / 1000), String(cold.cachedSteps), "1.00x"],
        [`rebuild, source changed (median of ${WARM_ROUNDS})`, fmt(wb / 1000), fmt(wt / 1000), String(warm[0]?.cachedSteps ?? 0), ratio(wb, cold.buildMs)],
        ["another team, identical repo (first build)", fmt(otherTeam.buildMs / 1000), fmt(otherTeam.totalMs / 1000), String(otherTeam.cachedSteps), ratio(otherTeam.buildMs, cold.buildMs)],
      ],
    ),
  );
  console.log(`\nrebuild/cold: ${ratio(wb, cold.buildMs)} on the build step, ${ratio(wt, cold.totalMs)} queued→built (target ≤ 0.25x)`);
  warm.forEach((t, i) => console.log(`  rebuild ${i + 1}: build step ${fmt(t.buildMs / 1000)} s, queued→built ${fmt(t.totalMs / 1000)} s, ${t.cachedSteps} steps from the cache`));
  console.log(`\nslipwayd peak RSS (VmHWM): ${fmt(mem.daemon.peakMiB, 1)} MiB, now ${fmt(mem.daemon.rssMiB, 1)} MiB`);
  if (mem.podman) console.log(`its podman service peak RSS: ${fmt(mem.podman.peakMiB, 1)} MiB (builds run as podman build processes of their own)`);
  console.log(`machine: ${loadBefore} before, ${loadNote()} after`);
});
