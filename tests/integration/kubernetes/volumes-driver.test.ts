// Volumes on Kubernetes, at the driver: each volume's PersistentVolumeClaim on the test control
// plane (real kube-apiserver, controller-manager and scheduler; no storage provisioner), the
// reasons a claim stays Pending, the team ResourceQuota refusing a claim past the storage quota,
// growing, deleting, and a claim bound to a hostPath PersistentVolume mounted by an app's pod on
// the real node (kubelet + containerd), serving a file written on the host. No mocks.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppsV1Api, CoreV1Api, KubeConfig, StorageV1Api } from "@kubernetes/client-node";
import { ensureTestCluster, until, type RealNode } from "../../support/kube-cluster";
import { rollOut } from "../../support/kube-rollout";
import { importImageIntoRealNode, requireRealNode } from "../../support/real-node";
import { ensureTestBaseImage, imageExists } from "../../support/test-images";
import { KubernetesDriver, type VolumeRef } from "@/server/runtime/kubernetes/kubernetes-driver";
import { teamNamespace, volumeClaimName } from "@/server/runtime/kubernetes/names";
import type { VolumeClaimObservation } from "@/server/runtime/kubernetes/volume-claim-state";
import type { WorkloadSpec } from "@/server/runtime/runtime-driver";

const run = randomBytes(3).toString("hex");
const team = `kv-${run}`;
const smallTeam = `kq-${run}`;
const quota = { cpuMillicores: 2000, memoryMib: 2048, storageGib: 10, maxApps: 10 };
const slowClass = `slow-${run}`;
const lazyClass = `lazy-${run}`;
const expandClass = `expand-${run}`;
let admin: KubeConfig;
let core: CoreV1Api;
let node: RealNode;
let hostDir: string;
/** The cluster's default class (none: the test control plane has no provisioner at all). */
let driver: KubernetesDriver;

const volume = (id: string, sizeGib: number, over: Partial<VolumeRef> = {}): VolumeRef => ({ volumeId: `${id}${run}`, volumeName: id, teamSlug: team, projectSlug: "shop", sizeGib, ...over });

async function claimOf(v: VolumeRef) {
  return core.readNamespacedPersistentVolumeClaim({ name: volumeClaimName(v.volumeId), namespace: teamNamespace(v.teamSlug) }).catch(() => null);
}

/** Converges until the observation matches (the PV controller's events come a moment after the claim). */
async function convergeUntil(d: KubernetesDriver, v: VolumeRef, ok: (o: VolumeClaimObservation) => boolean, timeoutMs = 60_000): Promise<VolumeClaimObservation> {
  let last: VolumeClaimObservation | undefined;
  try {
    return await until("the volume's state", async () => {
      last = await d.convergeVolume(v);
      return ok(last) ? last : undefined;
    }, timeoutMs, 500);
  } catch (e) {
    throw new Error(`${(e as Error).message}; last seen: ${JSON.stringify(last)}`);
  }
}

/**
 * busybox httpd serving /www on :8080, with a CGI program that appends the request body's first
 * line to /www/data/entries.txt (the volume's mount path): an app that stores entries.
 */
async function ensureEntriesImage(): Promise<string> {
  const ref = "localhost/slipway-test-entries:1";
  if (await imageExists(ref)) return ref;
  const base = await ensureTestBaseImage();
  const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-entries-image-"));
  try {
    writeFileSync(path.join(dir, "index.html"), "entries\n");
    writeFileSync(path.join(dir, "write"), '#!/bin/sh\necho "Content-Type: text/plain"\necho\nread -r line\necho "$line" >> /www/data/entries.txt && echo stored || echo failed\n', { mode: 0o755 });
    writeFileSync(
      path.join(dir, "Containerfile"),
      [`FROM ${base}`, "COPY index.html /www/index.html", "COPY write /www/cgi-bin/write", 'CMD ["/bin/sh", "-c", "exec httpd -f -v -p 8080 -h /www"]', ""].join("\n"),
    );
    await promisify(execFile)("podman", ["build", "--quiet", "--tag", ref, dir]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return ref;
}

/** A request to the app through the API server; with a length, as busybox httpd's CGI reads no chunked body. */
async function httpThrough(d: KubernetesDriver, app: WorkloadSpec, method: string, urlPath: string, body?: string): Promise<{ status: number; body: string }> {
  const res = await d.openHttp(app, { method, path: urlPath, headers: body ? { "content-type": "text/plain", "content-length": String(Buffer.byteLength(body)) } : {}, body: body ? Readable.from([body]) : null });
  let text = "";
  for await (const chunk of res.body) text += String(chunk);
  return { status: res.status, body: text };
}

beforeAll(async () => {
  const cluster = await ensureTestCluster();
  node = requireRealNode(cluster);
  admin = new KubeConfig();
  admin.loadFromFile(cluster.kubeconfigPath);
  core = admin.makeApiClient(CoreV1Api);
  driver = new KubernetesDriver({ clusterName: "test", admin, appNodeSelector: `${node.label}=true` });
  await driver.ensureTeam(team, quota);
  await driver.ensureTeam(smallTeam, { ...quota, storageGib: 1 });
  const storage = admin.makeApiClient(StorageV1Api);
  // A class whose provisioner does not run, and one that binds on first use.
  await storage.createStorageClass({ body: { metadata: { name: slowClass }, provisioner: "example.com/not-running" } });
  await storage.createStorageClass({ body: { metadata: { name: lazyClass }, provisioner: "example.com/not-running", volumeBindingMode: "WaitForFirstConsumer" } });
  await storage.createStorageClass({ body: { metadata: { name: expandClass }, provisioner: "example.com/not-running", allowVolumeExpansion: true } });
  hostDir = mkdtempSync(path.join(os.tmpdir(), "slipway-kube-volume-"));
  chmodSync(hostDir, 0o755);
}, 600_000);

afterAll(async () => {
  for (const t of [team, smallTeam]) await core?.deleteNamespace({ name: teamNamespace(t) }).catch(() => undefined);
  const storage = admin?.makeApiClient(StorageV1Api);
  for (const name of [slowClass, lazyClass, expandClass]) await storage?.deleteStorageClass({ name }).catch(() => undefined);
  for (const name of [`pv-${run}`, `pv-expand-${run}`]) await core?.deletePersistentVolume({ name }).catch(() => undefined);
  if (hostDir) rmSync(hostDir, { recursive: true, force: true });
});

describe("a volume's claim", () => {
  it("is a ReadWriteOnce claim named by the volume id, of the volume's size, labelled, in the team's namespace", async () => {
    const v = volume("data", 3);
    await driver.convergeVolume(v);
    const pvc = await claimOf(v);
    expect(pvc?.metadata?.name).toBe(`vol-data${run}`);
    expect(pvc?.metadata?.namespace).toBe(teamNamespace(team));
    expect(pvc?.metadata?.labels).toMatchObject({ "app.kubernetes.io/managed-by": "slipway", "slipway.dev/team": team, "slipway.dev/project": "shop", "slipway.dev/volume-id": v.volumeId, "app.kubernetes.io/name": "data" });
    expect(pvc?.spec?.accessModes).toEqual(["ReadWriteOnce"]);
    expect(pvc?.spec?.resources?.requests?.storage).toBe("3Gi");
    // No class named by the cluster: the default class decides, and the test cluster has none.
    expect(pvc?.spec?.storageClassName).toBeUndefined();
    expect(pvc?.metadata?.managedFields?.some((f) => f.manager === "slipway")).toBe(true);
  });

  it("stays Pending on a cluster with no provisioner, and the volume says so", async () => {
    const seen = await convergeUntil(driver, volume("data", 3), (o) => /default StorageClass/.test(o.reason));
    expect(seen.state).toBe("pending");
    expect(seen.provisionedGib).toBe(0);
    expect(seen.reason).toMatch(/^no PersistentVolume is bound: the cluster has no default StorageClass \(so no provisioner makes one\).*no persistent volumes available for this claim and no storage class is set/);
  });

  it("takes the cluster's storage class, and says which class has no provisioner or does not exist", async () => {
    const slow = new KubernetesDriver({ clusterName: "test", admin, storageClassName: slowClass });
    const v = volume("slow", 1);
    const seen = await convergeUntil(slow, v, (o) => /provisioner/.test(o.reason));
    expect((await claimOf(v))?.spec?.storageClassName).toBe(slowClass);
    expect(seen).toMatchObject({ state: "pending", provisionedGib: 0 });
    expect(seen.reason).toMatch(new RegExp(`the provisioner of class ${slowClass} has not made one; if this lasts, the cluster has no running provisioner for that class .*example\\.com/not-running`));

    const missing = new KubernetesDriver({ clusterName: "test", admin, storageClassName: `nope-${run}` });
    const gone = await convergeUntil(missing, volume("nope", 1), (o) => /no StorageClass/.test(o.reason));
    expect(gone.reason).toMatch(new RegExp(`^no PersistentVolume is bound: the cluster has no provisioner for class nope-${run}: no StorageClass of that name exists`));

    // A class that binds on first use: the app can mount it now (its pod makes the volume).
    const lazy = new KubernetesDriver({ clusterName: "test", admin, storageClassName: lazyClass });
    const ready = await convergeUntil(lazy, volume("lazy", 1), (o) => o.state === "ready");
    expect(ready.reason).toMatch(/makes the volume when the first pod that mounts it is scheduled/);
  });

  it("is refused by the team's ResourceQuota past the storage quota, with the API server's words; the quota mirrors the team's", async () => {
    const rq = await core.readNamespacedResourceQuota({ name: "slipway-team-quota", namespace: teamNamespace(smallTeam) });
    expect(rq.spec?.hard?.["requests.storage"]).toBe("1Gi");
    expect((await core.readNamespacedResourceQuota({ name: "slipway-team-quota", namespace: teamNamespace(team) })).spec?.hard?.["requests.storage"]).toBe("10Gi");
    const v = volume("big", 2, { teamSlug: smallTeam });
    const seen = await driver.convergeVolume(v);
    expect(seen.state).toBe("failed");
    expect(seen.reason).toMatch(new RegExp(`^the cluster refused the volume's claim vol-big${run}: persistentvolumeclaims "vol-big${run}" is forbidden: exceeded quota: slipway-team-quota, requested: requests.storage=2Gi, used: requests.storage=0, limited: requests.storage=1Gi$`));
    expect(await claimOf(v)).toBeNull();
    // Within the quota it is made; raising the team's quota mirrors at the next ensureTeam.
    expect((await driver.convergeVolume(volume("fits", 1, { teamSlug: smallTeam }))).state).toBe("pending");
    await driver.ensureTeam(smallTeam, { ...quota, storageGib: 3 });
    expect((await core.readNamespacedResourceQuota({ name: "slipway-team-quota", namespace: teamNamespace(smallTeam) })).spec?.hard?.["requests.storage"]).toBe("3Gi");
    const grown = await until("the 2 GiB claim admitted", async () => ((await driver.convergeVolume(v)).state !== "failed" ? true : undefined), 15_000);
    expect(grown).toBe(true);
    expect((await claimOf(v))?.spec?.resources?.requests?.storage).toBe("2Gi");
  });

  it("grows: an unbound claim (whose request is immutable) is made again at the new size", async () => {
    const v = volume("data", 5);
    const before = (await claimOf(v))?.metadata?.uid;
    const step = await driver.convergeVolume(v);
    expect(step).toMatchObject({ state: "pending", reason: "growing to 5 GiB: the claim was not bound yet, so it is made again at the new size" });
    await until("the claim made again at 5 GiB", async () => {
      await driver.convergeVolume(v);
      const pvc = await claimOf(v);
      return pvc && pvc.metadata?.uid !== before && pvc.spec?.resources?.requests?.storage === "5Gi" ? true : undefined;
    }, 30_000, 300);
  });

  it("grows a bound claim whose class allows expansion: the request is raised, and the volume says it waits for the storage driver", async () => {
    const expanding = new KubernetesDriver({ clusterName: "test", admin, storageClassName: expandClass });
    const v = volume("grows", 1);
    await core.createPersistentVolume({
      body: {
        metadata: { name: `pv-expand-${run}` },
        spec: {
          storageClassName: expandClass,
          capacity: { storage: "1Gi" },
          accessModes: ["ReadWriteOnce"],
          hostPath: { path: hostDir, type: "Directory" },
          claimRef: { namespace: teamNamespace(team), name: volumeClaimName(v.volumeId) },
        },
      },
    });
    expect(await convergeUntil(expanding, v, (o) => o.state === "ready")).toEqual({ state: "ready", reason: "", provisionedGib: 1 });
    const seen = await convergeUntil(expanding, { ...v, sizeGib: 2 }, (o) => /the cluster says/.test(o.reason));
    expect(seen).toEqual({ state: "ready", reason: "growing from 1 to 2 GiB: the storage driver is resizing it (the cluster says: waiting for an external controller to expand this PVC)", provisionedGib: 1 });
    expect((await claimOf(v))?.spec?.resources?.requests?.storage).toBe("2Gi");
    await until("the claim deleted", async () => ((await expanding.deleteVolume(v)) ? true : undefined), 30_000, 300);
  });

  it("is deleted when the volume is: gone from the cluster", async () => {
    const v = volume("nope", 1);
    await until("the claim deleted", async () => ((await driver.deleteVolume(v)) ? true : undefined), 30_000, 300);
    expect(await claimOf(v)).toBeNull();
    // Idempotent: a second delete of a gone claim is done at once.
    expect(await driver.deleteVolume(v)).toBe(true);
  });
});

describe("a bound volume mounted by an app on the real node", () => {
  const v = volume("pages", 1);
  const app: WorkloadSpec = {
    teamSlug: team, projectSlug: "shop", appSlug: "pages", appId: `pages${run}`, releaseId: `rel-pages-${run}`, releaseVersion: 1,
    imageRef: "", containerPort: 8080, healthCheckPath: "/", cpuMillicores: 100, memoryMib: 64, replicas: 1, env: {}, runAs: null,
    volumes: [{ volumeId: v.volumeId, name: "pages", mountPath: "/www/data", sizeGib: 1 }],
  };

  it("binds to a PersistentVolume that matches (here a hostPath one, made by hand), and is ready with its capacity", async () => {
    await core.createPersistentVolume({
      body: {
        metadata: { name: `pv-${run}` },
        spec: {
          capacity: { storage: "2Gi" },
          accessModes: ["ReadWriteOnce"],
          persistentVolumeReclaimPolicy: "Retain",
          hostPath: { path: hostDir, type: "Directory" },
          // Reserved for this claim, so no other test's claim takes it.
          claimRef: { namespace: teamNamespace(team), name: volumeClaimName(v.volumeId) },
        },
      },
    });
    const seen = await convergeUntil(driver, v, (o) => o.state === "ready");
    expect(seen).toEqual({ state: "ready", reason: "", provisionedGib: 2 });
    expect((await claimOf(v))?.status?.phase).toBe("Bound");
  });

  it("is mounted by the app's Deployment at its mount path, and the pod on the real node serves what the volume holds", async () => {
    const image = await ensureEntriesImage();
    await importImageIntoRealNode(node, image);
    app.imageRef = image;
    writeFileSync(path.join(hostDir, "hello.txt"), `written on the host for ${run}\n`, { mode: 0o644 });
    // hostPath volumes get no fsGroup ownership from the kubelet (storage drivers' volumes do):
    // hand the directory to the pod's group, as fsGroup would.
    chownSync(hostDir, 0, 10001);
    chmodSync(hostDir, 0o2775);
    await rollOut(driver, app, 120_000);
    const d = await admin.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: `app-${app.appId}`, namespace: teamNamespace(team) });
    const pod = d.spec?.template.spec;
    expect(pod?.volumes).toEqual([{ name: volumeClaimName(v.volumeId), persistentVolumeClaim: { claimName: volumeClaimName(v.volumeId) } }]);
    expect(pod?.containers[0]?.volumeMounts).toEqual([{ name: volumeClaimName(v.volumeId), mountPath: "/www/data" }]);
    const pods = await core.listNamespacedPod({ namespace: teamNamespace(team), labelSelector: `slipway.dev/app-id=${app.appId}` });
    expect(pods.items.map((p) => p.spec?.nodeName)).toEqual([node.name]);
    const res = await httpThrough(driver, app, "GET", "/data/hello.txt");
    expect(res.status, res.body).toBe(200);
    expect(res.body).toBe(`written on the host for ${run}\n`);
  });

  it("keeps what the app wrote across a redeploy: the new pod, on the same node, mounts the same claim", async () => {
    const wrote = await httpThrough(driver, app, "POST", "/cgi-bin/write", `entry one ${run}\n`);
    expect(wrote, wrote.body).toMatchObject({ status: 200, body: "stored\n" });
    expect(readFileSync(path.join(hostDir, "entries.txt"), "utf8")).toBe(`entry one ${run}\n`);
    const first = (await core.listNamespacedPod({ namespace: teamNamespace(team), labelSelector: `slipway.dev/app-id=${app.appId}` })).items.map((p) => p.metadata?.name);
    const next = { ...app, releaseId: `rel-pages2-${run}`, releaseVersion: 2 };
    await rollOut(driver, next, 120_000);
    const pods = (await core.listNamespacedPod({ namespace: teamNamespace(team), labelSelector: `slipway.dev/app-id=${app.appId},slipway.dev/release=${next.releaseId}` })).items;
    expect(pods).toHaveLength(1);
    expect(first).not.toContain(pods[0]?.metadata?.name);
    expect(pods[0]?.spec?.nodeName).toBe(node.name);
    const read = await until("the new pod serving the entry", async () => {
      const r = await httpThrough(driver, next, "GET", "/data/entries.txt");
      return r.status === 200 ? r.body : undefined;
    }, 30_000, 500);
    expect(read).toBe(`entry one ${run}\n`);
  });

  it("reports a grow the storage class cannot do with the API server's refusal; the volume keeps its size and data", async () => {
    const seen = await driver.convergeVolume({ ...v, sizeGib: 4 });
    expect(seen.state).toBe("failed");
    expect(seen.provisionedGib).toBe(2);
    expect(seen.reason).toMatch(/^growing to 4 GiB was refused by the cluster: .*forbidden.*only dynamically provisioned pvc can be resized.*The volume keeps its 2 GiB and its data/);
    expect((await claimOf(v))?.spec?.resources?.requests?.storage).toBe("1Gi");
  });

  it("is deleted once no pod mounts it", async () => {
    await driver.remove(app);
    await until("the claim deleted", async () => ((await driver.deleteVolume(v)) ? true : undefined), 60_000, 500);
    expect(await claimOf(v)).toBeNull();
  });
});
