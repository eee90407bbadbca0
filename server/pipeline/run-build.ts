// One claimed build, start to finish: clone → engine build → push (only when the app's cluster
// pulls from an image registry) → release. The user-facing reason of any failure goes to
// Build.error, the failed step and the build log; the live release is never touched by a failed
// build.
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { Db } from "../db";
import type { Engine } from "../daemon/engine/engine";
import { imageTag } from "../daemon/engine/container-spec";
import type { Logger } from "../daemon/logger";
import { createRelease } from "../releases/create-release";
import { BuildFailure } from "./build-failure";
import { packContext, resolveDockerfile } from "./build-context";
import { clusterImageRef, isLoopbackRegistry } from "../runtime/kubernetes/cluster-image-ref";
import { buildStepsFor, StepRecorder, type BuildStepName } from "./build-steps";
import { classifyGitUrl, cloneRepo } from "./git-source";
import { BuildLogSink } from "./log-sink";
import { isOtherImageName } from "./build-output";

export interface RunBuildOptions {
  db: Db;
  engine: Engine;
  log: Logger;
  buildId: string;
  owner: string;
  buildsDir: string;
  attempt: number;
  signal: AbortSignal;
  buildTimeoutMs?: number;
  buildMemoryMib?: number;
  buildCpuMillicores?: number;
}

const DEFAULT_BUILD_TIMEOUT_MS = 20 * 60_000;

export async function runBuild(opts: RunBuildOptions): Promise<void> {
  const { db, buildId } = opts;
  const build = await db.build.findUniqueOrThrow({
    where: { id: buildId },
    include: { app: { include: { project: true, team: true } } },
  });
  const app = build.app;
  const sink = new BuildLogSink(db, buildId, { onError: (e) => opts.log.warn({ buildId, err: String(e) }, "log batch lost") });
  const registry = await clusterRegistry(db, app.runtimeTarget);
  const steps = new StepRecorder(db, buildId, buildStepsFor({ push: registry !== "" }));
  const workDir = path.join(opts.buildsDir, buildId);
  let current: BuildStepName = "clone";
  const timeout = AbortSignal.timeout(opts.buildTimeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS);
  const signal = AbortSignal.any([opts.signal, timeout]);
  try {
    await steps.reset();
    if (opts.attempt > 1) sink.write("clone", `attempt ${opts.attempt}: the previous worker stopped before finishing`);

    await steps.start("clone");
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
    const commitSha = await cloneRepo({ source, policy, ref: build.gitRef, dir: workDir, signal, onLine: (l) => sink.write("clone", l, "stderr") });
    await db.build.update({ where: { id: buildId }, data: { commitSha } });
    sink.write("clone", `checked out ${commitSha}`);
    await steps.succeed("clone");

    current = "build";
    await steps.start("build");
    const dockerfile = resolveDockerfile(workDir, app.dockerfilePath);
    const tag = imageTag(app.team.slug, app.project.slug, app.slug, build.number);
    sink.write("build", `building ${tag} from ${dockerfile}`);
    let imageId: string;
    try {
      imageId = await opts.engine.build({
        context: packContext(workDir),
        tag,
        dockerfile,
        memoryBytes: (opts.buildMemoryMib ?? 2048) * 1024 * 1024,
        cpuQuota: Math.round(((opts.buildCpuMillicores ?? 1000) / 1000) * 100_000),
        signal,
        onLine: (l) => {
          if (!isOtherImageName(l, tag)) sink.write("build", l);
        },
      });
    } catch (e) {
      if (timeout.aborted) throw new BuildFailure(`The build took longer than ${Math.round((opts.buildTimeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS) / 60_000)} minutes and was stopped`);
      throw new BuildFailure(`Image build failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    await db.build.update({ where: { id: buildId }, data: { imageRef: tag, imageDigest: imageId } });
    sink.write("build", `image ${imageId}`);
    await steps.succeed("build");

    if (registry) {
      current = "push";
      await steps.start("push");
      const pushRef = clusterImageRef(tag, registry);
      sink.write("push", `pushing ${pushRef}`);
      try {
        await opts.engine.tag(tag, pushRef);
        await opts.engine.push(pushRef, (l) => sink.write("push", l), { insecure: isLoopbackRegistry(registry), signal });
      } catch (e) {
        if (opts.signal.aborted) throw e;
        const reason = timeout.aborted ? "the build's time limit was reached" : e instanceof Error ? e.message : String(e);
        throw new BuildFailure(
          `Pushing the image to ${registry} failed: ${reason}. Check that the registry is running and reachable from the build engine ` +
            `and accepts pushes (a platform admin can correct the cluster's image registry on the Clusters page), then deploy again; the live release keeps serving.`,
        );
      }
      sink.write("push", `pushed ${pushRef}`);
      await steps.succeed("push");
    }

    current = "release";
    await steps.start("release");
    const release = await createRelease({
      db,
      appId: app.id,
      buildId,
      imageRef: tag,
      imageDigest: imageId,
      alsoInTransaction: async (tx) => {
        const r = await tx.build.updateMany({
          where: { id: buildId, leaseOwner: opts.owner, status: "RUNNING" },
          data: { status: "SUCCEEDED", finishedAt: new Date(), leaseOwner: null, leaseExpiresAt: null },
        });
        // Lost the lease (canceled, or presumed dead and retried elsewhere): make no release.
        if (r.count !== 1) throw new BuildFailure("lease lost");
      },
    });
    sink.write("release", `release v${release.version} created; rolling out`);
    await steps.succeed("release");
    opts.log.info({ buildId, releaseId: release.id, version: release.version }, "build succeeded");
  } catch (e) {
    const userMessage = e instanceof BuildFailure ? e.message : "Internal error while building; see the daemon log";
    if (signal.aborted && !(e instanceof BuildFailure)) {
      opts.log.info({ buildId }, "build interrupted");
    } else if (!(e instanceof BuildFailure)) {
      opts.log.error({ buildId, err: e instanceof Error ? e.stack : String(e) }, "build crashed");
    }
    sink.write(current, `error: ${userMessage}`, "stderr");
    await steps.fail(current, userMessage).catch(() => undefined);
    // Only the lease holder may finish the build; a canceled or reclaimed build is left alone.
    if (!opts.signal.aborted) {
      await db.build.updateMany({
        where: { id: buildId, leaseOwner: opts.owner, status: "RUNNING" },
        data: { status: "FAILED", error: userMessage, finishedAt: new Date(), leaseOwner: null, leaseExpiresAt: null },
      });
    }
  } finally {
    await sink.flush();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The image registry of the app's cluster; "" for the embedded runtime or a cluster without one. */
async function clusterRegistry(db: Db, runtimeTarget: string): Promise<string> {
  if (!runtimeTarget.startsWith("cluster:")) return "";
  const cluster = await db.cluster.findUnique({ where: { name: runtimeTarget.slice("cluster:".length) }, select: { imageRegistry: true } });
  return cluster?.imageRegistry.trim() ?? "";
}

