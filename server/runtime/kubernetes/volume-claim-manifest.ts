// A Slipway volume on a cluster: one PersistentVolumeClaim in the team namespace, named by the
// volume's id, ReadWriteOnce (the access mode every storage driver offers), of the volume's size,
// in the cluster's storage class (none named: the cluster's default class decides).
import type { V1PersistentVolumeClaim } from "@kubernetes/client-node";
import { LABEL, MANAGED_BY, teamNamespace, volumeClaimName } from "./names";

export interface VolumeClaimSpec {
  volumeId: string;
  /** The volume's name (a DNS-1123 label, unique in its project): a label for people. */
  volumeName: string;
  teamSlug: string;
  projectSlug: string;
  sizeGib: number;
  /** The cluster's setting; "" = leave it to the cluster's default StorageClass. */
  storageClassName: string;
}

export function volumeClaimLabels(v: Pick<VolumeClaimSpec, "volumeId" | "volumeName" | "teamSlug" | "projectSlug">): Record<string, string> {
  return {
    [LABEL.managedBy]: MANAGED_BY,
    [LABEL.name]: v.volumeName,
    [LABEL.team]: v.teamSlug,
    [LABEL.project]: v.projectSlug,
    [LABEL.volumeId]: v.volumeId,
  };
}

export function volumeClaimManifest(v: VolumeClaimSpec): V1PersistentVolumeClaim {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: volumeClaimName(v.volumeId), namespace: teamNamespace(v.teamSlug), labels: volumeClaimLabels(v) },
    spec: {
      accessModes: ["ReadWriteOnce"],
      // Omitted (not "") when unset: "" would mean "no class at all" and skip the default class.
      ...(v.storageClassName ? { storageClassName: v.storageClassName } : {}),
      resources: { requests: { storage: `${v.sizeGib}Gi` } },
    },
  };
}
