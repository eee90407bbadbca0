// Test base images made locally: no registry is reachable from test machines. The busybox image
// is a rootfs holding Debian's static busybox plus one symlink per applet, imported into Podman.
// Reused by the daemon integration tests and the Playwright journeys.
import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** `FROM` this in fixture Dockerfiles. Has /bin/sh, httpd, wget and the other busybox applets. */
// :2 — /tmp is 1777, as in any distribution's image: apps run as a non-root user (run-as.ts).
export const TEST_BASE_IMAGE = "localhost/slipway-test-busybox:2";

const BUSYBOX = "/bin/busybox";

export async function imageExists(ref: string): Promise<boolean> {
  try {
    await run("podman", ["image", "exists", ref]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure TEST_BASE_IMAGE exists in the local Podman storage (the storage every Podman
 * service on the machine shares). Cached: a no-op when it is already there. Needs Debian's
 * busybox-static at /bin/busybox.
 */
export async function ensureTestBaseImage(): Promise<string> {
  if (await imageExists(TEST_BASE_IMAGE)) return TEST_BASE_IMAGE;
  const work = mkdtempSync(path.join(os.tmpdir(), "slipway-bbroot-"));
  try {
    const root = path.join(work, "rootfs");
    for (const d of ["bin", "www", "tmp", "etc"]) mkdirSync(path.join(root, d), { recursive: true });
    // Writable by every user, sticky, as /tmp is in Debian's images (mkdirSync's mode is masked).
    chmodSync(path.join(root, "tmp"), 0o1777);
    copyFileSync(BUSYBOX, path.join(root, "bin/busybox"));
    const { stdout } = await run(BUSYBOX, ["--list"]);
    for (const applet of stdout.split("\n").map((s) => s.trim())) {
      if (!applet || applet === "busybox" || applet.includes("/")) continue;
      symlinkSync("busybox", path.join(root, "bin", applet));
    }
    const tarFile = path.join(work, "rootfs.tar");
    await run("tar", ["-C", root, "-cf", tarFile, "."]);
    await run("podman", ["import", "--change", 'CMD ["/bin/sh"]', "--change", "ENV PATH=/bin", tarFile, TEST_BASE_IMAGE]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return TEST_BASE_IMAGE;
}
