// Runtime logs of an app on a Kubernetes cluster, collected by a real slipwayd through the API
// server into its log store: the test cluster's real node (kubelet + containerd) runs the app's
// pod, so its log is the container's real output as the kubelet serves it. The app prints a
// numbered sequence over time; slipwayd is killed (SIGKILL) mid-sequence, stays down while lines
// keep coming, and is started again: every number is stored exactly once, in order, and the lines
// say which pod and release printed them. Then a release that crashes: its pods are gone once it
// has FAILED (the live release is applied again), and its last lines are still searchable.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import type { Db } from "@/server/db";
import type { LogLineDto } from "@/server/logs/schemas";
import * as clustersRoute from "@/app/api/v1/clusters/route";
import * as projectsRoute from "@/app/api/v1/projects/route";
import * as projectAppsRoute from "@/app/api/v1/projects/[projectId]/apps/route";
import * as deployRoute from "@/app/api/v1/apps/[appId]/deploy/route";
import * as meRoute from "@/app/api/v1/me/route";
import { teamNamespace, workloadName } from "@/server/runtime/kubernetes/names";
import { call, setupApiTestEnv, signUp } from "../../support/api-harness";
import { ensureTestCluster, until, type RealNode } from "../../support/kube-cluster";
import { requireRealNode } from "../../support/real-node";
import { startLoopbackRegistry, type LoopbackRegistry } from "../../support/loopback-registry";
import { createFixtureRepo } from "../../support/git-fixtures";
import { TEST_BASE_IMAGE, ensureTestBaseImage } from "../../support/test-images";
import { rememberSeededApp } from "../../support/seeded-app-images";
import {
  allowLocalGitSources,
  cleanupDaemonResources,
  createDaemon,
  createTestDatabase,
  makeDataDir,
  waitFor,
  waitForBuild,
  waitForReleaseStatus,
  type DaemonProcess,
} from "../../support/daemon-harness";

// The test seals the kubeconfig (through the API) and slipwayd opens it: one key for both.
const SECRET_KEY = randomBytes(32).toString("hex");
process.env.SLIPWAY_SECRET_KEY = SECRET_KEY;

const RUN_ID = Date.now().toString(36);
const CLUSTER = `logs-${RUN_ID}`;
/** Numbered lines the app prints, ~8 ms apart (~25 s with the shell's own cost). */
const N = 2500;

let db: Db;
let daemon: DaemonProcess;
let registry: LoopbackRegistry;
let node: RealNode;
let admin: KubeConfig;
let alice: string;
let appId: string;
let namespace: string;
let commitScript: (script: string, message: string) => Promise<unknown>;

function api(p: string): Promise<Response> {
  return fetch(daemon.apiUrl(p), { headers: { authorization: `Bearer ${daemon.token()}` } });
}

/** Every stored line of the app, oldest first, through the daemon's download route. */
async function storedLines(): Promise<LogLineDto[]> {
  const res = await api(`/v1/apps/${appId}/logs/download?format=ndjson`);
  expect(res.status).toBe(200);
  return (await res.text())
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogLineDto);
}

beforeAll(async () => {
  const cluster = await ensureTestCluster();
  node = requireRealNode(cluster);
  admin = new KubeConfig();
  admin.loadFromFile(cluster.kubeconfigPath);
  await ensureTestBaseImage();
  const dataDir = makeDataDir("cluster-log-collection");
  registry = await startLoopbackRegistry(path.join(dataDir, "registry"));
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  setupApiTestEnv({ databaseUrl: url });
  await allowLocalGitSources(db, true);
  alice = await signUp(`alice${RUN_ID}@example.test`);
  const registered = await call(clustersRoute.POST, "POST", "/api/v1/clusters", {
    cookie: alice,
    body: { name: CLUSTER, kubeconfig: readFileSync(cluster.kubeconfigPath, "utf8"), imageRegistry: `${registry.addr}/slipway`, appNodeSelector: `${node.label}=true` },
  });
  expect(registered.status, JSON.stringify(registered.json)).toBe(201);
  const project = await call(projectsRoute.POST, "POST", "/api/v1/projects", { cookie: alice, body: { slug: "logs", runtimeTarget: `cluster:${CLUSTER}` } });
  expect(project.status, JSON.stringify(project.json)).toBe(201);
  // Serves "/" (the readiness probe) in the background, prints the sequence, then runs on quietly.
  const repo = await createFixtureRepo({ version: "v1" });
  const script = [
    "mkdir -p /tmp/www && echo up > /tmp/www/index.html && httpd -p 8080 -h /tmp/www",
    `i=1; while [ $i -le ${N} ]; do echo "n $i"; i=$((i+1)); usleep 8000; done`,
    "exec sleep 100000",
    "",
  ].join("\n");
  commitScript = (body, message) => repo.commitFiles({ Dockerfile: [`FROM ${TEST_BASE_IMAGE}`, "COPY run.sh /run.sh", 'CMD ["sh", "/run.sh"]', ""].join("\n"), "run.sh": body }, message);
  await commitScript(script, "numbered lines");
  const app = await call(projectAppsRoute.POST, "POST", `/api/v1/projects/${project.json.id}/apps`, {
    cookie: alice,
    params: { projectId: project.json.id },
    body: { slug: "numbers", gitUrl: repo.fileUrl, replicas: 1, cpuMillicores: 250, memoryMib: 64, containerPort: 8080, healthCheckPath: "/" },
  });
  expect(app.status, JSON.stringify(app.json)).toBe(201);
  appId = app.json.id;
  rememberSeededApp(appId);
  const me = await call(meRoute.GET, "GET", "/api/v1/me", { cookie: alice });
  namespace = teamNamespace(me.json.team.slug);
  await until(`namespace ${namespace} not terminating`, async () => {
    const ns = await admin.makeApiClient(CoreV1Api).readNamespace({ name: namespace }).catch(() => null);
    return !ns || ns.status?.phase !== "Terminating" ? true : undefined;
  }, 180_000);
  daemon = await createDaemon({ dataDir, databaseUrl: url, env: { SLIPWAY_SECRET_KEY: SECRET_KEY } });
  await daemon.start();
}, 600_000);

beforeEach(() => {
  onTestFailed(() => {
    process.stderr.write(`slipwayd's output (last 6000 characters):\n${daemon?.output().slice(-6000)}\n`);
  });
});

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  if (namespace) await admin?.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace }).catch((e: unknown) => console.warn(`deleting ${namespace}: ${String(e)}`));
  registry?.stop();
  await db?.$disconnect();
});

/** Deploys the app's current commit; returns its release once built. */
async function deploy() {
  const res = await call(deployRoute.POST, "POST", `/api/v1/apps/${appId}/deploy`, { cookie: alice, params: { appId } });
  expect(res.status, JSON.stringify(res.json)).toBe(202);
  const build = await waitForBuild(db, res.json.build.id, 300_000);
  expect(build.status, build.error ?? "").toBe("SUCCEEDED");
  return db.release.findUniqueOrThrow({ where: { buildId: build.id } });
}

describe("runtime logs of an app on a cluster", () => {
  it("stores every line the pod printed exactly once across a SIGKILL of slipwayd mid-stream", async () => {
    const release = await deploy();
    const startedAt = Date.now();
    // Collection has begun (the pod is printing), then slipwayd dies mid-sequence, stays down
    // while lines keep coming, and comes back.
    const before = await waitFor("some lines stored", async () => {
      const n = (await storedLines()).filter((l) => l.line.startsWith("n ")).length;
      return n > 100 ? n : null;
    }, 240_000, 200);
    await daemon.kill("SIGKILL");
    expect(before, "killed mid-sequence").toBeLessThan(N / 2);
    await new Promise((r) => setTimeout(r, 3000));
    await daemon.start();
    const lines = await waitFor(
      `all ${N} lines`,
      async () => {
        const l = await storedLines();
        return l.some((x) => x.line === `n ${N}`) ? l : null;
      },
      120_000,
      500,
    );
    const live = await waitForReleaseStatus(db, release.id, ["LIVE", "FAILED"], 60_000);
    expect(live.status, live.statusReason ?? "").toBe("LIVE");
    console.log(`cluster log collection: ${before} lines stored before the SIGKILL, all ${N} ${Math.round((Date.now() - startedAt) / 1000)} s after the deploy's build`);
    const numbered = lines.filter((l) => l.line.startsWith("n "));
    expect(numbered.map((l) => l.line)).toEqual(Array.from({ length: N }, (_, i) => `n ${i + 1}`));
    // Each line says which pod and release printed it; the API server does not tell stdout from stderr.
    const pods = (await admin.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: `slipway.dev/app-id=${appId}` })).items;
    expect(pods.map((p) => p.metadata?.name)).toContain(numbered[0]!.replica);
    expect(numbered[0]!.replica).toMatch(new RegExp(`^${workloadName(appId)}-`));
    expect(numbered.every((l) => l.stream === "stdout" && l.releaseId === release.id && l.replica === numbered[0]!.replica)).toBe(true);
    // Times are the kubelet's stamps, in order.
    const times = numbered.map((l) => Date.parse(l.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Searchable (the daemon's search route) by text and replica.
    const search = await api(`/v1/apps/${appId}/logs/search?q=${encodeURIComponent(`n ${N}`)}&replica=${numbered[0]!.replica}&limit=10`);
    expect(search.status).toBe(200);
    expect(((await search.json()) as { lines: LogLineDto[] }).lines.map((l) => l.line)).toContain(`n ${N}`);
  }, 600_000);

  it("keeps a crashed release's last lines, searchable after its pods are gone", async () => {
    // Runs two seconds (collection follows the running container), then dies saying why.
    await commitScript(['i=1; while [ $i -le 20 ]; do echo "working $i"; i=$((i+1)); done', "sleep 2", 'echo "fatal: cannot reach db-7f3a (connection refused)"', "exit 3", ""].join("\n"), "crashes");
    const release = await deploy();
    const failed = await waitForReleaseStatus(db, release.id, ["LIVE", "FAILED"], 240_000);
    expect(failed.status).toBe("FAILED");
    const core = admin.makeApiClient(CoreV1Api);
    await until("the crashed release's pods gone", async () => ((await core.listNamespacedPod({ namespace, labelSelector: `slipway.dev/release=${release.id}` })).items.length === 0 ? true : undefined), 120_000);
    const res = await api(`/v1/apps/${appId}/logs/search?q=${encodeURIComponent("db-7f3a")}&release=${release.id}&limit=50`);
    expect(res.status).toBe(200);
    const found = ((await res.json()) as { lines: LogLineDto[] }).lines;
    console.log(`crashed release: ${found.length} runs' fatal line kept after its pods were gone`);
    expect(found.length).toBeGreaterThanOrEqual(1);
    expect(found.every((l) => l.line === "fatal: cannot reach db-7f3a (connection refused)" && l.releaseId === release.id)).toBe(true);
    // Every run that was read is whole (20 working lines and the fatal one), none twice.
    const runs = (await storedLines()).filter((l) => l.releaseId === release.id);
    expect(runs.length).toBe(21 * found.length);
  }, 600_000);
});
