// Where an embedded volume lives on this machine, in slipwayd's data directory: a filesystem image
// of exactly the volume's size, loop-mounted at a directory of its own; apps see its data/
// subdirectory (the filesystem's root holds lost+found, which is not the app's). Named by volume
// id, never by names people choose.
import path from "node:path";
import { assertEngineId } from "../engine/container-spec";

export function volumesRoot(dataDir: string): string {
  return path.join(dataDir, "volumes");
}

/** The filesystem image file. */
export function volumeImagePath(dataDir: string, volumeId: string): string {
  return path.join(volumesRoot(dataDir), `${assertEngineId("volume", volumeId)}.img`);
}

/** Where the image is mounted. */
export function volumeMountPoint(dataDir: string, volumeId: string): string {
  return path.join(volumesRoot(dataDir), assertEngineId("volume", volumeId));
}

/** What containers see at the mount path, and what a backup archives. */
export function volumeDataPath(dataDir: string, volumeId: string): string {
  return path.join(volumeMountPoint(dataDir, volumeId), "data");
}
