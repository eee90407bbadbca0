// What the embedded runtime asks before it starts a replica with volumes: is each one mounted
// (per the kernel's mount table, not the database: after a reboot a "ready" row may not be mounted
// yet), and is its data dir writable to the group the replica runs with. A replica never starts
// on an unmounted volume: its bind mount would be the empty mount point on slipwayd's own disk,
// and what the app wrote there would be lost, unbounded by the volume's size.
import type { WorkloadSpec } from "../../runtime/runtime-driver";
import { volumeGroup } from "../../runtime/run-as";
import { mountAt, readMountTable } from "./mount-table";
import { ensureVolumeGroup } from "./volume-filesystem";
import { volumeDataPath, volumeMountPoint } from "./volume-paths";

export interface VolumeMounts {
  /** where a volume's data is on this machine (the bind mount's source) */
  dataPath(volumeId: string): string;
  /**
   * null when every volume of `spec` is mounted and writable to its run-as group (fixed here
   * when it is not, as a cluster's fsGroup); otherwise why the replica must wait.
   */
  prepare(spec: Pick<WorkloadSpec, "volumes" | "runAs">): Promise<string | null>;
}

export function volumeMounts(dataDir: string): VolumeMounts {
  return {
    dataPath: (volumeId) => volumeDataPath(dataDir, volumeId),
    async prepare(spec) {
      if (!spec.volumes.length) return null;
      const table = await readMountTable();
      const unmounted = spec.volumes.filter((v) => !mountAt(table, volumeMountPoint(dataDir, v.volumeId)));
      if (unmounted.length) return `waiting for volume ${unmounted.map((v) => v.name).join(", ")} to be mounted on this machine`;
      // A release from before run-as (null) runs as its image's user, as it always did.
      if (spec.runAs) {
        for (const v of spec.volumes) {
          try {
            await ensureVolumeGroup(dataDir, v.volumeId, volumeGroup(spec.runAs));
          } catch (e) {
            // Said as the reason to wait: the next step looks again (a restore may be swapping it in).
            return `volume ${v.name} is not usable: ${e instanceof Error ? e.message : String(e)}`;
          }
        }
      }
      return null;
    },
  };
}
