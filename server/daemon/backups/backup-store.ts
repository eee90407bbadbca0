// Where archives are kept: the platform's local backup directory, or a team's S3-compatible
// target. Keys are `<teamId>/<volumeId>/<backupId>.tar.zst` (under the target's prefix), made
// from ids only, so no name a person chose ends up in a path or a key.
import { assertEngineId } from "../engine/container-spec";
import type { ArchiveResult, WriteArchiveOptions } from "./archive-writer";

export interface BackupStore {
  /** for messages: "the local backup directory" or "backup target <name>" */
  readonly label: string;
  /** archives the directory under key, whole or not at all (a failure leaves no object behind) */
  putArchive(key: string, opts: WriteArchiveOptions): Promise<ArchiveResult>;
  /**
   * A local file holding the object: the stored file itself for the local directory, a download
   * into `staging` otherwise. The caller removes `staging` when done.
   */
  fetchToFile(key: string, staging: string, signal?: AbortSignal): Promise<string>;
  /** removes the object; an object already gone is not an error */
  delete(key: string): Promise<void>;
}

export function archiveKey(teamId: string, volumeId: string, backupId: string): string {
  return `${assertEngineId("team", teamId)}/${assertEngineId("volume", volumeId)}/${assertEngineId("backup", backupId)}.tar.zst`;
}
