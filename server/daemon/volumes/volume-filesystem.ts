// An embedded volume on this machine: an ext4 filesystem in an image file of exactly its size,
// loop-mounted under slipwayd's data dir (volume-paths.ts). The size is enforced by the
// filesystem itself: a write past it fails with ENOSPC in the container, whoever writes it
// (no reserved blocks: the app may use all of it, and root gets no more). Each step is
// idempotent and safe to repeat after a kill at any point: an image is made under a temporary
// name and renamed once it holds a filesystem; whether a volume is mounted is read from the
// kernel's mount table, never remembered.
import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { lstat, mkdir, open, readdir, readFile, rename, rm, rmdir, stat, statfs, truncate, lchown, chown, chmod } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { mountAt, readMountTable, type MountEntry } from "./mount-table";
import { volumeDataPath, volumeImagePath, volumeMountPoint, volumesRoot } from "./volume-paths";
import { DEFAULT_RUN_AS_ID } from "../../runtime/run-as";

const run = promisify(execFile);
const GIB = 1024 ** 3;
/** The data dir's mode: group-writable, and setgid so new files keep the volume's group. */
export const DATA_DIR_MODE = 0o2775;

/** A step that cannot work on this machine as it is (a tool or the loop driver missing): said as is. */
export class VolumeFsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VolumeFsError";
  }
}

/** The filesystem is still in use somewhere (a container's mount): the step waits and tries again. */
export class VolumeBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VolumeBusyError";
  }
}

const TOOLS: Record<string, string> = {
  "mkfs.ext4": "e2fsprogs",
  resize2fs: "e2fsprogs",
  e2fsck: "e2fsprogs",
  mount: "mount",
  umount: "mount",
  losetup: "mount",
};

/** Runs a system tool (sbin included in PATH: slipwayd may run with a user's PATH). */
async function tool(cmd: string, args: string[], okCodes: number[] = [0]): Promise<string> {
  const env = { ...process.env, PATH: `${process.env.PATH ?? ""}:/usr/sbin:/sbin:/usr/bin:/bin`, LC_ALL: "C" };
  try {
    const { stdout } = await run(cmd, args, { env, timeout: 10 * 60_000 });
    return stdout;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { code?: string | number; stderr?: string };
    if (err.code === "ENOENT") throw new VolumeFsError(`${cmd} is not installed on this machine (Debian package ${TOOLS[cmd] ?? cmd})`);
    if (typeof err.code === "number" && okCodes.includes(err.code)) return "";
    const detail = (err.stderr ?? "").trim() || err.message;
    throw new VolumeFsError(`${cmd} ${args.join(" ")} failed: ${detail}`);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw e;
  }
}

/** Whether the volume's filesystem image exists (made completely: see createVolumeImage). */
export function volumeImageExists(dataDir: string, volumeId: string): Promise<boolean> {
  return exists(volumeImagePath(dataDir, volumeId));
}

/** Makes the image: a sparse file of exactly sizeGib with an ext4 filesystem. No-op when it exists. */
export async function createVolumeImage(dataDir: string, volumeId: string, sizeGib: number): Promise<void> {
  const image = volumeImagePath(dataDir, volumeId);
  if (await exists(image)) return;
  await mkdir(volumesRoot(dataDir), { recursive: true, mode: 0o700 });
  // A kill between making the file and renaming it leaves only the temporary file, made afresh.
  const tmp = `${image}.tmp`;
  const fh = await open(tmp, "w", 0o600);
  try {
    await fh.truncate(sizeGib * GIB);
  } finally {
    await fh.close();
  }
  // -m 0: no blocks reserved for root, so the app gets the whole size and nobody gets more.
  // Lazy init: the inode tables and journal are zeroed by the kernel later, not written now.
  await tool("mkfs.ext4", ["-q", "-F", "-m", "0", "-E", "lazy_itable_init=1,lazy_journal_init=1", tmp]);
  await rename(tmp, image);
}

/** The loop device the volume is mounted from, or null when it is not mounted. */
export async function mountedDevice(dataDir: string, volumeId: string): Promise<string | null> {
  return mountAt(await readMountTable(), volumeMountPoint(dataDir, volumeId))?.source ?? null;
}

/**
 * Mounts the image at its mount point unless the kernel's table shows it there already, and
 * makes its data dir when it has none. nosuid, nodev: nothing an app writes there acts as a
 * privilege or a device on this machine.
 */
export async function mountVolume(dataDir: string, volumeId: string, table?: MountEntry[]): Promise<void> {
  const mountPoint = volumeMountPoint(dataDir, volumeId);
  // `table`: the kernel's mount table as the caller read it, when nothing has mounted or unmounted
  // this volume since (one read per pass for every volume instead of one per volume).
  const mounted = table ? mountAt(table, mountPoint)?.source : await mountedDevice(dataDir, volumeId);
  if (!mounted) {
    await mkdir(mountPoint, { recursive: true, mode: 0o700 });
    try {
      await tool("mount", ["-t", "ext4", "-o", "loop,nosuid,nodev", volumeImagePath(dataDir, volumeId), mountPoint]);
    } catch (e) {
      if (e instanceof VolumeFsError && /failed to set ?up loop device|unused loop device|loop-control/i.test(e.message)) {
        throw new VolumeFsError(`no loop device is available on this machine (the loop kernel module, /dev/loop-control): ${e.message}`);
      }
      throw e;
    }
  }
  const data = volumeDataPath(dataDir, volumeId);
  if (!(await exists(data))) {
    // Made on a fresh filesystem only: on one that holds anything else, data/ is missing because a
    // restore was interrupted between its two renames (server/daemon/backups/volume-swap.ts), and an
    // empty data/ made here would make that restore's recovery drop the data it set aside.
    const others = (await readdir(mountPoint)).filter((n) => n !== "lost+found");
    if (others.length) throw new VolumeFsError(`the volume's data directory is missing (its filesystem holds ${others.join(", ")}): an interrupted restore set the data aside, and puts it back when it runs again`);
    await mkdir(data);
    await chown(data, 0, DEFAULT_RUN_AS_ID);
    await chmod(data, DATA_DIR_MODE);
  }
}

/** Unmounts it (lazily when something still holds it: a draining container's bind). No-op when not mounted. */
export async function unmountVolume(dataDir: string, volumeId: string): Promise<void> {
  const mountPoint = volumeMountPoint(dataDir, volumeId);
  if (!(await mountedDevice(dataDir, volumeId))) return;
  try {
    await tool("umount", [mountPoint]);
  } catch (e) {
    if (!(e instanceof VolumeFsError) || !/busy/i.test(e.message)) throw e;
    await tool("umount", ["-l", mountPoint]);
  }
}

/** Removes the volume's data: unmounted, image and mount point gone. Idempotent. */
export async function removeVolumeFiles(dataDir: string, volumeId: string): Promise<void> {
  await unmountVolume(dataDir, volumeId);
  const image = volumeImagePath(dataDir, volumeId);
  await rm(image, { force: true });
  await rm(`${image}.tmp`, { force: true });
  try {
    // rmdir, not rm -r: an unmounted mount point is empty; anything in it is not ours to delete.
    await rmdir(volumeMountPoint(dataDir, volumeId));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}

/** The image file's size in whole GiB (what the filesystem may grow to without a truncate). */
export async function imageSizeGib(dataDir: string, volumeId: string): Promise<number> {
  return Math.floor((await stat(volumeImagePath(dataDir, volumeId))).size / GIB);
}

/**
 * Whether this process may resize a mounted ext4 filesystem (the kernel asks for
 * CAP_SYS_RESOURCE, which some machines, these VMs among them, do not give even to root).
 */
export async function canResizeMounted(): Promise<boolean> {
  const status = await readFile("/proc/self/status", "utf8");
  const eff = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  const CAP_SYS_RESOURCE = 24n;
  return eff !== undefined && ((BigInt(`0x${eff}`) >> CAP_SYS_RESOURCE) & 1n) === 1n;
}

/** Grows the mounted filesystem in place (the apps keep running): larger image, loop capacity, resize2fs. */
export async function growMounted(dataDir: string, volumeId: string, sizeGib: number): Promise<void> {
  const device = await mountedDevice(dataDir, volumeId);
  if (!device) throw new VolumeFsError("the volume is not mounted");
  await growImageFile(dataDir, volumeId, sizeGib);
  await tool("losetup", ["-c", device]);
  await tool("resize2fs", [device]);
}

/**
 * Grows the filesystem while nothing has it mounted: unmount, check, larger image, resize2fs.
 * The caller mounts it again. Throws VolumeBusyError when a loop device still holds the image
 * after the unmount (a container's mount namespace): resizing under it would corrupt it.
 */
export async function growUnmounted(dataDir: string, volumeId: string, sizeGib: number): Promise<void> {
  const image = volumeImagePath(dataDir, volumeId);
  const mountPoint = volumeMountPoint(dataDir, volumeId);
  if (await mountedDevice(dataDir, volumeId)) {
    try {
      await tool("umount", [mountPoint]);
    } catch (e) {
      if (e instanceof VolumeFsError && /busy/i.test(e.message)) throw new VolumeBusyError("the volume is still in use (a process has files open in it)");
      throw e;
    }
  }
  // Loop devices of a `mount -o loop` detach themselves with their last mount.
  const holders = (await tool("losetup", ["-j", image])).trim();
  if (holders) throw new VolumeBusyError(`the volume's image is still attached to a loop device (${holders.split(":")[0]}), mounted elsewhere`);
  // e2fsck: 0 clean, 1 errors corrected; resize2fs wants a freshly checked filesystem.
  await tool("e2fsck", ["-f", "-p", image], [1]);
  await growImageFile(dataDir, volumeId, sizeGib);
  await tool("resize2fs", [image]);
}

async function growImageFile(dataDir: string, volumeId: string, sizeGib: number): Promise<void> {
  const image = volumeImagePath(dataDir, volumeId);
  if ((await stat(image)).size < sizeGib * GIB) await truncate(image, sizeGib * GIB);
}

export interface VolumeUsage {
  usedBytes: number;
  totalBytes: number;
}

/** What the filesystem says is used (statfs of the mount), as df would. */
export async function measureVolume(dataDir: string, volumeId: string): Promise<VolumeUsage> {
  const s = await statfs(volumeMountPoint(dataDir, volumeId));
  return { usedBytes: (s.blocks - s.bfree) * s.bsize, totalBytes: s.blocks * s.bsize };
}

/**
 * Makes the data dir writable to `gid` as a cluster's fsGroup does (and only when its top is not
 * that already, as fsGroupChangePolicy OnRootMismatch): every file and directory gets that group
 * and group read-write, directories the setgid bit so new files keep the group. Apps run with
 * that group added (run-as.ts volumeGroup). Symbolic links are never followed: what an app wrote
 * must not make slipwayd change a file outside the volume.
 */
export async function ensureVolumeGroup(dataDir: string, volumeId: string, gid: number): Promise<boolean> {
  const data = volumeDataPath(dataDir, volumeId);
  const top = await lstat(data);
  if (!top.isDirectory()) throw new VolumeFsError("the volume's data directory is missing or not a directory");
  if (top.gid === gid && (top.mode & 0o7777) === DATA_DIR_MODE) return false;
  await regroup(data, gid, true);
  return true;
}

async function regroup(p: string, gid: number, isTop: boolean): Promise<void> {
  const st = await lstat(p);
  if (st.isSymbolicLink()) {
    await lchown(p, st.uid, gid);
    return;
  }
  if (!st.isDirectory() && !st.isFile()) return;
  // Opened without following a link swapped in since the lstat; changed through the descriptor.
  const fh = await open(p, constants.O_RDONLY | constants.O_NOFOLLOW | (st.isDirectory() ? constants.O_DIRECTORY : 0));
  try {
    const now = await fh.stat();
    await fh.chown(isTop ? 0 : now.uid, gid);
    const mode = isTop ? DATA_DIR_MODE : now.isDirectory() ? (now.mode & 0o7777) | 0o2070 : (now.mode & 0o7777) | 0o060 | (now.mode & 0o100 ? 0o010 : 0);
    await fh.chmod(mode);
  } finally {
    await fh.close();
  }
  if (st.isDirectory()) for (const name of await readdir(p)) await regroup(path.join(p, name), gid, false);
}
