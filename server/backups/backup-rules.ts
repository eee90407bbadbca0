import "server-only";
// What a volume must be for its data to be backed up or restored: made, not being deleted, and
// on the embedded runtime (a cluster volume's data is in the cluster's storage, which slipwayd
// cannot read yet).
import { AppError } from "../errors";
import type { VolumeWithRelations } from "../volumes/to-volume-dto";

export function assertVolumeOperable(volume: VolumeWithRelations, what: "backed up" | "restored into"): void {
  if (volume.project.cluster) {
    throw new AppError("CONFLICT", `Volume ${volume.name} is on the cluster ${volume.project.cluster.name}: backups of cluster volumes are not supported yet.`);
  }
  if (volume.deleteRequestedAt) throw new AppError("CONFLICT", `Volume ${volume.name} is being deleted; it cannot be ${what}.`);
}
