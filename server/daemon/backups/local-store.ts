// The platform's local backup directory: <SLIPWAY_BACKUP_DIR or <dataDir>/backups>/<key>. An
// archive is written under a temporary name and renamed once whole, so a file with the final name
// is always a complete archive (a crash leaves only a *.partial file, removed by the next write).
import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, rmdir, stat } from "node:fs/promises";
import path from "node:path";
import { getEnv } from "../../env";
import { writeArchiveToFile, type ArchiveResult, type WriteArchiveOptions } from "./archive-writer";
import type { BackupStore } from "./backup-store";

export function localBackupDir(): string {
  return process.env.SLIPWAY_BACKUP_DIR || path.join(getEnv().dataDir, "backups");
}

export class LocalBackupStore implements BackupStore {
  readonly label = "the local backup directory";

  constructor(private readonly root: string = localBackupDir()) {}

  private file(key: string): string {
    const file = path.resolve(this.root, key);
    if (!file.startsWith(path.resolve(this.root) + path.sep)) throw new Error(`backup key ${JSON.stringify(key)} leaves the backup directory`);
    return file;
  }

  async putArchive(key: string, opts: WriteArchiveOptions): Promise<ArchiveResult> {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await this.removePartials(file);
    const partial = `${file}.${randomBytes(4).toString("hex")}.partial`;
    try {
      const result = await writeArchiveToFile({ ...opts, file: partial });
      await rename(partial, file);
      return result;
    } catch (e) {
      await rm(partial, { force: true });
      throw e;
    }
  }

  /** Leftovers of an attempt that died with its slipwayd (kill -9, power cut). */
  private async removePartials(file: string): Promise<void> {
    const base = `${path.basename(file)}.`;
    for (const name of await readdir(path.dirname(file))) {
      if (name.startsWith(base) && name.endsWith(".partial")) await rm(path.join(path.dirname(file), name), { force: true });
    }
  }

  async fetchToFile(key: string): Promise<string> {
    const file = this.file(key);
    try {
      await stat(file);
    } catch {
      throw new Error(`the archive ${key} is not in ${this.label} (${this.root})`);
    }
    return file;
  }

  async delete(key: string): Promise<void> {
    const file = this.file(key);
    await rm(file, { force: true });
    // The volume's and the team's directories go with their last archive.
    for (let dir = path.dirname(file); dir.startsWith(path.resolve(this.root) + path.sep); dir = path.dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        break; // not empty (other archives), or already gone: either way nothing more to remove
      }
    }
  }
}
