// Replacing a volume's data directory by a restored copy, so that a crash at any point leaves
// either the old data or the new, never half of each: the archive is unpacked into a sibling
// directory on the same filesystem (the volume's own, beside data/), then two renames swap them.
// Between the two renames data/ is missing for a moment; recoverInterruptedSwap, run before any
// restore touches the volume, puts the old data back if a crash struck right there.
import { randomBytes } from "node:crypto";
import { readdir, rename, rm, stat, chmod, chown, mkdir } from "node:fs/promises";
import path from "node:path";

const STAGING = ".slipway-restore-";
const REPLACED = ".slipway-replaced-";

/**
 * A staging directory of this attempt: after a kill -9 of slipwayd, the previous attempt's tar may
 * still be unpacking into its own (it outlives its parent) while the next attempt starts.
 */
function stagingDir(mountPoint: string, restoreId: string): string {
  return path.join(mountPoint, `${STAGING}${restoreId}-${randomBytes(4).toString("hex")}`);
}

/** Another process may still be writing into it (an orphaned tar): retry until it is gone. */
const removeTree = (p: string) => rm(p, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Leftovers of an interrupted restore: old data put back if it was set aside, staging removed. */
export async function recoverInterruptedSwap(mountPoint: string, dataDir: string): Promise<string[]> {
  const done: string[] = [];
  let names: string[];
  try {
    names = await readdir(mountPoint);
  } catch {
    return done;
  }
  for (const name of names) {
    const p = path.join(mountPoint, name);
    if (name.startsWith(REPLACED)) {
      if (!(await exists(dataDir))) {
        await rename(p, dataDir);
        done.push(`put the data set aside by an interrupted restore back (${name})`);
      } else {
        await removeTree(p);
        done.push(`removed the data an earlier restore replaced (${name})`);
      }
    } else if (name.startsWith(STAGING)) {
      await removeTree(p);
      done.push(`removed an interrupted restore's unpacked copy (${name})`);
    }
  }
  return done;
}

/** A fresh, empty staging directory for the restore. */
export async function prepareStaging(mountPoint: string, restoreId: string): Promise<string> {
  const dir = stagingDir(mountPoint, restoreId);
  await mkdir(dir, { mode: 0o700 });
  return dir;
}

/**
 * Swaps the unpacked copy in. Its root takes the current data directory's owner and mode (what the
 * volume reconciler set so that the apps' group may write), whatever the archive said.
 */
export async function swapIn(opts: { staging: string; dataDir: string; restoreId: string }): Promise<void> {
  const current = await stat(opts.dataDir);
  await chown(opts.staging, current.uid, current.gid);
  await chmod(opts.staging, current.mode & 0o7777);
  const aside = path.join(path.dirname(opts.dataDir), `${REPLACED}${opts.restoreId}`);
  await rename(opts.dataDir, aside);
  await rename(opts.staging, opts.dataDir);
  await rm(aside, { recursive: true, force: true });
}
