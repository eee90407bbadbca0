// A test platform's embedded volumes are loop mounts under its data dir: they must be unmounted
// before the data dir can be removed (rmdir of a mount point is EBUSY). Used by the daemon
// harness and the e2e platform.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { readMountTable } from "../../server/daemon/volumes/mount-table";
import { volumesRoot } from "../../server/daemon/volumes/volume-paths";

const run = promisify(execFile);

/** Unmounts the embedded volumes of this data dir (their loop devices detach with the mount). */
export async function unmountTestVolumes(dataDir: string): Promise<void> {
  const root = `${volumesRoot(dataDir)}/`;
  const mounted = (await readMountTable()).filter((m) => m.mountPoint.startsWith(root));
  for (const m of mounted.reverse()) {
    await run("umount", [m.mountPoint]).catch(() => run("umount", ["-l", m.mountPoint])).catch((e: unknown) => process.stderr.write(`unmounting the test volume ${m.mountPoint} failed: ${String(e)}\n`));
  }
}
