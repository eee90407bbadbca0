// Push-to-live on a Kubernetes cluster: Slipway (deploy → clone → podman build → push to the
// cluster's registry → release → Deployment rolled out on the test cluster's real node → LIVE)
// against a person doing the same by hand in the same run: git clone, `podman build` with the
// Dockerfile and build limits Slipway uses, `podman push` to the same registry, `kubectl apply -f`
// of the SAME manifests (appManifests() for the release's WorkloadSpec, image by digest, same node
// placement, same namespace: Pod Security `restricted`, quota and LimitRange as Slipway's) and
// `kubectl rollout status`. Both sides run 2 replicas of the fixture app (busybox httpd) at
// 250m / 64 Mi on the real node (kubelet + containerd), pulled by digest from a Distribution
// registry on loopback.
//   cold: the first deploy of each side (Slipway's also creates the team namespace, its
//         credentials and pushes the base layer: read it as a note, not a target)
//   warm: each round one new commit per side (index.html changes: both build a new COPY layer,
//         push it, and roll out new pods), WARM_ROUNDS rounds alternating which side goes first;
//         medians reported.
// Two more figures per side: from the start until the new version first answers through the API
// server's service proxy (polled every 100 ms on both sides, as "open" reaches a cluster app); and
// the side's own time, all but the cluster's rollout (the Deployment, polled every 100 ms on both
// sides, first seen with the new pod template → complete). The rollout itself sometimes takes a
// readiness probe period longer: kubelet probes a new container once it runs, and when that
// comes before httpd listens the next probe is a period later. Whole-run medians move with how
// many rounds drew that on each side; the own time does not.
// The app is the fixture (busybox httpd) made to end on SIGTERM, and before each deploy the bench
// waits, untimed, until no pod of the namespace is terminating: the real node has 2 CPUs, and
// replaced pods that still hold their requests leave a rollout's surge pod Pending (5–28 s at
// random on either side in the first runs), which measured the node's room, not either side.
//
//   flock /tmp/slipway-heavy.lock node --conditions=react-server --import tsx bench/cluster-push-to-live.ts
//   BENCH_ROUNDS=7 … (warm rounds; default 9: odd, so the median is one round, not the lower of two)
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Deployment } from "@kubernetes/client-node";
import { ensureTestCluster } from "../tests/support/kube-cluster";
import { requireRealNode } from "../tests/support/real-node";
import { startLoopbackRegistry, type LoopbackRegistry } from "../tests/support/loopback-registry";
import { createFixtureRepo, fixtureIndexHtml, type FixtureRepo } from "../tests/support/git-fixtures";
import { ensureTestBaseImage, TEST_BASE_IMAGE } from "../tests/support/test-images";
import { call, setupApiTestEnv, signUp } from "../tests/support/api-harness";
import { DEFAULT_BUILD_LIMITS } from "../server/daemon/build-limits";
import { imageRepository } from "../server/daemon/engine/container-spec";
import { appManifests } from "../server/runtime/kubernetes/app-manifests";
import { LABEL, teamNamespace, workloadName } from "../server/runtime/kubernetes/names";
import { proxyThroughApiServer, serviceProxyPath } from "../server/runtime/kubernetes/service-proxy";
import { rolloutState } from "../server/runtime/kubernetes/rollout-state";
import { clusterImageRef } from "../server/runtime/kubernetes/cluster-image-ref";
import type { WorkloadSpec } from "../server/runtime/runtime-driver";
import type { Db } from "../server/db";
import { allowLocalGitSources, cleanupDaemonResources, createDaemon, createTestDatabase, execFileAsync, makeDataDir, waitForBuild, waitForReleaseStatus, type DaemonProcess } from "./support/harness";
import { ensureKubectl } from "./support/kubectl";
import { fmt, loadNote, median, processMemory, ratio, table } from "./support/report";

const WARM_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const LIMIT_MS = 30 * 60_000;
const REPLICAS = 2;
const ROLLOUT_TIMEOUT_S = 180;
const PROBE_EVERY_MS = 100;

// The web side (route handlers, in this process) seals the kubeconfig and slipwayd opens it.
process.env.SLIPWAY_SECRET_KEY ??= randomBytes(32).toString("hex");

const runId = `cb${Date.now().toString(36)}`;
const since = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

interface Timing {
  /** start → LIVE (Slipway) or `kubectl rollout status` done (by hand), ms */
  totalMs: number;
  /** start → the new version's first answer through the API server's service proxy, ms */
  servingMs: number;
  /** the Deployment as this process saw it (polled, the same on both sides) */
  rollout: RolloutSeen;
  phases: Record<string, number>;
}

/** What the run made, for cleanup whatever happens. */
const made: {
  dataDir?: string;
  daemon?: DaemonProcess;
  db?: Db;
  registry?: LoopbackRegistry;
  repo?: FixtureRepo;
  appId?: string;
  namespace?: string;
  admin?: KubeConfig;
  /** the real node's containerd socket: the images it pulled from this run's registry are removed */
  containerdSocket?: string;
  workDirs: string[];
} = { workDirs: [] };

async function cleanup(kubectl: string | undefined, kubeconfig: string | undefined): Promise<void> {
  const step = async (what: string, fn: () => Promise<unknown>) => {
    await fn().catch((e: unknown) => console.error(`cleanup: ${what} failed: ${String(e)}`));
  };
  if (made.namespace && kubectl && kubeconfig) await step(`deleting namespace ${made.namespace}`, () => execFileAsync(kubectl, ["--kubeconfig", kubeconfig, "delete", "namespace", made.namespace!, "--wait=false"]));
  await step("stopping slipwayd", async () => made.daemon?.kill("SIGTERM"));
  if (made.dataDir) await step("daemon resources", () => cleanupDaemonResources(made.dataDir!));
  made.registry?.stop();
  if (made.appId && made.registry) {
    const repos = [imageRepository(made.appId), clusterImageRef(imageRepository(made.appId), `${made.registry.addr}/slipway`), `${made.registry.addr}/slipway/by-hand-${runId}`];
    await step("removing the run's images", async () => {
      const { stdout } = await execFileAsync("podman", ["images", "--format", "{{.Repository}}:{{.Tag}}", ...repos.flatMap((r) => ["--filter", `reference=${r}`])]);
      const tags = [...new Set(stdout.split("\n").filter((t) => t && !t.endsWith(":<none>")))];
      if (tags.length) await execFileAsync("podman", ["rmi", "-f", ...tags]);
    });
  }
  if (made.containerdSocket && made.registry) {
    // kubelet's image GC is off on the test node (thresholds 100/99): what was pulled stays.
    const ctr = ["--address", made.containerdSocket, "--namespace", "k8s.io", "images"];
    await step("removing the node's pulled images", async () => {
      // After the namespace's pods are gone (preStop 5 s, then they end on SIGTERM).
      const core = made.admin?.makeApiClient(CoreV1Api);
      const deadline = Date.now() + 60_000;
      while (core && made.namespace && Date.now() < deadline && (await core.listNamespacedPod({ namespace: made.namespace })).items.length) await new Promise((r) => setTimeout(r, 500));
      // Each pull is two records: the name it was pulled by and the image id (sha256:<config>),
      // both pointing at the same manifest digest (the third column).
      const { stdout } = await execFileAsync("ctr", [...ctr, "ls"]);
      const rows = stdout.split("\n").slice(1).map((l) => l.split(/\s+/)).filter((c) => c[0] && c[2]);
      const manifests = new Set(rows.filter(([ref]) => ref!.startsWith(`${made.registry!.addr}/`)).map((c) => c[2]));
      const pulled = rows.filter((c) => manifests.has(c[2])).map(([ref]) => ref!);
      if (pulled.length) await execFileAsync("ctr", [...ctr, "rm", ...pulled]);
    });
  }
  await made.db?.$disconnect().catch((e: unknown) => console.error(`cleanup: closing the database failed: ${String(e)}`));
  for (const d of [...made.workDirs, made.dataDir, made.repo?.dir]) if (d) rmSync(d, { recursive: true, force: true });
}

/**
 * Polls the app's Service through the API server's service proxy until an answer names `version`;
 * resolves to the ms since `t0` (NaN when stopped first).
 */
function firstServed(admin: KubeConfig, namespace: string, service: string, version: string, t0: bigint, stop: AbortSignal): Promise<number> {
  const proxyPath = serviceProxyPath(namespace, service, "http");
  return (async () => {
    while (!stop.aborted) {
      const at = process.hrtime.bigint();
      const body = await proxyThroughApiServer(admin, proxyPath, { method: "GET", path: "/", headers: {}, body: null, signal: AbortSignal.timeout(2000) }).then(
        async (r) => {
          const chunks: Buffer[] = [];
          for await (const c of r.body) chunks.push(c as Buffer);
          return r.status === 200 ? Buffer.concat(chunks).toString("utf8") : "";
        },
        () => "", // not reachable yet (no endpoints, no Service): keep polling
      );
      if (body.includes(`version ${version}<`)) return since(t0);
      const wait = PROBE_EVERY_MS - since(at);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    return Number.NaN;
  })();
}

interface RolloutSeen {
  /** start → the Deployment first seen with the new pod template (the apply landed), ms */
  appliedMs: number;
  /** start → the Deployment first complete with it, ms */
  completeMs: number;
  /** per new pod: seconds from its container's start to its Ready condition (API timestamps, whole seconds) */
  startToReadyS: number[];
}

/**
 * Polls the Deployment until it is complete (as `kubectl rollout status` judges) with a pod
 * template of another release than it had at the start. The same clock and poll on both sides:
 * complete − applied is the cluster's own rollout; what a side adds is everything else.
 */
function watchRollout(admin: KubeConfig, namespace: string, appId: string, t0: bigint, stop: AbortSignal): Promise<RolloutSeen> {
  const apps = admin.makeApiClient(AppsV1Api);
  const core = admin.makeApiClient(CoreV1Api);
  const name = workloadName(appId);
  const look = () =>
    apps.readNamespacedDeployment({ name, namespace }).then(
      (d) => ({ release: d.spec?.template.metadata?.labels?.[LABEL.release] ?? null, available: rolloutState(d).phase === "available" }),
      () => ({ release: null, available: false }), // not created yet (the first deploy)
    );
  return (async () => {
    const before = (await look()).release;
    let appliedMs = Number.NaN;
    while (!stop.aborted) {
      const at = process.hrtime.bigint();
      const now = await look();
      const isNew = now.release !== null && now.release !== before;
      if (isNew && Number.isNaN(appliedMs)) appliedMs = since(t0);
      if (isNew && now.available) {
        const completeMs = since(t0);
        const pods = await core.listNamespacedPod({ namespace, labelSelector: `${LABEL.appId}=${appId},${LABEL.release}=${now.release}` });
        const startToReadyS = pods.items
          .filter((p) => !p.metadata?.deletionTimestamp)
          .map((p) => {
            const started = p.status?.containerStatuses?.[0]?.state?.running?.startedAt;
            const ready = p.status?.conditions?.find((c) => c.type === "Ready" && c.status === "True")?.lastTransitionTime;
            return started && ready ? (new Date(ready).getTime() - new Date(started).getTime()) / 1000 : Number.NaN;
          })
          .sort((a, b) => a - b);
        return { appliedMs, completeMs, startToReadyS };
      }
      const wait = PROBE_EVERY_MS - since(at);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    return { appliedMs, completeMs: Number.NaN, startToReadyS: [] };
  })();
}

/** A side's own time: all but the cluster's rollout (new template seen → Deployment complete). */
const ownMs = (t: Timing) => t.totalMs - (t.rollout.completeMs - t.rollout.appliedMs);

/**
 * The fixture app (busybox httpd), but ending on SIGTERM: as PID 1 httpd ignores it, so every
 * replaced pod would hold its CPU request on the node for the whole 30 s grace period (see
 * waitForNoTerminatingPods).
 */
function benchDockerfile(): string {
  return [
    `FROM ${TEST_BASE_IMAGE}`,
    `RUN mkdir -p /www && echo "built ${runId}" > /www/build.txt`,
    "COPY index.html /www/index.html",
    "EXPOSE 8080",
    `CMD ["sh", "-c", "echo 'slipway bench app starting'; httpd -f -p 8080 -h /www & trap 'kill $! 2>/dev/null; exit 0' TERM; wait"]`,
    "",
  ].join("\n");
}

/**
 * Untimed, before each deploy: until the namespace has no pod being deleted. The real node has
 * 2 CPUs (8 pods of 250m) and the scheduler counts a terminating pod's request until it is gone:
 * with both apps' 4 replicas running, the pods the last rollouts replaced (preStop 5 s, then
 * SIGTERM) left no room for the next rollout's surge pod, which then waited Pending for them,
 * 5–28 s at random, on either side.
 */
async function waitForNoTerminatingPods(admin: KubeConfig, namespace: string): Promise<void> {
  const core = admin.makeApiClient(CoreV1Api);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const pods = await core.listNamespacedPod({ namespace });
    if (!pods.items.some((p) => p.metadata?.deletionTimestamp)) return;
    if (Date.now() > deadline) throw new Error(`pods in ${namespace} still terminating after 120 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function phaseText(t: Timing): string {
  const phases = Object.entries(t.phases).map(([k, v]) => `${k} ${fmt(v / 1000)}`).join(", ");
  const r = t.rollout;
  return (
    `total ${fmt(t.totalMs / 1000)} = own ${fmt(ownMs(t) / 1000)} + cluster rollout ${fmt((r.completeMs - r.appliedMs) / 1000)} ` +
    `(new template seen ${fmt(r.appliedMs / 1000)}, complete ${fmt(r.completeMs / 1000)}, end +${fmt((t.totalMs - r.completeMs) / 1000)}; pods start→Ready ${r.startToReadyS.map((x) => `${x}s`).join("/")}), ` +
    `served ${fmt(t.servingMs / 1000)}: ${phases}`
  );
}

async function main(): Promise<void> {
  const loadBefore = loadNote();
  const cluster = await ensureTestCluster();
  const node = requireRealNode(cluster);
  made.containerdSocket = node.containerdSocket;
  const kubectl = await ensureKubectl(cluster.stateDir);
  const kubeconfig = cluster.kubeconfigPath;
  let cleaning: Promise<void> | undefined;
  const finish = async (code: number) => {
    cleaning ??= cleanup(kubectl, kubeconfig);
    await cleaning;
    process.exit(code);
  };
  setTimeout(() => {
    console.error(`cluster-push-to-live: gave up after ${LIMIT_MS / 60_000} min`);
    void finish(1);
  }, LIMIT_MS).unref();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void finish(130));

  try {
    const { stdout: kubectlVersion } = await execFileAsync(kubectl, ["version", "--client", "-o", "json"]);
    const admin = (made.admin = new KubeConfig());
    admin.loadFromFile(kubeconfig);
    await ensureTestBaseImage();
    const dataDir = (made.dataDir = makeDataDir("bench-cluster-push-to-live"));
    const registry = (made.registry = await startLoopbackRegistry(path.join(dataDir, "registry")));
    const { url, db } = await createTestDatabase(path.join(dataDir, "bench.db"));
    made.db = db;
    const daemon = (made.daemon = await createDaemon({ dataDir, databaseUrl: url }));
    // The route handlers run in this process as the web server would, sharing slipwayd's data
    // dir and API port, so a deploy nudges slipwayd at once as in production.
    setupApiTestEnv({ databaseUrl: url });
    process.env.SLIPWAY_DATA_DIR = dataDir;
    process.env.SLIPWAY_DAEMON_PORT = String(daemon.apiPort);
    (await import("../server/env")).resetEnvForTests();
    const clustersRoute = await import("../app/api/v1/clusters/route");
    const projectsRoute = await import("../app/api/v1/projects/route");
    const projectAppsRoute = await import("../app/api/v1/projects/[projectId]/apps/route");
    const deployRoute = await import("../app/api/v1/apps/[appId]/deploy/route");
    const meRoute = await import("../app/api/v1/me/route");
    const { loadDesiredApps } = await import("../server/daemon/reconcile/desired-state");

    await allowLocalGitSources(db, true);
    // The first account is the platform admin (team "default", shared with the tests' clusters
    // as slipway-default); the app belongs to a team of its own, so this run's namespace is too.
    const adminCookie = await signUp(`admin-${runId}@example.test`);
    const cookie = await signUp(`bench-${runId}@example.test`);
    const clusterName = `bench-${runId}`;
    const appNodeSelector = `${node.label}=true`;
    const expectStatus = (what: string, res: { status: number; json: unknown }, status: number) => {
      if (res.status !== status) throw new Error(`${what} answered ${res.status}: ${JSON.stringify(res.json)}`);
    };
    expectStatus(
      "registering the cluster",
      await call(clustersRoute.POST, "POST", "/api/v1/clusters", {
        cookie: adminCookie,
        body: { name: clusterName, kubeconfig: readFileSync(kubeconfig, "utf8"), imageRegistry: `${registry.addr}/slipway`, appNodeSelector },
      }),
      201,
    );
    const project = await call(projectsRoute.POST, "POST", "/api/v1/projects", { cookie, body: { slug: "notes", runtimeTarget: `cluster:${clusterName}` } });
    expectStatus("creating the project", project, 201);
    const repo = (made.repo = await createFixtureRepo({ version: `${runId}-v1` }));
    await repo.commitFiles({ Dockerfile: benchDockerfile() }, "an app that ends on SIGTERM");
    const app = await call(projectAppsRoute.POST, "POST", `/api/v1/projects/${project.json.id}/apps`, {
      cookie,
      params: { projectId: project.json.id },
      body: { slug: "web", gitUrl: repo.fileUrl, replicas: REPLICAS, cpuMillicores: 250, memoryMib: 64, containerPort: 8080, healthCheckPath: "/" },
    });
    expectStatus("creating the app", app, 201);
    const appId: string = (made.appId = app.json.id);
    const me = await call(meRoute.GET, "GET", "/api/v1/me", { cookie });
    const namespace = (made.namespace = teamNamespace(me.json.team.slug));
    await daemon.start();
    const others = (await admin.makeApiClient(CoreV1Api).listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node.name}` })).items.filter((p) => p.metadata?.namespace !== namespace);
    const otherNote = `${others.length} pod(s) of other namespaces on the real node at the start${others.length ? ` (${[...new Set(others.map((p) => p.metadata?.namespace))].join(", ")})` : ""}`;

    // The by-hand Deployment: another app id (so other object names and selector), same namespace.
    const byHandId = `${appId}h`;
    const byHandRepo = `${registry.addr}/slipway/by-hand-${runId}`;
    const manifestsDir = mkdtempSync(path.join(os.tmpdir(), "slipway-bench-manifests-"));
    made.workDirs.push(manifestsDir);
    let template: WorkloadSpec | null = null;

    let n = 0;
    const nextCommit = async (label: string) => {
      n++;
      const version = `${runId}-${label}-${n}`;
      await repo.commitFiles({ "index.html": fixtureIndexHtml(version) }, `index ${version}`);
      await waitForNoTerminatingPods(admin, namespace);
      return version;
    };

    const slipwayDeploy = async (version: string): Promise<Timing> => {
      const stop = new AbortController();
      const t0 = process.hrtime.bigint();
      const start = Date.now();
      const served = firstServed(admin, namespace, workloadName(appId), version, t0, stop.signal);
      const rolloutSeen = watchRollout(admin, namespace, appId, t0, stop.signal);
      try {
        const res = await call(deployRoute.POST, "POST", `/api/v1/apps/${appId}/deploy`, { cookie, params: { appId } });
        expectStatus("deploy", res, 202);
        const build = await waitForBuild(db, res.json.build.id, 300_000);
        if (build.status !== "SUCCEEDED") throw new Error(`Slipway's build ${build.status}: ${build.error ?? ""}`);
        const release = await db.release.findUniqueOrThrow({ where: { buildId: build.id } });
        const live = await waitForReleaseStatus(db, release.id, ["LIVE", "FAILED"], 300_000);
        if (live.status !== "LIVE" || !live.liveAt) throw new Error(`Slipway's release ${live.status}: ${live.statusReason ?? ""}`);
        const stopServing = setTimeout(() => stop.abort(), 30_000);
        const [servingMs, rollout] = await Promise.all([served, rolloutSeen]);
        clearTimeout(stopServing);
        // Timestamps Slipway recorded itself, so this process's polling adds nothing.
        const steps = await db.buildStep.findMany({ where: { buildId: build.id }, orderBy: { position: "asc" } });
        const step = (name: string) => steps.find((x) => x.name === name);
        const span = (name: string) => {
          const st = step(name);
          return st?.startedAt && st.finishedAt ? st.finishedAt.getTime() - st.startedAt.getTime() : Number.NaN;
        };
        return {
          totalMs: live.liveAt.getTime() - start,
          servingMs,
          rollout,
          phases: {
            "deploy to clone": (step("clone")?.startedAt?.getTime() ?? Number.NaN) - start,
            clone: span("clone"),
            build: span("build"),
            push: span("push"),
            release: span("release"),
            "release to LIVE": live.liveAt.getTime() - release.createdAt.getTime(),
          },
        };
      } finally {
        stop.abort();
      }
    };

    const byHandDeploy = async (version: string): Promise<Timing> => {
      if (!template) throw new Error("no template spec: Slipway's first release is not live");
      const stop = new AbortController();
      const work = mkdtempSync(path.join(os.tmpdir(), "slipway-bench-clone-"));
      const ref = `${byHandRepo}:h${n}`;
      const digestFile = path.join(manifestsDir, `digest-${n}`);
      const manifestFile = path.join(manifestsDir, `app-${n}.yaml`);
      const limits = DEFAULT_BUILD_LIMITS;
      const t0 = process.hrtime.bigint();
      const served = firstServed(admin, namespace, workloadName(byHandId), version, t0, stop.signal);
      const rolloutSeen = watchRollout(admin, namespace, byHandId, t0, stop.signal);
      try {
        await execFileAsync("git", ["clone", "--quiet", "--depth", "1", "--single-branch", "--no-tags", "--branch", "main", "--", repo.dir, work]);
        const tClone = since(t0);
        // Slipway's podman build flags (podman-build.ts) with its default limits (build-limits.ts).
        const memory = String(limits.memoryMib * 1024 * 1024);
        await execFileAsync("podman", [
          "--runtime", "runc", "build", "--quiet", "--layers", "--pull=missing", "--force-rm",
          "--memory", memory, "--memory-swap", memory,
          "--cpu-quota", String(Math.round((limits.cpuMillicores / 1000) * 100_000)), "--cpu-period", "100000",
          "--tag", ref, "--file", "Dockerfile", work,
        ]);
        const tBuild = since(t0) - tClone;
        await execFileAsync("podman", ["push", "--quiet", "--tls-verify=false", "--digestfile", digestFile, ref]);
        const digest = readFileSync(digestFile, "utf8").trim();
        const tPush = since(t0) - tClone - tBuild;
        const image = `${ref}@${digest}`;
        const spec: WorkloadSpec = { ...template, appId: byHandId, releaseId: `by-hand-${n}`, releaseVersion: n, imageRef: image };
        // JSON is YAML: one document per object, as `kubectl apply -f` reads a file of several.
        writeFileSync(manifestFile, appManifests(spec, { image, appNodeSelector }).map((o) => JSON.stringify(o)).join("\n---\n"));
        await execFileAsync(kubectl, ["--kubeconfig", kubeconfig, "apply", "-f", manifestFile]);
        const tApply = since(t0) - tClone - tBuild - tPush;
        await execFileAsync(kubectl, ["--kubeconfig", kubeconfig, "-n", namespace, "rollout", "status", `deployment/${workloadName(byHandId)}`, `--timeout=${ROLLOUT_TIMEOUT_S}s`]);
        const total = since(t0);
        const stopServing = setTimeout(() => stop.abort(), 30_000);
        const [servingMs, rollout] = await Promise.all([served, rolloutSeen]);
        clearTimeout(stopServing);
        return {
          totalMs: total,
          servingMs,
          rollout,
          phases: { clone: tClone, build: tBuild, push: tPush, "kubectl apply": tApply, "rollout status": total - tClone - tBuild - tPush - tApply },
        };
      } finally {
        stop.abort();
        rmSync(work, { recursive: true, force: true });
      }
    };

    // Cold: Slipway first (it makes the team namespace the by-hand side deploys into, and its
    // release is the WorkloadSpec the by-hand manifests are rendered from).
    const coldSlipway = await slipwayDeploy(await nextCommit("slipway"));
    const desired = (await loadDesiredApps(db, { appId }))[0];
    template = desired?.live?.spec ?? null;
    const coldByHand = await byHandDeploy(await nextCommit("by-hand"));

    const warmSlipway: Timing[] = [];
    const warmByHand: Timing[] = [];
    for (let i = 0; i < WARM_ROUNDS; i++) {
      // Alternate which side goes first, so drift in machine load within a round hits both alike.
      const slipwayRound = async () => void warmSlipway.push(await slipwayDeploy(await nextCommit("slipway")));
      const byHandRound = async () => void warmByHand.push(await byHandDeploy(await nextCommit("by-hand")));
      if (i % 2 === 0) {
        await slipwayRound();
        await byHandRound();
      } else {
        await byHandRound();
        await slipwayRound();
      }
      process.stderr.write(`round ${i + 1}/${WARM_ROUNDS}: Slipway ${fmt(warmSlipway.at(-1)!.totalMs / 1000)} s, by hand ${fmt(warmByHand.at(-1)!.totalMs / 1000)} s\n`);
    }

    const daemonPid = daemon.child?.pid;
    if (!daemonPid) throw new Error("slipwayd is not running");
    const daemonMem = processMemory(daemonPid);
    const podmanPid = Number(readFileSync(path.join(dataDir, "podman.pid"), "utf8").trim());
    const podmanMem = podmanPid > 0 ? processMemory(podmanPid) : null;
    const webMem = processMemory(process.pid);

    const wl = median(warmSlipway.map((t) => t.totalMs));
    const bl = median(warmByHand.map((t) => t.totalMs));
    const ws = median(warmSlipway.map((t) => t.servingMs));
    const bs = median(warmByHand.map((t) => t.servingMs));
    const wo = median(warmSlipway.map(ownMs));
    const bo = median(warmByHand.map(ownMs));
    const version = (JSON.parse(kubectlVersion) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? "?";
    console.log(`\n== cluster push-to-live: Slipway (deploy -> LIVE) vs by hand (clone -> podman build -> podman push -> kubectl apply -> rollout status), real node, ${REPLICAS} replicas ==`);
    console.log("Slipway:  POST /apps/:id/deploy (route handler) -> slipwayd: clone, podman build, push to the registry, release, server-side apply, observe the Deployment -> release LIVE");
    console.log(`by hand:  git clone, podman build (same Dockerfile, flags and limits), podman push (same registry), kubectl ${version} apply -f (same manifests, same namespace), kubectl rollout status`);
    console.log(
      table(
        ["case", "Slipway s", "by hand s", "Slipway/by hand"],
        [
          ["cold (first deploy)", fmt(coldSlipway.totalMs / 1000), fmt(coldByHand.totalMs / 1000), ratio(coldSlipway.totalMs, coldByHand.totalMs)],
          [`warm to LIVE / rollout done (median of ${WARM_ROUNDS})`, fmt(wl / 1000), fmt(bl / 1000), ratio(wl, bl)],
          [`warm to new version served (median of ${WARM_ROUNDS})`, fmt(ws / 1000), fmt(bs / 1000), ratio(ws, bs)],
          [`warm own time: all but the cluster's rollout (median)`, fmt(wo / 1000), fmt(bo / 1000), ratio(wo, bo)],
        ],
      ),
    );
    console.log("goal: warm ratio <= 1.10x");
    console.log(
      "\nphases, seconds from the start. The Deployment is polled by this bench every 100 ms on both sides: the cluster's rollout is from the new pod template first seen to the Deployment complete; " +
        "own = total − that; served: the new version's first answer through the API server's service proxy.",
    );
    console.log(`  cold Slipway: ${phaseText(coldSlipway)}`);
    console.log(`  cold by hand: ${phaseText(coldByHand)}`);
    warmSlipway.forEach((t, i) => console.log(`  warm ${i + 1} Slipway: ${phaseText(t)}`));
    warmByHand.forEach((t, i) => console.log(`  warm ${i + 1} by hand: ${phaseText(t)}`));
    const medianOf = (ts: Timing[], f: (t: Timing) => number) => fmt(median(ts.map(f)) / 1000);
    const medianPhases = (ts: Timing[]) => Object.keys(ts[0]?.phases ?? {}).map((k) => `${k} ${medianOf(ts, (t) => t.phases[k] ?? Number.NaN)}`).join(", ");
    console.log(`  warm median phases Slipway: ${medianPhases(warmSlipway)}`);
    console.log(`  warm median phases by hand: ${medianPhases(warmByHand)}`);
    console.log(
      `  warm medians, Slipway / by hand: new template seen ${medianOf(warmSlipway, (t) => t.rollout.appliedMs)} / ${medianOf(warmByHand, (t) => t.rollout.appliedMs)}; ` +
        `cluster rollout ${medianOf(warmSlipway, (t) => t.rollout.completeMs - t.rollout.appliedMs)} / ${medianOf(warmByHand, (t) => t.rollout.completeMs - t.rollout.appliedMs)}; ` +
        `complete → LIVE ${medianOf(warmSlipway, (t) => t.totalMs - t.rollout.completeMs)} / complete → rollout status exits ${medianOf(warmByHand, (t) => t.totalMs - t.rollout.completeMs)}`,
    );
    const readiness = [...warmSlipway, ...warmByHand].flatMap((t) => t.rollout.startToReadyS);
    // The probe period the manifests both sides applied carry.
    const rendered = template ? appManifests(template, { image: template.imageRef }).find((o): o is V1Deployment => o.kind === "Deployment") : undefined;
    const probePeriodS = rendered?.spec?.template.spec?.containers[0]?.readinessProbe?.periodSeconds ?? "?";
    console.log(`  new pods' container start → Ready over all warm rounds (readiness probe every ${probePeriodS} s): ${readiness.sort((a, b) => a - b).map((x) => `${x}`).join(" ")} s`);
    console.log(`\nslipwayd peak RSS (VmHWM): ${fmt(daemonMem.peakMiB, 1)} MiB, now ${fmt(daemonMem.rssMiB, 1)} MiB  [pid ${daemonPid}]`);
    if (podmanMem) console.log(`its podman service peak RSS: ${fmt(podmanMem.peakMiB, 1)} MiB`);
    console.log(`web (route handlers in this bench process, so an upper bound: it includes the bench itself) peak RSS: ${fmt(webMem.peakMiB, 1)} MiB`);
    console.log(otherNote);
    console.log(`machine: ${loadBefore} before, ${loadNote()} after; other work on the machine shows up in both columns`);
    await finish(0);
  } catch (e) {
    console.error(`cluster-push-to-live failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    if (made.daemon) console.error(`slipwayd's last output:\n${made.daemon.output().slice(-3000)}`);
    await finish(1);
  }
}

await main();
