// What a volume's PersistentVolumeClaim says about the volume, in Slipway's terms (Volume.state,
// stateReason, provisionedGib), read the way `kubectl describe pvc` shows it: the phase, the
// resize conditions and the newest event of the claim (the PV controller explains there why no
// PersistentVolume is bound). Pure, so the wording is unit-tested directly.
import type { CoreV1Event, V1PersistentVolumeClaim } from "@kubernetes/client-node";

export interface VolumeClaimObservation {
  state: "pending" | "ready" | "failed";
  reason: string;
  /** What the cluster has made: the bound volume's capacity in whole GiB (0 while none is bound). */
  provisionedGib: number;
}

const GIB = 2 ** 30;
const SUFFIX: Record<string, number> = {
  "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: GIB, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** Bytes of a Kubernetes quantity ("10Gi", "5G", "1073741824", "1.5Gi"); NaN when unreadable. */
export function quantityBytes(quantity: string | undefined): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)([KMGTPE]i|[kMGTPE])?$/.exec((quantity ?? "").trim());
  if (!m) return NaN;
  return Number(m[1]) * (SUFFIX[m[2] ?? ""] ?? NaN);
}

/** Whole GiB of a quantity, rounded down (a 10G disk is 9 GiB); 0 when unreadable. */
export function quantityGib(quantity: string | undefined): number {
  const bytes = quantityBytes(quantity);
  return Number.isFinite(bytes) ? Math.floor(bytes / GIB + 1e-9) : 0;
}

function eventTime(e: CoreV1Event): number {
  const t = e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return t ? new Date(t).getTime() : 0;
}

/** The claim's newest event, Warnings first among equals. */
function newestEvent(events: CoreV1Event[]): CoreV1Event | undefined {
  return [...events].sort((a, b) => eventTime(b) - eventTime(a) || Number(b.type === "Warning") - Number(a.type === "Warning"))[0];
}

function className(pvc: V1PersistentVolumeClaim): string | null {
  return pvc.spec?.storageClassName || null;
}

/** Why no PersistentVolume is bound to a Pending claim, and whether it is still usable. */
function pending(pvc: V1PersistentVolumeClaim, event: CoreV1Event | undefined): VolumeClaimObservation {
  const cls = className(pvc);
  const said = event?.message ? ` (the cluster says: ${event.message.trim()})` : "";
  switch (event?.reason) {
    case "WaitForFirstConsumer":
      // The class binds (and provisions) where the first pod using the claim is scheduled: the
      // app can mount it now, and mounting it is what makes the volume.
      return { state: "ready", reason: `storage class ${cls ?? "(default)"} makes the volume when the first pod that mounts it is scheduled`, provisionedGib: 0 };
    case "FailedBinding":
      if (!cls) {
        return {
          state: "pending",
          reason: `no PersistentVolume is bound: the cluster has no default StorageClass (so no provisioner makes one) and no existing PersistentVolume matches the claim${said}. Set the cluster's storage class in Slipway to a class with a provisioner, or give the cluster a default class.`,
          provisionedGib: 0,
        };
      }
      return { state: "pending", reason: `no PersistentVolume is bound: the cluster has no provisioner for class ${cls} and no existing PersistentVolume of that class matches the claim${said}`, provisionedGib: 0 };
    case "ProvisioningFailed":
      if (/storageclass.* not found/i.test(event.message ?? "")) {
        return { state: "pending", reason: `no PersistentVolume is bound: the cluster has no provisioner for class ${cls}: no StorageClass of that name exists${said}. Correct the cluster's storage class in Slipway.`, provisionedGib: 0 };
      }
      if (/no volume plugin matched/i.test(event.message ?? "")) {
        // kubernetes.io/no-provisioner and the like: volumes of the class are made by hand.
        return { state: "pending", reason: `no PersistentVolume is bound: the cluster has no provisioner for class ${cls} and no PersistentVolume of that class matches the claim${said}. Volumes of this class are made by the cluster's admin.`, provisionedGib: 0 };
      }
      return { state: "pending", reason: `no PersistentVolume is bound: provisioning a volume of class ${cls ?? "(default)"} failed${said}`, provisionedGib: 0 };
    case "ExternalProvisioning":
      return {
        state: "pending",
        reason: `no PersistentVolume is bound yet: the provisioner of class ${cls ?? "(default)"} has not made one; if this lasts, the cluster has no running provisioner for that class${said}`,
        provisionedGib: 0,
      };
    default:
      return { state: "pending", reason: `no PersistentVolume is bound yet (class ${cls ?? "(the cluster's default)"})${said}`, provisionedGib: 0 };
  }
}

/**
 * The volume as its claim shows it. `wantedGib` is the volume's size in Slipway: a bound claim
 * smaller than it is still growing (the storage driver, then the filesystem on the node).
 */
export function volumeClaimState(pvc: V1PersistentVolumeClaim, events: CoreV1Event[], wantedGib: number): VolumeClaimObservation {
  const event = newestEvent(events);
  const phase = pvc.status?.phase ?? "Pending";
  const provisionedGib = quantityGib(pvc.status?.capacity?.storage);
  if (pvc.metadata?.deletionTimestamp) {
    return { state: "pending", reason: "being deleted: the cluster removes the claim once no pod mounts it", provisionedGib };
  }
  if (phase === "Lost") {
    return {
      state: "failed",
      reason: `the claim's PersistentVolume${pvc.spec?.volumeName ? ` ${pvc.spec.volumeName}` : ""} is gone (phase Lost): its data cannot be reached. Ask the cluster's admin whether the disk can be recovered.`,
      provisionedGib: 0,
    };
  }
  if (phase !== "Bound") return pending(pvc, event);
  if (provisionedGib >= wantedGib) return { state: "ready", reason: "", provisionedGib };
  const conditions = new Set((pvc.status?.conditions ?? []).filter((c) => c.status === "True").map((c) => c.type));
  const growing = `growing from ${provisionedGib} to ${wantedGib} GiB`;
  if (conditions.has("FileSystemResizePending")) {
    return { state: "ready", reason: `${growing}: the disk is larger; the node grows the filesystem when a pod mounts it next (restart the app)`, provisionedGib };
  }
  const resize = event && /Resiz|Expand/i.test(event.reason ?? "") ? event : undefined;
  const said = resize ? ` (the cluster says: ${resize.message?.trim() || resize.reason})` : "";
  if (resize?.type === "Warning") return { state: "ready", reason: `${growing}: the storage driver has not grown it${said}; the volume keeps its data`, provisionedGib };
  return { state: "ready", reason: `${growing}: the storage driver is resizing it${said}`, provisionedGib };
}
