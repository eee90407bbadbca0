import { describe, expect, it } from "vitest";
import type { CoreV1Event, V1Deployment, V1PersistentVolumeClaim } from "@kubernetes/client-node";
import { appManifests } from "@/server/runtime/kubernetes/app-manifests";
import { teamManifests } from "@/server/runtime/kubernetes/team-manifests";
import { volumeClaimName } from "@/server/runtime/kubernetes/names";
import { volumeClaimManifest } from "@/server/runtime/kubernetes/volume-claim-manifest";
import { quantityGib, volumeClaimState } from "@/server/runtime/kubernetes/volume-claim-state";
import type { WorkloadSpec } from "@/server/runtime/runtime-driver";

const spec: WorkloadSpec = {
  teamSlug: "acme", projectSlug: "shop", appSlug: "db", appId: "a1", releaseId: "r1", releaseVersion: 1,
  imageRef: "localhost/x:1", containerPort: 8080, healthCheckPath: "/", cpuMillicores: 100, memoryMib: 64, replicas: 1,
  env: {}, runAs: { uid: 10001, gid: 10002, imageUser: "" },
  volumes: [
    { volumeId: "cvol1", name: "data", mountPath: "/var/lib/data", sizeGib: 5 },
    { volumeId: "cvol2", name: "uploads", mountPath: "/srv/uploads", sizeGib: 1 },
  ],
};

const deploymentOf = (s: WorkloadSpec) => appManifests(s, { image: "x" }).find((o) => o.kind === "Deployment") as V1Deployment;

describe("volume claim manifest", () => {
  it("is a ReadWriteOnce claim named by the volume id, of the volume's size, in the cluster's class, labelled like Slipway's other objects", () => {
    const pvc = volumeClaimManifest({ volumeId: "cvol1", volumeName: "data", teamSlug: "acme", projectSlug: "shop", sizeGib: 5, storageClassName: "fast-ssd" });
    expect(pvc.metadata).toEqual({
      name: "vol-cvol1",
      namespace: "slipway-acme",
      labels: { "app.kubernetes.io/managed-by": "slipway", "app.kubernetes.io/name": "data", "slipway.dev/team": "acme", "slipway.dev/project": "shop", "slipway.dev/volume-id": "cvol1" },
    });
    expect(pvc.spec).toEqual({ accessModes: ["ReadWriteOnce"], storageClassName: "fast-ssd", resources: { requests: { storage: "5Gi" } } });
  });

  it("leaves the class out (the cluster's default class) when the cluster names none: \"\" would mean no class at all", () => {
    const pvc = volumeClaimManifest({ volumeId: "cvol1", volumeName: "data", teamSlug: "acme", projectSlug: "shop", sizeGib: 1, storageClassName: "" });
    expect(pvc.spec).not.toHaveProperty("storageClassName");
  });

  it("refuses ids that cannot name an object", () => {
    expect(volumeClaimName("cm0abc")).toBe("vol-cm0abc");
    expect(() => volumeClaimName("Bad_Id")).toThrow();
  });
});

describe("app manifests with volumes", () => {
  it("mount each attached volume's claim at its path", () => {
    const pod = deploymentOf(spec).spec!.template.spec!;
    expect(pod.volumes).toEqual([
      { name: "vol-cvol1", persistentVolumeClaim: { claimName: "vol-cvol1" } },
      { name: "vol-cvol2", persistentVolumeClaim: { claimName: "vol-cvol2" } },
    ]);
    expect(pod.containers[0]!.volumeMounts).toEqual([
      { name: "vol-cvol1", mountPath: "/var/lib/data" },
      { name: "vol-cvol2", mountPath: "/srv/uploads" },
    ]);
    // The run-as group owns what the volume holds, as on the embedded runtime.
    expect(pod.securityContext).toMatchObject({ fsGroup: 10002, fsGroupChangePolicy: "OnRootMismatch" });
  });

  it("keep a rolling update's surge pod on the node of the pod it replaces (ReadWriteOnce is per node)", () => {
    const pod = deploymentOf(spec).spec!.template.spec!;
    expect(pod.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { labelSelector: { matchLabels: { "slipway.dev/app-id": "a1" } }, topologyKey: "kubernetes.io/hostname" },
    ]);
  });

  it("leave apps without volumes as they were: no volumes, no mounts, no affinity", () => {
    const pod = deploymentOf({ ...spec, volumes: [] }).spec!.template.spec!;
    expect(pod.volumes).toBeUndefined();
    expect(pod.affinity).toBeUndefined();
    expect(pod.containers[0]!.volumeMounts).toBeUndefined();
  });
});

describe("team footprint", () => {
  it("caps the namespace's storage requests at the team's storage quota and lets the team's account manage claims", () => {
    const objects = teamManifests({ teamSlug: "acme", quota: { cpuMillicores: 1000, memoryMib: 512, storageGib: 25, maxApps: 3 }, ingressNamespace: "ingress-nginx" });
    const quota = objects.find((o) => o.kind === "ResourceQuota") as { spec: { hard: Record<string, string> } };
    expect(quota.spec.hard["requests.storage"]).toBe("25Gi");
    const role = objects.find((o) => o.kind === "Role") as { rules: { resources: string[]; verbs: string[] }[] };
    expect(role.rules.find((r) => r.resources.includes("persistentvolumeclaims"))?.verbs).toEqual(expect.arrayContaining(["create", "patch", "delete", "get"]));
  });
});

describe("volume claim state", () => {
  const claim = (over: Partial<V1PersistentVolumeClaim> = {}, cls?: string): V1PersistentVolumeClaim => ({
    metadata: { name: "vol-x", uid: "u1" },
    spec: { accessModes: ["ReadWriteOnce"], storageClassName: cls, resources: { requests: { storage: "5Gi" } } },
    status: { phase: "Pending" },
    ...over,
  });
  const event = (reason: string, message: string, type = "Normal", at = "2026-11-29T12:00:00Z"): CoreV1Event => ({
    metadata: {}, involvedObject: { uid: "u1" }, reason, message, type, lastTimestamp: new Date(at),
  });

  it("reads quantities in whole GiB", () => {
    expect(quantityGib("5Gi")).toBe(5);
    expect(quantityGib(String(2 * 2 ** 30))).toBe(2);
    expect(quantityGib("10G")).toBe(9);
    expect(quantityGib("1536Mi")).toBe(1);
    expect(quantityGib("1Ti")).toBe(1024);
    expect(quantityGib(undefined)).toBe(0);
    expect(quantityGib("lots")).toBe(0);
  });

  it("a bound claim of the volume's size is ready, with the capacity the cluster made", () => {
    expect(volumeClaimState(claim({ status: { phase: "Bound", capacity: { storage: "8Gi" } } }), [], 5)).toEqual({ state: "ready", reason: "", provisionedGib: 8 });
  });

  it("says why a pending claim has no volume: no default class, a class nobody provisions, a missing class", () => {
    const noClass = volumeClaimState(claim(), [event("FailedBinding", "no persistent volumes available for this claim and no storage class is set")], 5);
    expect(noClass.state).toBe("pending");
    expect(noClass.reason).toMatch(/^no PersistentVolume is bound: the cluster has no default StorageClass .*no storage class is set.*Set the cluster's storage class in Slipway/);
    const nobody = volumeClaimState(claim({}, "fast"), [event("ExternalProvisioning", "Waiting for a volume to be created either by the external provisioner 'ebs.csi.aws.com' or manually")], 5);
    expect(nobody.reason).toMatch(/^no PersistentVolume is bound yet: the provisioner of class fast has not made one; if this lasts, the cluster has no running provisioner for that class .*ebs\.csi\.aws\.com/);
    const missing = volumeClaimState(claim({}, "fast"), [event("ProvisioningFailed", 'storageclass.storage.k8s.io "fast" not found', "Warning")], 5);
    expect(missing.reason).toMatch(/^no PersistentVolume is bound: the cluster has no provisioner for class fast: no StorageClass of that name exists/);
    const byHand = volumeClaimState(claim({}, "manual"), [event("ProvisioningFailed", "no volume plugin matched name: kubernetes.io/no-provisioner", "Warning")], 5);
    expect(byHand.reason).toMatch(/^no PersistentVolume is bound: the cluster has no provisioner for class manual and no PersistentVolume of that class matches the claim .*made by the cluster's admin/);
    expect(volumeClaimState(claim(), [], 5).reason).toMatch(/^no PersistentVolume is bound yet \(class \(the cluster's default\)\)$/);
  });

  it("uses the newest event", () => {
    const seen = volumeClaimState(claim({}, "fast"), [
      event("ProvisioningFailed", 'storageclass.storage.k8s.io "fast" not found', "Warning", "2026-11-29T12:00:00Z"),
      event("ExternalProvisioning", "Waiting for a volume to be created", "Normal", "2026-11-29T12:05:00Z"),
    ], 5);
    expect(seen.reason).toMatch(/has not made one/);
  });

  it("a claim its class binds on first use is ready to mount (the pod that mounts it makes the volume)", () => {
    const seen = volumeClaimState(claim({}, "local"), [event("WaitForFirstConsumer", "waiting for first consumer to be created before binding")], 5);
    expect(seen).toEqual({ state: "ready", reason: expect.stringMatching(/class local makes the volume when the first pod that mounts it is scheduled/), provisionedGib: 0 });
  });

  it("a bound claim smaller than the volume is growing: usable, with the step it waits for", () => {
    const bound = { phase: "Bound", capacity: { storage: "5Gi" } };
    expect(volumeClaimState(claim({ status: bound }), [], 8)).toEqual({ state: "ready", reason: "growing from 5 to 8 GiB: the storage driver is resizing it", provisionedGib: 5 });
    const fs = volumeClaimState(claim({ status: { ...bound, conditions: [{ type: "FileSystemResizePending", status: "True" }] } }), [], 8);
    expect(fs.reason).toMatch(/the node grows the filesystem when a pod mounts it next/);
    const failed = volumeClaimState(claim({ status: bound }), [event("VolumeResizeFailed", "resize failed: quota of the cloud", "Warning")], 8);
    expect(failed.reason).toMatch(/has not grown it \(the cluster says: resize failed: quota of the cloud\); the volume keeps its data/);
    const waiting = volumeClaimState(claim({ status: bound }), [event("ExternalExpanding", "waiting for an external controller to expand this PVC")], 8);
    expect(waiting.reason).toBe("growing from 5 to 8 GiB: the storage driver is resizing it (the cluster says: waiting for an external controller to expand this PVC)");
  });

  it("a lost volume fails; a claim being deleted is pending", () => {
    expect(volumeClaimState(claim({ spec: { volumeName: "pv-1" }, status: { phase: "Lost" } }), [], 5)).toMatchObject({ state: "failed", reason: expect.stringMatching(/PersistentVolume pv-1 is gone \(phase Lost\)/) });
    expect(volumeClaimState(claim({ metadata: { name: "vol-x", deletionTimestamp: new Date() } }), [], 5)).toMatchObject({ state: "pending", reason: expect.stringMatching(/being deleted/) });
  });
});
