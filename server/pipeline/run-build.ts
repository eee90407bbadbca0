// One claimed build, start to finish: clone → engine build → push (only when the app's cluster
// pulls from an image registry) → release. The user-facing reason of any failure goes to
// Build.error, the failed step and the build log; the live release is never touched by a failed
// build.
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { Db } from "../db";
import type { Engine } from "../daemon/engine/engine";
import { IMAGE_LABEL, imageRepository, imageTag } from "../daemon/engine/container-spec";
import { buildCgroupName, createBuildCgroup, killBuildProcesses, removeBuildCgroup } from "../daemon/engine/build-cgroup";
import { podmanBuild, podmanBuildNetwork } from "../daemon/engine/podman-build";
import type { Logger } from "../daemon/logger";
import { DEFAULT_BUILD_LIMITS, type BuildLimits } from "../daemon/build-limits";
import { createRelease } from "../releases/create-release";
import { BuildFailure } from "./build-failure";
import { assertTreeWithinLimit, packContext, resolveDockerfile } from "./build-context";
import { clusterImageRef, isLoopbackRegistry, pinnedImageRef } from "../runtime/kubernetes/cluster-image-ref";
import { assertImagesAllowed } from "./image-isolation";
import { resolveRunAs } from "./resolve-run-as";
import { describeRunAs } from "../runtime/run-as";
import { prefetchImages, rememberImages } from "./image-prefetch";
import { buildStepsFor, StepRecorder, type BuildStepName } from "./build-steps";
import { classifyGitUrl, cloneRepo, isCommitSha } from "./git-source";
import { BuildLogSink } from "./log-sink";
import { isOtherImageName } from "./build-output";
import { userLabel } from "../auth/user-label";

export interface RunBuildOptions {
  db: Db;
  engine: Engine;
  log: Logger;
  buildId: string;
  owner: string;
  buildsDir: string;
  attempt: number;
  signal: AbortSignal;
  limits?: Partial<BuildLimits>;
  /** the network RUN steps join (Slipway's isolated one); the engine's default when unset */
  network?: string;
  /** re-asserts the network's host rules before a build (they may have been flushed) */
  beforeBuild?: () => Promise<void>;
  /**
   * Build with the local `podman build` CLI (a process per build, allow-listed env) instead of the
   * engine API; set when slipwayd runs the engine itself. See podman-build.ts for why.
   */
  cliBuild?: { containersConf: string };
}

export async function runBuild(opts: RunBuildOptions): Promise<void> {
  const { db, buildId } = opts;
  const build = await db.build.findUniqueOrThrow({
    where: { id: buildId },
    include: { app: { include: { project: { include: { cluster: { select: { name: true, imageRegistry: true } } } }, team: true } } },
  });
  const app = build.app;
  const platformLimits = { ...DEFAULT_BUILD_LIMITS, ...opts.limits };
  const teamQuota = await db.teamQuota.findUnique({ where: { teamId: app.teamId }, select: { buildTimeoutSeconds: true } });
  const teamTimeoutMs = (teamQuota?.buildTimeoutSeconds ?? DEFAULT_TEAM_BUILD_TIMEOUT_SECONDS) * 1000;
  const limits = { ...platformLimits, timeoutMs: Math.min(teamTimeoutMs, platformLimits.timeoutMs) };
  const sink = new BuildLogSink(db, buildId, { maxLines: limits.maxLogLines, onError: (e) => opts.log.warn({ buildId, err: String(e) }, "log batch lost") });
  // Where images for the app's cluster are pushed; "" on the embedded runtime or a cluster without one.
  const registry = app.project.cluster?.imageRegistry.trim() ?? "";
  const steps = new StepRecorder(db, buildId, buildStepsFor({ push: registry !== "" }));
  const workDir = path.join(opts.buildsDir, buildId);
  let current: BuildStepName = "clone";
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const signal = AbortSignal.any([opts.signal, timeout]);
  const timeLimit =
    teamTimeoutMs <= platformLimits.timeoutMs
      ? `The build took longer than the team's build time limit of ${formatDuration(limits.timeoutMs)} and was stopped. Make the build faster ` +
        `(a smaller build context, dependency steps before the COPY of your source so their layers are reused) or ask a platform admin to raise the team's build time limit`
      : `The build took longer than this platform's build time limit of ${formatDuration(limits.timeoutMs)} (SLIPWAY_BUILD_TIMEOUT_SECONDS) and was stopped. Make the build faster ` +
        `(a smaller build context, dependency steps before the COPY of your source so their layers are reused) or ask the operator to raise the platform's limit`;
  const cgroup = buildCgroupName(buildId);
  try {
    await steps.reset();
    if (opts.attempt > 1) {
      sink.write("clone", `attempt ${opts.attempt}: the previous worker stopped before finishing`);
      // A worker killed outright leaves its RUN step running in the build's cgroup: end it first.
      if (opts.cliBuild) killBuildProcesses(cgroup);
    }

    await steps.start("clone");
    // What the engine needs before it may see the Dockerfile but that does not depend on the
    // commit is made ready while git clones: the team's build network and the host's network rules,
    // the registry prefixes the image check refuses, and the engine's answers about the images
    // the app's last build used (image-prefetch.ts).
    const networkSetUp = opts.cliBuild ? podmanBuildNetwork(opts.network, app.teamId) : Promise.resolve({ name: opts.network, hostRulesAsserted: false });
    const buildNetwork = startEarly(networkSetUp.then((n) => n.name));
    // A team network's set-up asserts every host rule itself: beforeBuild would run them all again.
    // When that set-up fails, the build fails for it (buildNetwork, below), not here.
    const hostRules = startEarly(networkSetUp.then((n) => (n.hostRulesAsserted ? undefined : opts.beforeBuild?.()), () => undefined));
    const pushPrefixes = startEarly(db.cluster.findMany({ select: { imageRegistry: true } }).then((cs) => cs.map((c) => c.imageRegistry)));
    const inspect = prefetchImages(app.id, (ref) => opts.engine.inspectImage(ref));
    const source = classifyGitUrl(app.gitUrl);
    const settings = await db.platformSettings.findUnique({ where: { id: "platform" } });
    if (source.kind === "local" && !settings?.allowLocalGitSources) {
      throw new BuildFailure("Local git sources are disabled on this platform; use an https:// URL (a platform admin can allow local sources)");
    }
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(opts.buildsDir, { recursive: true });
    sink.write("clone", `cloning ${source.url} at ${build.gitRef}`);
    // cloneRepo checks the host again (DNS or the platform setting may have changed since the app
    // was created) and pins git to the addresses it checked.
    const policy = { allowLocalGitSources: settings?.allowLocalGitSources ?? false, allowPrivateGitHosts: settings?.allowPrivateGitHosts ?? false };
    const cloned = await cloneRepo({ source, policy, ref: build.gitRef, dir: workDir, signal, onLine: (l) => sink.write("clone", l, "stderr") });
    const commitSha = cloned.sha;
    // A push builds exactly the commit its payload named, never what the branch points at now.
    if (isCommitSha(build.gitRef) && commitSha.toLowerCase() !== build.gitRef.toLowerCase()) {
      throw new BuildFailure(`Asked to build commit ${build.gitRef} but git checked out ${commitSha}`);
    }
    // A manual deploy of a branch learns its commit's message and author only now.
    const commit = build.commitMessage ? null : cloned;
    await db.build.update({
      where: { id: buildId },
      data: { commitSha, ...(commit ? { commitMessage: commit.subject, commitAuthor: build.commitAuthor ?? commit.author } : {}) },
    });
    sink.write("clone", `checked out ${commitSha}${commit ? `: ${commit.subject}` : ""}`);
    assertTreeWithinLimit(workDir, "repository", limits.maxRepoBytes);
    await steps.succeed("clone");

    current = "build";
    await steps.start("build");
    const dockerfile = resolveDockerfile(workDir, app.dockerfilePath);
    assertTreeWithinLimit(workDir, "build context", limits.maxContextBytes);
    const dockerfileText = readFileSync(path.join(workDir, dockerfile), "utf8");
    rememberImages(app.id, dockerfileText);
    // Independent checks run at once; the engine sees the Dockerfile only after both succeeded.
    // allSettled: a failure of one is never left unawaited while the other still runs.
    const checks = await Promise.allSettled([
      // No image of another team may be read by this build.
      (async () => {
        await assertImagesAllowed({ dockerfile: dockerfileText, teamId: app.teamId, inspect, pushPrefixes: await pushPrefixes() });
      })(),
      hostRules(),
    ]);
    for (const c of checks) if (c.status === "rejected") throw c.reason;
    const tag = imageTag(app.id, build.number);
    // The cgroup is on this machine: only for builds slipwayd runs here itself.
    const cgroupParent = opts.cliBuild ? createBuildCgroupOrWarn(cgroup, limits.pidsLimit, opts.log) : null;
    sink.write("build", `building ${tag} from ${dockerfile}`);
    let imageId: string;
    const common = {
      tag,
      dockerfile,
      memoryBytes: limits.memoryMib * 1024 * 1024,
      cpuQuota: Math.round((limits.cpuMillicores / 1000) * 100_000),
      cgroupParent: cgroupParent ?? undefined,
      // With a cgroup of its own, a stop kills the RUN step first and lets podman clean up.
      signal: cgroupParent ? stopBuildProcesses(signal, cgroup) : signal,
      onLine: (l: string) => {
        if (!isOtherImageName(l, tag)) sink.write("build", l);
      },
    };
    try {
      const network = await buildNetwork();
      imageId = opts.cliBuild
        ? await podmanBuild({ ...common, network, teamId: app.teamId, contextDir: workDir, containersConf: opts.cliBuild.containersConf, scratchDir: path.join(opts.buildsDir, `${buildId}.podman`) })
        : // The team's label is the only one: the tag names the app and the build.
          await opts.engine.build({ ...common, network, labels: { [IMAGE_LABEL.team]: app.teamId }, context: packContext(workDir) });
    } catch (e) {
      if (timeout.aborted) throw new BuildFailure(timeLimit);
      throw new BuildFailure(`Image build failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    await db.build.update({ where: { id: buildId }, data: { imageRef: tag, imageDigest: imageId } });
    sink.write("build", `image ${imageId}`, "stdout", true);
    const built = await opts.engine.inspectImage(imageId);
    if (!built) throw new BuildFailure(`The engine no longer has the image it just built (${imageId}); deploy again`);
    // Whom it runs as, on either runtime (server/runtime/run-as.ts).
    const runAs = await resolveRunAs(opts.engine, imageId, built.user);
    sink.write("build", describeRunAs(runAs), "stdout", true);
    await steps.succeed("build");
    // What a cluster runs: the image pinned by the digest its nodes pull by. Embedded releases run
    // the local image id (imageDigest) and keep the plain tag.
    let releaseRef = tag;
    if (app.project.cluster && !registry) {
      const local = built.repoDigests.find((d) => d.startsWith(`${imageRepository(app.id)}@`));
      releaseRef = pinnedImageRef(tag, local?.slice(local.indexOf("@") + 1) ?? imageId);
    }

    if (registry) {
      current = "push";
      await steps.start("push");
      const pushRef = clusterImageRef(tag, registry);
      sink.write("push", `pushing ${pushRef}`);
      let pushedDigest: string | null;
      try {
        await opts.engine.tag(tag, pushRef);
        pushedDigest = await opts.engine.push(pushRef, (l) => sink.write("push", l), { insecure: isLoopbackRegistry(registry), signal });
      } catch (e) {
        if (opts.signal.aborted) throw e;
        const reason = timeout.aborted ? "the build's time limit was reached" : e instanceof Error ? e.message : String(e);
        throw new BuildFailure(
          `Pushing the image to ${registry} failed: ${reason}. Check that the registry is running and reachable from the build engine ` +
            `and accepts pushes (a platform admin can correct the cluster's image registry on the Clusters page), then deploy again; the live release keeps serving.`,
        );
      }
      if (!pushedDigest) throw new BuildFailure(`Pushing the image to ${registry} reported no digest, so the cluster could not be told exactly which image to run; deploy again`);
      releaseRef = pinnedImageRef(tag, pushedDigest);
      sink.write("push", `pushed ${pushRef}`, "stdout", true);
      sink.write("push", `digest ${pushedDigest}`, "stdout", true);
      await steps.succeed("push");
    }

    current = "release";
    await steps.start("release");
    // Everything the build said is stored before the build reads SUCCEEDED: whoever sees it finished
    // (a person, a webhook's status, a test) reads the whole story, not a log still in the buffer.
    await sink.flush();
    const release = await createRelease({
      db,
      appId: app.id,
      buildId,
      imageRef: releaseRef,
      imageDigest: imageId,
      runAs,
      alsoInTransaction: async (tx) => {
        const r = await tx.build.updateMany({
          where: { id: buildId, leaseOwner: opts.owner, status: "RUNNING" },
          data: { status: "SUCCEEDED", finishedAt: new Date(), leaseOwner: null, leaseExpiresAt: null },
        });
        // Lost the lease (canceled, or presumed dead and retried elsewhere): make no release.
        if (r.count !== 1) throw new BuildFailure("lease lost");
      },
    });
    sink.write("release", `release v${release.version} created; rolling out`, "stdout", true);
    await steps.succeed("release");
    opts.log.info({ buildId, releaseId: release.id, version: release.version }, "build succeeded");
  } catch (e) {
    // Checked whatever the error: a cancel may land between two status checks of the worker, and
    // then shows up here as the release transaction's "lease lost".
    const canceled = await canceledBy(db, buildId).catch((err: unknown) => {
      opts.log.warn({ buildId, err: String(err) }, "could not read whether the build was canceled");
      return null;
    });
    if (canceled !== null) {
      // Canceled by a person: the cancel already finished the build row; record it in the steps and log.
      opts.log.info({ buildId }, "build canceled");
      sink.write(current, canceled ? `canceled by ${canceled}` : "canceled", "stderr", true);
      await steps.fail(current, "canceled").catch((err: unknown) => opts.log.warn({ buildId, err: String(err) }, "marking the canceled build's steps failed"));
      return;
    }
    const userMessage =
      timeout.aborted && !opts.signal.aborted ? timeLimit : e instanceof BuildFailure ? e.message : "Internal error while building; see the daemon log";
    if (opts.signal.aborted && !(e instanceof BuildFailure)) {
      opts.log.info({ buildId }, "build interrupted");
    } else if (!(e instanceof BuildFailure)) {
      opts.log.error({ buildId, err: e instanceof Error ? e.stack : String(e) }, "build crashed");
    }
    sink.write(current, `error: ${userMessage}`, "stderr", true);
    await steps.fail(current, userMessage).catch(() => undefined);
    // Only the lease holder may finish the build; a canceled or reclaimed build is left alone.
    if (!opts.signal.aborted) {
      await db.build.updateMany({
        where: { id: buildId, leaseOwner: opts.owner, status: "RUNNING" },
        data: { status: "FAILED", error: userMessage, finishedAt: new Date(), leaseOwner: null, leaseExpiresAt: null },
      });
    }
  } finally {
    // Whatever a stopped podman left running in the build's cgroup ends with the build.
    if (opts.cliBuild) killBuildProcesses(cgroup);
    await sink.flush();
    rmSync(workDir, { recursive: true, force: true });
    const left = removeBuildCgroup(cgroup);
    if (left.length) opts.log.warn({ buildId, left }, "build cgroup not removed");
  }
}

/** How long podman gets to fail the killed step and remove its containers before it is signalled itself. */
const PODMAN_EXIT_GRACE_MS = 2000;

/**
 * The signal for `podman build` when its RUN steps run in the build's cgroup: on a stop (cancel,
 * time limit, lease lost) the cgroup's processes are killed at once and again every 250 ms (a
 * step that started meanwhile), and podman itself is signalled only if it has not exited after a
 * grace period. The timers are unref'd and end with the grace period, so nothing outlives the build.
 */
function stopBuildProcesses(signal: AbortSignal, cgroup: string): AbortSignal {
  const forPodman = new AbortController();
  signal.addEventListener(
    "abort",
    () => {
      killBuildProcesses(cgroup);
      const again = setInterval(() => killBuildProcesses(cgroup), 250);
      again.unref();
      setTimeout(() => {
        clearInterval(again);
        forPodman.abort(signal.reason);
      }, PODMAN_EXIT_GRACE_MS).unref();
    },
    { once: true },
  );
  return forPodman.signal;
}

/**
 * Starts work now and hands over its outcome when asked: its failure is thrown there, never left
 * as an unhandled rejection meanwhile. When the build fails before asking (the clone did), the
 * outcome is dropped: the build reports the earlier failure, and the next build does it again.
 */
function startEarly<T>(work: Promise<T>): () => Promise<T> {
  const settled = work.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return async () => {
    const r = await settled;
    if (!r.ok) throw r.error;
    return r.value;
  };
}

/** Matches the column default, for a team whose quota row does not exist yet. */
const DEFAULT_TEAM_BUILD_TIMEOUT_SECONDS = 1800;

/** The name of who canceled the build ("" when unknown), or null when it was not canceled. */
async function canceledBy(db: Db, buildId: string): Promise<string | null> {
  const b = await db.build.findUnique({ where: { id: buildId }, select: { status: true, canceledById: true } });
  if (b?.status !== "CANCELED") return null;
  if (!b.canceledById) return "";
  const user = await db.user.findUnique({ where: { id: b.canceledById }, select: { name: true, email: true } });
  return user ? userLabel(user) : "";
}

function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

function createBuildCgroupOrWarn(name: string, pidsLimit: number, log: Logger): string | null {
  try {
    const parent = createBuildCgroup(name, pidsLimit);
    if (!parent) log.warn({ cgroup: name }, "no pids cgroup on this machine: the build runs without a process limit");
    return parent;
  } catch (e) {
    log.warn({ cgroup: name, err: e instanceof Error ? e.message : String(e) }, "could not create the build's cgroup: the build runs without a process limit");
    return null;
  }
}


