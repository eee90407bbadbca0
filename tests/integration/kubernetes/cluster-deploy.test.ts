// The platform path to a Kubernetes cluster, end to end below the browser: a platform admin
// registers the test cluster (real kube-apiserver + KWOK), a project targets it, releases are
// rolled out by slipwayd's control loop (the same loop as the embedded runtime's, with the cluster
// runtime), and the database — hence the dashboard — shows them live, failed with the cluster's
// reason, or rolled back. Real SQLite, real API server.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import { AppsV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { call, setupApiTestEnv, signUp } from "../../support/api-harness";
import { createFixtureRepo } from "../../support/git-fixtures";
import { ensureTestCluster, type TestCluster } from "../../support/kube-cluster";
import * as clusters from "@/app/api/v1/clusters/route";
import * as projects from "@/app/api/v1/projects/route";
import * as projectApps from "@/app/api/v1/projects/[projectId]/apps/route";
import * as appRoute from "@/app/api/v1/apps/[appId]/route";
import * as rollback from "@/app/api/v1/apps/[appId]/releases/[releaseId]/rollback/route";
import * as platform from "@/app/api/v1/platform/settings/route";
import { getDb } from "@/server/db";
import { createRelease } from "@/server/releases/create-release";
import { runAsFor } from "@/server/runtime/run-as";
import { ControlLoop } from "@/server/daemon/control-loop/control-loop";
import { ClusterRuntime } from "@/server/daemon/runtimes/cluster-runtime";
import type { AppRuntime } from "@/server/daemon/control-loop/app-runtime";
import { getClusterDriver } from "@/server/runtime/kubernetes/cluster-drivers";
import { teamNamespace, workloadName } from "@/server/runtime/kubernetes/names";

let cluster: TestCluster;
let admin: KubeConfig;
let alice: string;
let appId: string;
let loop: ControlLoop;
const clusterName = `kind-${Date.now().toString(36)}`;

async function release(image: string) {
  return createRelease({ runAs: runAsFor(""), appId, imageRef: image, imageDigest: `sha256:${createHash("sha256").update(image).digest("hex")}` });
}

/** A control loop with the cluster runtime only (no embedded app is in this database). */
function clusterLoop(resyncMs: number): ControlLoop {
  const log = pino({ level: "silent" });
  const kubernetes = new ClusterRuntime({ db: getDb(), log, getDriver: getClusterDriver, resyncMs, observeEveryMs: 250 });
  const noEmbedded: AppRuntime = {
    kind: "embedded",
    rolloutTimeoutMs: 60_000,
    reconcile: () => Promise.reject(new Error("no embedded app in this test")),
    abandon: () => Promise.reject(new Error("no embedded app in this test")),
  };
  return new ControlLoop({ db: getDb(), log, runtimes: { embedded: noEmbedded, kubernetes } });
}

/** Runs the loop until the release is no longer pending or rolling out. */
async function settle(releaseId: string, l: ControlLoop = loop) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    await l.reconcileNow();
    const r = await getDb().release.findUniqueOrThrow({ where: { id: releaseId } });
    if (!["PENDING", "ROLLING_OUT"].includes(r.status) || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 250));
  }
}

async function appDto() {
  const res = await call(appRoute.GET, "GET", `/api/v1/apps/${appId}`, { cookie: alice, params: { appId } });
  expect(res.status).toBe(200);
  return res.json;
}

beforeAll(async () => {
  cluster = await ensureTestCluster();
  admin = new KubeConfig();
  admin.loadFromFile(cluster.kubeconfigPath);
  setupApiTestEnv();
  alice = await signUp("alice@example.test");
  await call(platform.PUT, "PUT", "/api/v1/platform/settings", { cookie: alice, body: { allowLocalGitSources: true } });
  const registered = await call(clusters.POST, "POST", "/api/v1/clusters", {
    cookie: alice,
    body: { name: clusterName, kubeconfig: readFileSync(cluster.kubeconfigPath, "utf8"), ingressDomain: "apps.test" },
  });
  expect(registered.status, JSON.stringify(registered.json)).toBe(201);
  expect(registered.json.reachable).toBe(true);
  expect(registered.json.version).toMatch(/^v1\.37\./);
  const project = await call(projects.POST, "POST", "/api/v1/projects", { cookie: alice, body: { slug: "shop", runtimeTarget: `cluster:${clusterName}` } });
  expect(project.status, JSON.stringify(project.json)).toBe(201);
  const repo = await createFixtureRepo();
  const app = await call(projectApps.POST, "POST", `/api/v1/projects/${project.json.id}/apps`, {
    cookie: alice,
    params: { projectId: project.json.id },
    body: { slug: "web", gitUrl: repo.fileUrl, replicas: 2, cpuMillicores: 250, memoryMib: 128 },
  });
  expect(app.status).toBe(201);
  expect(app.json.runtimeTarget).toBe(`cluster:${clusterName}`);
  appId = app.json.id;
  loop = clusterLoop(3_600_000);
}, 600_000);

afterAll(async () => {
  await loop?.stop();
  await admin?.makeApiClient(CoreV1Api).deleteNamespace({ name: teamNamespace("default") }).catch(() => undefined);
});

describe("an app on a Kubernetes cluster", () => {
  it("rolls out to ready pods and the platform shows the release live, at the cluster's ingress URL", async () => {
    const v1 = await release("localhost/slipway/default-shop-web:b1");
    const r = await settle(v1.id);
    expect(r.status, r.statusReason ?? "").toBe("LIVE");
    const dto = await appDto();
    expect(dto.liveRelease).toMatchObject({ id: v1.id, version: 1 });
    expect(dto.url).toBe("http://web.shop.default.apps.test/");
    const d = await admin.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: workloadName(appId), namespace: teamNamespace("default") });
    expect(d.status?.readyReplicas).toBe(2);
  });

  it("refuses a release over the team's quota at the API server, shows why, and keeps the live release", async () => {
    await getDb().teamQuota.update({ where: { teamId: (await getDb().team.findUniqueOrThrow({ where: { slug: "default" } })).id }, data: { cpuMillicores: 1000 } });
    await getDb().app.update({ where: { id: appId }, data: { cpuMillicores: 800 } });
    const v2 = await createRelease({ runAs: runAsFor(""), appId, imageRef: "localhost/slipway/default-shop-web:b2", imageDigest: `sha256:${"2".repeat(64)}` });
    const r = await settle(v2.id);
    expect(r.status).toBe("FAILED");
    expect(r.statusReason).toMatch(/exceeded quota: slipway-team-quota/);
    expect(r.statusReason).toMatch(/raise the team.s quota/);
    const dto = await appDto();
    expect(dto.liveRelease.version).toBe(1);
    // The Deployment was put back on the live release.
    const d = await admin.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: workloadName(appId), namespace: teamNamespace("default") });
    expect(d.spec?.template.spec?.containers[0]?.resources?.limits?.cpu).toBe("250m");
    await getDb().app.update({ where: { id: appId }, data: { cpuMillicores: 250 } });
  });

  it("rolls back to an earlier release through the API", async () => {
    const v3 = await release("localhost/slipway/default-shop-web:b3");
    await settle(v3.id);
    expect((await appDto()).liveRelease.id).toBe(v3.id);
    const v1 = await getDb().release.findFirstOrThrow({ where: { appId, version: 1 } });
    const res = await call(rollback.POST, "POST", `/api/v1/apps/${appId}/releases/${v1.id}/rollback`, { cookie: alice, params: { appId, releaseId: v1.id } });
    expect(res.status).toBe(202);
    await settle(res.json.id);
    const dto = await appDto();
    expect(dto.liveRelease.version).toBe(res.json.version);
    const d = await admin.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: workloadName(appId), namespace: teamNamespace("default") });
    // Run by digest: the tag stays for people, the digest decides what runs.
    expect(d.spec?.template.spec?.containers[0]?.image).toBe(`localhost/slipway/default-shop-web:b1@sha256:${createHash("sha256").update("localhost/slipway/default-shop-web:b1").digest("hex")}`);
  });

  it("ends a release whose pods crash-loop FAILED through the control loop, with the exit code, and keeps the live release", async () => {
    const db = getDb();
    const live = (await appDto()).liveRelease;
    // KWOK crash-loops the pods of releases whose id starts with "crash" (scripts/kwok-crash-stage.yaml).
    const made = await release("localhost/slipway/default-shop-web:b9");
    const crashId = `crash${made.id}`;
    await db.release.update({ where: { id: made.id }, data: { id: crashId } });
    await db.app.update({ where: { id: appId }, data: { targetReleaseId: crashId } });
    const started = Date.now();
    const r = await settle(crashId);
    expect(r.status).toBe("FAILED");
    expect(r.statusReason).toMatch(/CrashLoopBackOff: pod .+: container app exited with code 3 and was restarted 3 times \(crash loop\)/);
    // Long before the deadline (180 s): the pods said why.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect((await appDto()).liveRelease.id).toBe(live.id);
    // The Deployment is back on the live release.
    const d = await admin.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: workloadName(appId), namespace: teamNamespace("default") });
    expect(d.spec?.template.metadata?.labels?.["slipway.dev/release"]).toBe(live.id);
  });

  it("scales by re-applying the live release when the app's replicas change", async () => {
    await getDb().app.update({ where: { id: appId }, data: { replicas: 3 } });
    const scaler = clusterLoop(0);
    await scaler.reconcileNow();
    await scaler.stop();
    const read = () => admin.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: workloadName(appId), namespace: teamNamespace("default") });
    expect((await read()).spec?.replicas).toBe(3);
    await expect.poll(async () => (await read()).status?.readyReplicas, { timeout: 60_000 }).toBe(3);
  });

  it("deleting the app removes everything it owned from the cluster", async () => {
    const res = await call(appRoute.DELETE, "DELETE", `/api/v1/apps/${appId}`, { cookie: alice, params: { appId } });
    expect(res.status).toBe(204);
    const selector = `slipway.dev/app-id=${appId}`;
    const ns = teamNamespace("default");
    expect((await admin.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: ns, labelSelector: selector })).items).toEqual([]);
    expect((await admin.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: ns, labelSelector: selector })).items).toEqual([]);
    expect((await admin.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: ns, labelSelector: selector })).items).toEqual([]);
    expect(await getDb().app.findUnique({ where: { id: appId } })).toBeNull();
  });
});
