// Volumes of a project on a Kubernetes cluster, end to end below the browser: a platform admin
// registers the test cluster with a storage class, a developer creates a volume attached to an
// app through the API, and slipwayd's control loop (cluster runtime, in process) makes its
// PersistentVolumeClaim in that class, reports why it is not bound, then bound, rolls the app out
// with the claim mounted, mirrors the team's storage quota into the namespace's ResourceQuota,
// reports a grow the class refuses, re-applies the Deployment without the volume on detach, and
// deletes the claim and then the volume. The app cannot scale past one replica while it holds the
// (ReadWriteOnce) volume. Real SQLite, real API server, KWOK pods.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import { AppsV1Api, CoreV1Api, KubeConfig, StorageV1Api } from "@kubernetes/client-node";
import { call, setupApiTestEnv, signUp } from "../../support/api-harness";
import { createFixtureRepo } from "../../support/git-fixtures";
import { ensureTestCluster, until } from "../../support/kube-cluster";
import { unreachableKubeconfig } from "../../support/fixtures-factory";
import * as clusters from "@/app/api/v1/clusters/route";
import * as projects from "@/app/api/v1/projects/route";
import * as projectApps from "@/app/api/v1/projects/[projectId]/apps/route";
import * as appRoute from "@/app/api/v1/apps/[appId]/route";
import * as platform from "@/app/api/v1/platform/settings/route";
import * as me from "@/app/api/v1/me/route";
import * as volumes from "@/app/api/v1/volumes/route";
import * as volumeRoute from "@/app/api/v1/volumes/[volumeId]/route";
import * as detachRoute from "@/app/api/v1/volumes/[volumeId]/detach/route";
import { getDb } from "@/server/db";
import { createRelease } from "@/server/releases/create-release";
import { runAsFor } from "@/server/runtime/run-as";
import { ControlLoop } from "@/server/daemon/control-loop/control-loop";
import { ClusterRuntime } from "@/server/daemon/runtimes/cluster-runtime";
import type { AppRuntime } from "@/server/daemon/control-loop/app-runtime";
import { getClusterDriver } from "@/server/runtime/kubernetes/cluster-drivers";
import { teamNamespace, volumeClaimName, workloadName } from "@/server/runtime/kubernetes/names";

const run = randomBytes(3).toString("hex");
const clusterName = `vols-${run}`;
const storageClass = `manual-${run}`;
let admin: KubeConfig;
let core: CoreV1Api;
let adminCookie: string;
let dev: string;
let appId: string;
let projectId: string;
let namespace: string;
let volumeId: string;
let hostDir: string;
let runtime: ClusterRuntime;
let loop: ControlLoop;

/** One pass of the loop, and the volume pass it started (not awaited by the loop itself). */
async function pass(): Promise<void> {
  await loop.reconcileNow();
  await runtime.volumes.idle();
}

async function volumeDto() {
  const res = await call(volumeRoute.GET, "GET", `/api/v1/volumes/${volumeId}`, { cookie: dev, params: { volumeId } });
  return res;
}

/** Passes until the volume's DTO satisfies `ok`. */
async function untilVolume(what: string, ok: (v: { state: string; stateReason: string; provisionedGib: number }) => boolean) {
  let last: unknown;
  try {
    return await until(what, async () => {
      await pass();
      const res = await volumeDto();
      last = res.json;
      return res.status === 200 && ok(res.json.volume) ? res.json.volume : undefined;
    }, 60_000, 250);
  } catch (e) {
    throw new Error(`${(e as Error).message}; last seen: ${JSON.stringify(last)}`);
  }
}

async function settle(releaseId: string) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    await pass();
    const r = await getDb().release.findUniqueOrThrow({ where: { id: releaseId } });
    if (!["PENDING", "ROLLING_OUT"].includes(r.status) || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 250));
  }
}

const claim = () => core.readNamespacedPersistentVolumeClaim({ name: volumeClaimName(volumeId), namespace }).catch(() => null);
const deployment = () => admin.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: workloadName(appId), namespace });

beforeAll(async () => {
  const cluster = await ensureTestCluster();
  admin = new KubeConfig();
  admin.loadFromFile(cluster.kubeconfigPath);
  core = admin.makeApiClient(CoreV1Api);
  // A class whose volumes the cluster's admin makes by hand (no provisioner).
  await admin.makeApiClient(StorageV1Api).createStorageClass({ body: { metadata: { name: storageClass }, provisioner: "kubernetes.io/no-provisioner" } });
  hostDir = mkdtempSync(path.join(os.tmpdir(), "slipway-kube-pv-"));
  setupApiTestEnv();
  // The first account is the platform admin (team "default", shared with other cluster tests);
  // the developer's team, hence its namespace, is this run's own.
  adminCookie = await signUp(`admin-${run}@example.test`);
  dev = await signUp(`dev-${run}@example.test`);
  await call(platform.PUT, "PUT", "/api/v1/platform/settings", { cookie: adminCookie, body: { allowLocalGitSources: true } });
  const registered = await call(clusters.POST, "POST", "/api/v1/clusters", {
    cookie: adminCookie,
    body: { name: clusterName, kubeconfig: readFileSync(cluster.kubeconfigPath, "utf8"), storageClassName: storageClass },
  });
  expect(registered.status, JSON.stringify(registered.json)).toBe(201);
  expect(registered.json).toMatchObject({ reachable: true, storageClassName: storageClass });
  const project = await call(projects.POST, "POST", "/api/v1/projects", { cookie: dev, body: { slug: "notes", runtimeTarget: `cluster:${clusterName}` } });
  expect(project.status, JSON.stringify(project.json)).toBe(201);
  projectId = project.json.id;
  const repo = await createFixtureRepo();
  const app = await call(projectApps.POST, "POST", `/api/v1/projects/${projectId}/apps`, {
    cookie: dev,
    params: { projectId },
    body: { slug: "web", gitUrl: repo.fileUrl, replicas: 1, cpuMillicores: 250, memoryMib: 128 },
  });
  expect(app.status, JSON.stringify(app.json)).toBe(201);
  appId = app.json.id;
  namespace = teamNamespace((await call(me.GET, "GET", "/api/v1/me", { cookie: dev })).json.team.slug);
  const log = pino({ level: "silent" });
  runtime = new ClusterRuntime({ db: getDb(), log, getDriver: getClusterDriver, resyncMs: 3_600_000, observeEveryMs: 250, volumeResyncMs: 250 });
  const noEmbedded: AppRuntime = {
    kind: "embedded",
    rolloutTimeoutMs: 60_000,
    reconcile: () => Promise.reject(new Error("no embedded app in this test")),
    abandon: () => Promise.reject(new Error("no embedded app in this test")),
  };
  loop = new ControlLoop({ db: getDb(), log, runtimes: { embedded: noEmbedded, kubernetes: runtime } });
}, 600_000);

afterAll(async () => {
  await loop?.stop();
  await runtime?.volumes.idle();
  if (namespace) await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
  await core?.deletePersistentVolume({ name: `pv-${run}` }).catch(() => undefined);
  await admin?.makeApiClient(StorageV1Api).deleteStorageClass({ name: storageClass }).catch(() => undefined);
  if (hostDir) rmSync(hostDir, { recursive: true, force: true });
});

describe("a volume of a project on a cluster", () => {
  it("gets a claim in the cluster's storage class, and says why no volume is bound yet", async () => {
    const res = await call(volumes.POST, "POST", "/api/v1/volumes", { cookie: dev, body: { projectId, name: "notes-data", sizeGib: 1, appId, mountPath: "/data" } });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    volumeId = res.json.volume.id;
    expect(res.json.volume).toMatchObject({ runtime: `cluster:${clusterName}`, state: "pending" });
    const v = await untilVolume("the claim's reason", (x) => /no provisioner for class/.test(x.stateReason));
    expect(v).toMatchObject({ state: "pending", provisionedGib: 0, usedBytes: null });
    expect(v.stateReason).toMatch(new RegExp(`^no PersistentVolume is bound: the cluster has no provisioner for class ${storageClass} and no PersistentVolume of that class matches the claim .*no volume plugin matched name: kubernetes.io/no-provisioner`));
    const pvc = await claim();
    expect(pvc?.spec).toMatchObject({ storageClassName: storageClass, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } });
    expect(pvc?.metadata?.labels).toMatchObject({ "slipway.dev/volume-id": volumeId, "app.kubernetes.io/name": "notes-data", "slipway.dev/project": "notes" });
  });

  it("is ready once a PersistentVolume of the class binds it, and the app's release runs with it mounted (saying meanwhile what it waits for)", async () => {
    const image = "localhost/slipway/notes-web:b1";
    const r1 = await createRelease({ runAs: runAsFor(""), appId, imageRef: image, imageDigest: `sha256:${createHash("sha256").update(image).digest("hex")}` });
    const waiting = await until("the rollout saying it waits for the volume", async () => {
      await pass();
      const r = await getDb().release.findUniqueOrThrow({ where: { id: r1.id } });
      return r.status === "ROLLING_OUT" && /volume notes-data is not ready yet \(no PersistentVolume is bound/.test(r.statusReason ?? "") ? r : undefined;
    }, 30_000, 250);
    expect(waiting.statusReason).toMatch(/^Rolling out: /);
    await core.createPersistentVolume({
      body: {
        metadata: { name: `pv-${run}` },
        spec: {
          storageClassName: storageClass,
          capacity: { storage: "1Gi" },
          accessModes: ["ReadWriteOnce"],
          persistentVolumeReclaimPolicy: "Retain",
          hostPath: { path: hostDir, type: "Directory" },
          claimRef: { namespace, name: volumeClaimName(volumeId) },
        },
      },
    });
    const v = await untilVolume("the volume ready", (x) => x.state === "ready");
    expect(v).toMatchObject({ state: "ready", stateReason: "", provisionedGib: 1 });

    const r = await settle(r1.id);
    expect(r.status, r.statusReason ?? "").toBe("LIVE");
    const pod = (await deployment()).spec?.template.spec;
    expect(pod?.volumes).toEqual([{ name: volumeClaimName(volumeId), persistentVolumeClaim: { claimName: volumeClaimName(volumeId) } }]);
    expect(pod?.containers[0]?.volumeMounts).toEqual([{ name: volumeClaimName(volumeId), mountPath: "/data" }]);
  });

  it("keeps the app at one replica while it holds the ReadWriteOnce volume: scaling up is refused saying why and what to do", async () => {
    const res = await call(appRoute.PATCH, "PATCH", `/api/v1/apps/${appId}`, { cookie: dev, params: { appId }, body: { replicas: 2 } });
    expect(res.status, JSON.stringify(res.json)).toBe(422);
    expect(res.json.error.message).toMatch(/ReadWriteOnce/);
    expect(res.json.error.message).toMatch(/1 replica/);
    expect((await deployment()).spec?.replicas).toBe(1);
  });

  it("mirrors the team's storage quota into the namespace's ResourceQuota (requests.storage)", async () => {
    const teamId = (await getDb().app.findUniqueOrThrow({ where: { id: appId } })).teamId;
    const quota = await getDb().teamQuota.findUniqueOrThrow({ where: { teamId } });
    const read = async () => (await core.readNamespacedResourceQuota({ name: "slipway-team-quota", namespace })).spec?.hard?.["requests.storage"];
    expect(await read()).toBe(`${quota.storageGib}Gi`);
    await getDb().teamQuota.update({ where: { teamId }, data: { storageGib: quota.storageGib + 5 } });
    await until("the ResourceQuota mirrored", async () => {
      await pass();
      return (await read()) === `${quota.storageGib + 5}Gi` ? true : undefined;
    }, 30_000, 250);
  });

  it("reports a grow its storage class refuses with the API server's words; the volume keeps its size", async () => {
    const res = await call(volumeRoute.PATCH, "PATCH", `/api/v1/volumes/${volumeId}`, { cookie: dev, params: { volumeId }, body: { sizeGib: 2 } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const v = await untilVolume("the grow refused", (x) => x.state === "failed");
    expect(v.provisionedGib).toBe(1);
    expect(v.stateReason).toMatch(/^growing to 2 GiB was refused by the cluster: .*only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize.*The volume keeps its 1 GiB and its data/);
    expect((await claim())?.spec?.resources?.requests?.storage).toBe("1Gi");
  });

  it("detached, the Deployment runs without it at once; deleted, its claim goes, then the volume", async () => {
    const detached = await call(detachRoute.POST, "POST", `/api/v1/volumes/${volumeId}/detach`, { cookie: dev, params: { volumeId } });
    expect(detached.status, JSON.stringify(detached.json)).toBe(202);
    await until("the Deployment without the volume", async () => {
      await pass();
      return (await deployment()).spec?.template.spec?.volumes === undefined ? true : undefined;
    }, 30_000, 250);
    const del = await call(volumeRoute.DELETE, "DELETE", `/api/v1/volumes/${volumeId}`, { cookie: dev, params: { volumeId } });
    expect(del.status, JSON.stringify(del.json)).toBe(202);
    await until("the volume gone", async () => {
      await pass();
      return (await volumeDto()).status === 404 ? true : undefined;
    }, 60_000, 250);
    expect(await claim()).toBeNull();
    expect(await getDb().volume.findUnique({ where: { id: volumeId } })).toBeNull();
  });
});

describe("a volume on a cluster out of reach", () => {
  it("keeps its state and says the cluster could not be asked; the other cluster's volumes are not held up", async () => {
    const offline = `off-${run}`;
    const registered = await call(clusters.POST, "POST", "/api/v1/clusters", { cookie: adminCookie, body: { name: offline, kubeconfig: unreachableKubeconfig(offline) } });
    expect(registered.status, JSON.stringify(registered.json)).toBe(201);
    const project = await call(projects.POST, "POST", "/api/v1/projects", { cookie: dev, body: { slug: "offline", runtimeTarget: `cluster:${offline}` } });
    expect(project.status, JSON.stringify(project.json)).toBe(201);
    const made = await call(volumes.POST, "POST", "/api/v1/volumes", { cookie: dev, body: { projectId: project.json.id, name: "cache", sizeGib: 1 } });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    volumeId = made.json.volume.id;
    const seen = await untilVolume("the reason", (x) => x.stateReason !== "");
    expect(seen.state, seen.stateReason).toBe("pending");
    expect(seen.stateReason).toMatch(new RegExp(`^the cluster could not be asked about the claim: ${offline}: setting up the team namespace failed: .*ECONNREFUSED`));
    // A volume on the reachable cluster is made meanwhile.
    const other = await call(volumes.POST, "POST", "/api/v1/volumes", { cookie: dev, body: { projectId, name: "other", sizeGib: 1 } });
    volumeId = other.json.volume.id;
    await untilVolume("the reachable cluster's volume observed", (x) => /no PersistentVolume is bound/.test(x.stateReason));
  });
});
