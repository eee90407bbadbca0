// The embedded volume's filesystem steps on this machine, for real (root, loop devices): an image
// of exactly its size, mounted once however often asked, writable to the run-as group only
// through the data dir, full at its size, grown offline, measured, removed.
import { afterAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { chmod, lstat, mkdir, rename, stat, symlink, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { makeDataDir, unmountTestVolumes } from "../../support/daemon-harness";
import { readMountTable } from "@/server/daemon/volumes/mount-table";
import { volumeDataPath, volumeImagePath, volumeMountPoint, volumesRoot } from "@/server/daemon/volumes/volume-paths";
import {
  DATA_DIR_MODE,
  createVolumeImage,
  ensureVolumeGroup,
  growUnmounted,
  measureVolume,
  mountVolume,
  mountedDevice,
  removeVolumeFiles,
} from "@/server/daemon/volumes/volume-filesystem";

const run = promisify(execFile);
const GIB = 1024 ** 3;
const dataDir = makeDataDir("volfs");
const id = "vol1test";

afterAll(async () => {
  await unmountTestVolumes(dataDir);
});

async function mountsOf(mountPoint: string): Promise<number> {
  return (await readMountTable()).filter((m) => m.mountPoint === mountPoint).length;
}

describe("an embedded volume's filesystem", () => {
  it("is a sparse image of exactly its size, mounted once however often it is asked", async () => {
    await createVolumeImage(dataDir, id, 1);
    const image = await stat(volumeImagePath(dataDir, id));
    expect(image.size).toBe(GIB);
    // Sparse: the filesystem's metadata only, not a gibibyte.
    expect(image.blocks * 512).toBeLessThan(100 * 1024 ** 2);
    await mountVolume(dataDir, id);
    await mountVolume(dataDir, id);
    expect(await mountsOf(volumeMountPoint(dataDir, id))).toBe(1);
    expect(await mountedDevice(dataDir, id)).toMatch(/^\/dev\/loop\d+$/);
    const data = await lstat(volumeDataPath(dataDir, id));
    expect({ uid: data.uid, gid: data.gid, mode: data.mode & 0o7777 }).toEqual({ uid: 0, gid: 10001, mode: DATA_DIR_MODE });
    const usage = await measureVolume(dataDir, id);
    expect(usage.totalBytes).toBeGreaterThan(0.9 * GIB);
    expect(usage.totalBytes).toBeLessThanOrEqual(GIB);
  });

  it("lets a user of the volume's group write, and fails a write past its size with ENOSPC", async () => {
    const data = volumeDataPath(dataDir, id);
    // Containers see the data dir alone; a process on this machine must also get through its parents.
    for (const dir of [dataDir, volumesRoot(dataDir)]) await chmod(dir, 0o711);
    await run("setpriv", ["--reuid=10001", "--regid=10001", "--clear-groups", "sh", "-c", `echo hello > ${data}/note`]);
    expect((await stat(`${data}/note`)).gid).toBe(10001);
    const full = await run("setpriv", ["--reuid=10001", "--regid=10001", "--clear-groups", "dd", "if=/dev/zero", `of=${data}/big`, "bs=1M", "count=1200"]).then(
      () => "",
      (e: { stderr?: string }) => e.stderr ?? "",
    );
    expect(full).toMatch(/No space left on device/);
    const used = await measureVolume(dataDir, id);
    expect(used.usedBytes).toBeGreaterThan(0.9 * GIB);
    await run("rm", [`${data}/big`]);
  });

  it("hands the data dir to another run-as group as fsGroup does, never following a link out of it", async () => {
    const data = volumeDataPath(dataDir, id);
    await mkdir(`${data}/sub`);
    const outside = `${dataDir}/outside`;
    await writeFile(outside, "not the volume's");
    await symlink(outside, `${data}/sub/link`);
    expect(await ensureVolumeGroup(dataDir, id, 4321)).toBe(true);
    expect(await ensureVolumeGroup(dataDir, id, 4321)).toBe(false);
    for (const p of [data, `${data}/note`, `${data}/sub`]) expect((await lstat(p)).gid).toBe(4321);
    expect((await lstat(`${data}/sub`)).mode & 0o2070).toBe(0o2070);
    expect((await lstat(`${data}/note`)).mode & 0o060).toBe(0o060);
    expect((await lstat(data)).mode & 0o7777).toBe(DATA_DIR_MODE);
    expect((await stat(outside)).gid).toBe(0);
    await run("setpriv", ["--reuid=4321", "--regid=4321", "--clear-groups", "sh", "-c", `echo more >> ${data}/note`]);
  });

  it("does not make an empty data dir over data an interrupted restore set aside", async () => {
    const data = volumeDataPath(dataDir, id);
    const aside = `${volumeMountPoint(dataDir, id)}/.slipway-replaced-r1`;
    await rename(data, aside);
    await expect(mountVolume(dataDir, id)).rejects.toThrow(/data directory is missing \(its filesystem holds \.slipway-replaced-r1\): an interrupted restore/);
    await expect(stat(data)).rejects.toThrow(/ENOENT/);
    await rename(aside, data);
    await mountVolume(dataDir, id);
    expect((await stat(`${data}/note`)).isFile()).toBe(true);
  });

  it("grows offline, keeping its files", async () => {
    await growUnmounted(dataDir, id, 2);
    expect(await mountedDevice(dataDir, id)).toBeNull();
    await mountVolume(dataDir, id);
    expect((await stat(volumeImagePath(dataDir, id))).size).toBe(2 * GIB);
    expect((await measureVolume(dataDir, id)).totalBytes).toBeGreaterThan(1.9 * GIB);
    const { stdout } = await run("cat", [`${volumeDataPath(dataDir, id)}/note`]);
    expect(stdout).toBe("hello\nmore\n");
  });

  it("is removed entirely: unmounted, its loop device detached, image and mount point gone", async () => {
    const device = await mountedDevice(dataDir, id);
    await removeVolumeFiles(dataDir, id);
    await removeVolumeFiles(dataDir, id);
    expect(await mountsOf(volumeMountPoint(dataDir, id))).toBe(0);
    await expect(stat(volumeImagePath(dataDir, id))).rejects.toThrow(/ENOENT/);
    await expect(stat(volumeMountPoint(dataDir, id))).rejects.toThrow(/ENOENT/);
    const { stdout } = await run("losetup", ["-a"]);
    expect(stdout).not.toContain(volumeImagePath(dataDir, id));
    expect(device).toMatch(/loop/);
  });
});
