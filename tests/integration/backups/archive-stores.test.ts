// The archive code path on real files with the real programs (tar, zstd) and real stores: the
// local backup directory and an S3-compatible server (moto) on loopback. A round trip gives back
// the same bytes, modes and links; a flipped byte or a truncation is refused before anything is
// unpacked; an interrupted swap is recovered.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CorruptArchive, extractArchive, sha256OfFile, verifyArchive } from "@/server/daemon/backups/archive-reader";
import { LocalBackupStore } from "@/server/daemon/backups/local-store";
import { S3BackupStore } from "@/server/daemon/backups/s3-store";
import { prepareStaging, recoverInterruptedSwap, swapIn } from "@/server/daemon/backups/volume-swap";
import { startS3Server, type S3Server } from "../../support/s3-server";
import { treeOf } from "../../support/file-tree";

const root = mkdtempSync(path.join(os.tmpdir(), "slipway-archive-test-"));

function fillDir(dir: string): void {
  mkdirSync(path.join(dir, "nested/deeper"), { recursive: true });
  mkdirSync(path.join(dir, "empty"));
  writeFileSync(path.join(dir, "notes.txt"), "hello volume\n".repeat(5000));
  writeFileSync(path.join(dir, "nested/random.bin"), randomBytes(3 * 1024 * 1024));
  writeFileSync(path.join(dir, "nested/deeper/db.json"), JSON.stringify({ entries: Array.from({ length: 2000 }, (_, i) => ({ i, v: `entry ${i}` })) }));
  writeFileSync(path.join(dir, "private.key"), "secret\n");
  chmodSync(path.join(dir, "private.key"), 0o600);
  execFileSync("chown", ["1234:2345", path.join(dir, "nested/random.bin")]);
  symlinkSync("nested/deeper/db.json", path.join(dir, "latest"));
}

async function archiveTo(store: LocalBackupStore | S3BackupStore, dir: string, key: string) {
  let progress = 0;
  const result = await store.putArchive(key, { dir, progressMs: 5, onProgress: (n) => (progress = Math.max(progress, n)) });
  expect(progress).toBeLessThanOrEqual(result.dataBytes * 2);
  return result;
}

let s3: S3Server;

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket("slipway-archives");
});

afterAll(async () => {
  await s3?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("archives in the local backup directory", () => {
  const store = new LocalBackupStore(path.join(root, "backups"));
  const source = path.join(root, "source");
  const key = "teamaaaa/volbbbb/backupcccc.tar.zst";
  let result: Awaited<ReturnType<typeof archiveTo>>;

  beforeAll(async () => {
    mkdirSync(source);
    chmodSync(source, 0o2775);
    fillDir(source);
    result = await archiveTo(store, source, key);
  });

  it("records the SHA-256 and size of exactly the bytes stored, and the tar size", async () => {
    const file = await store.fetchToFile(key);
    const onDisk = await sha256OfFile(file);
    expect(result.sha256).toBe(onDisk.sha256);
    expect(result.sizeBytes).toBe(onDisk.bytes);
    expect(result.dataBytes).toBeGreaterThan(3 * 1024 * 1024);
    // Compressible text shrinks: the archive is smaller than its files.
    expect(result.sizeBytes).toBeLessThan(result.dataBytes);
    // No temporary file is left beside it, and only root reads it.
    expect(readdirSync(path.dirname(file))).toEqual(["backupcccc.tar.zst"]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("unpacks to the same files, modes, owners and links", async () => {
    const file = await store.fetchToFile(key);
    await verifyArchive({ file, sha256: result.sha256, sizeBytes: result.sizeBytes });
    const dest = path.join(root, "dest");
    mkdirSync(dest);
    let progress = 0;
    await extractArchive({ file, dest, progressMs: 10, onProgress: (n) => (progress = n) });
    expect(treeOf(dest)).toEqual(treeOf(source));
    expect(statSync(dest).mode & 0o7777).toBe(0o2775);
    expect(progress).toBeGreaterThanOrEqual(0);
  });

  it("refuses an archive with one byte flipped, before unpacking anything", async () => {
    const file = await store.fetchToFile(key);
    const copy = path.join(root, "flipped.tar.zst");
    const bytes = readFileSync(file);
    const mid = Math.floor(bytes.length / 2);
    bytes[mid] = bytes[mid]! ^ 0x01;
    writeFileSync(copy, bytes);
    const err = await verifyArchive({ file: copy, sha256: result.sha256, sizeBytes: result.sizeBytes }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptArchive);
    expect(String(err)).toMatch(/SHA-256 is [0-9a-f]{64}, but [0-9a-f]{64} was recorded/);
  });

  it("refuses a truncated archive, by size and (size unknown) by zstd itself", async () => {
    const file = await store.fetchToFile(key);
    const copy = path.join(root, "truncated.tar.zst");
    writeFileSync(copy, readFileSync(file));
    truncateSync(copy, Math.floor(result.sizeBytes * 0.7));
    const bySize = await verifyArchive({ file: copy, sha256: result.sha256, sizeBytes: result.sizeBytes }).catch((e: unknown) => e);
    expect(String(bySize)).toMatch(/truncated/);
    const { sha256 } = await sha256OfFile(copy);
    const byZstd = await verifyArchive({ file: copy, sha256, sizeBytes: null }).catch((e: unknown) => e);
    expect(byZstd).toBeInstanceOf(CorruptArchive);
    expect(String(byZstd)).toMatch(/does not decompress/);
  });

  it("fails whole: a directory that cannot be read leaves no archive and no partial file", async () => {
    await expect(store.putArchive("teamaaaa/volmissing/backupffff.tar.zst", { dir: path.join(root, "no-such-dir") })).rejects.toThrow(/archiving failed: tar exited with 2/);
    expect(readdirSync(path.join(root, "backups/teamaaaa/volmissing"))).toEqual([]);
  });

  it("deletes an archive and the directories it leaves empty", async () => {
    const other = await archiveTo(store, source, "teamaaaa/volother/backupdddd.tar.zst");
    expect(other.sha256).toMatch(/^[0-9a-f]{64}$/);
    await store.delete("teamaaaa/volother/backupdddd.tar.zst");
    expect(existsSync(path.join(root, "backups/teamaaaa/volother"))).toBe(false);
    expect(existsSync(path.join(root, "backups/teamaaaa/volbbbb/backupcccc.tar.zst"))).toBe(true);
    await expect(store.fetchToFile("teamaaaa/volother/backupdddd.tar.zst")).rejects.toThrow(/not in the local backup directory/);
  });
});

describe("archives on an S3-compatible server", () => {
  it("uploads in parts, downloads the same bytes and deletes", async () => {
    const store = new S3BackupStore({ name: "moto", endpoint: s3.endpoint, region: s3.region, bucket: "slipway-archives", prefix: "slipway/", accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: true });
    const source = path.join(root, "s3-source");
    mkdirSync(source);
    fillDir(source);
    // Larger than one 16 MiB part, incompressible: a real multipart upload.
    writeFileSync(path.join(source, "big.bin"), randomBytes(40 * 1024 * 1024));
    const key = "teamaaaa/volcccc/backupeeee.tar.zst";
    const result = await archiveTo(store, source, key);
    expect(result.sizeBytes).toBeGreaterThan(32 * 1024 * 1024);
    const file = await store.fetchToFile(key, path.join(root, "download.tar.zst"));
    await verifyArchive({ file, sha256: result.sha256, sizeBytes: result.sizeBytes });
    const dest = path.join(root, "s3-dest");
    mkdirSync(dest);
    await extractArchive({ file, dest });
    expect(treeOf(dest)).toEqual(treeOf(source));
    await store.delete(key);
    await expect(store.fetchToFile(key, path.join(root, "gone.tar.zst"))).rejects.toThrow();
  });
});

describe("swapping restored data in", () => {
  it("replaces data/ whole and keeps its owner and mode", async () => {
    const mount = path.join(root, "vol-swap");
    const data = path.join(mount, "data");
    mkdirSync(data, { recursive: true });
    chmodSync(data, 0o2775);
    writeFileSync(path.join(data, "old.txt"), "old");
    const staging = await prepareStaging(mount, "restoreaaaa");
    writeFileSync(path.join(staging, "new.txt"), "new");
    await swapIn({ staging, dataDir: data, restoreId: "restoreaaaa" });
    expect(readdirSync(data)).toEqual(["new.txt"]);
    expect(statSync(data).mode & 0o7777).toBe(0o2775);
    expect(readdirSync(mount)).toEqual(["data"]);
  });

  it("puts the old data back when a crash struck between the two renames", async () => {
    const mount = path.join(root, "vol-crash");
    const data = path.join(mount, "data");
    mkdirSync(data, { recursive: true });
    writeFileSync(path.join(data, "old.txt"), "old");
    const staging = await prepareStaging(mount, "restorebbbb");
    writeFileSync(path.join(staging, "half.txt"), "half");
    // As if slipwayd died right after setting the old data aside.
    renameSync(data, path.join(mount, ".slipway-replaced-restorebbbb"));
    const steps = await recoverInterruptedSwap(mount, data);
    expect(steps.length).toBe(2);
    expect(readdirSync(data)).toEqual(["old.txt"]);
    expect(readdirSync(mount)).toEqual(["data"]);
  });
});
