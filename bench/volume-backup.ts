// Volume backup throughput against the plain pipeline it is made of: Slipway's archive path to the
// local backup directory (tar | zstd, the compressed bytes hashed with SHA-256 by Node on the way,
// written under a temporary name, flushed to disk and renamed) vs `tar -cf - . | zstd -T0 -3 > file` of the same directory
// in the same run, same zstd level. Target: Slipway ≥ 0.9× the plain pipeline's throughput.
// Then the restore: Slipway's (prove the archive whole — size, SHA-256, decompress and list —
// then unpack beside the data and swap) vs `zstd -dc file | tar -xf -`.
//
// The data is a realistic mix (generated, not shipped): log-like text, JSON documents (many small
// files), incompressible media-like blobs and database-like pages (random records between runs of
// zeros). Rounds alternate between the two so that drift on the shared machine hits both alike;
// medians are printed. The files are read from the page cache in every round (the directory was
// just written and fits in memory): this measures the archive path, not the disk.
//
//   node --conditions=react-server --import tsx bench/volume-backup.ts [--mib 600] [--rounds 3]
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ARCHIVE_ZSTD_LEVEL } from "../server/daemon/backups/archive-writer";
import { extractArchive, verifyArchive } from "../server/daemon/backups/archive-reader";
import { LocalBackupStore } from "../server/daemon/backups/local-store";
import { prepareStaging, swapIn } from "../server/daemon/backups/volume-swap";
import { fmt, loadNote, median, ratio, table } from "./support/report";

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const TOTAL_MIB = arg("mib", 600);
const ROUNDS = arg("rounds", 3);
const MIB = 1024 * 1024;

/** A fast deterministic PRNG for text (crypto would dominate generation time). */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const WORDS = "request served user session cache miss hit upstream timeout retry order invoice payment shipped queued worker started finished error warning info debug checkout cart product".split(" ");

function logChunk(rand: () => number, bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  let t = Date.UTC(2026, 10, 1);
  while (size < bytes) {
    t += Math.floor(rand() * 2000);
    const words = Array.from({ length: 4 + Math.floor(rand() * 8) }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(" ");
    const line = `${new Date(t).toISOString()} ${["INFO", "WARN", "DEBUG", "ERROR"][Math.floor(rand() * 4)]} pid=${1000 + Math.floor(rand() * 50)} req=${Math.floor(rand() * 1e9).toString(16)} ${words} took=${Math.floor(rand() * 900)}ms\n`;
    lines.push(line);
    size += line.length;
  }
  return lines.join("");
}

function writeBig(file: string, mib: number, chunk: (i: number) => Buffer | string): void {
  const fd = openSync(file, "w");
  try {
    for (let i = 0; i < mib; i++) {
      const c = chunk(i);
      if (typeof c === "string") writeSync(fd, c);
      else writeSync(fd, c);
    }
  } finally {
    closeSync(fd);
  }
}

/** ~TOTAL_MIB of data: 35% logs, 30% media-like blobs, 25% database-like pages, 10% small JSON files. */
function fill(dir: string): { files: number; bytes: number } {
  const rand = prng(42);
  let files = 0;
  const logs = Math.round(TOTAL_MIB * 0.35);
  const media = Math.round(TOTAL_MIB * 0.3);
  const pages = Math.round(TOTAL_MIB * 0.25);
  const json = TOTAL_MIB - logs - media - pages;
  mkdirSync(path.join(dir, "logs"));
  for (let f = 0, left = logs; left > 0; f++, files++) {
    const mib = Math.min(32, left);
    writeBig(path.join(dir, "logs", `app-${f}.log`), mib, () => logChunk(rand, MIB));
    left -= mib;
  }
  mkdirSync(path.join(dir, "uploads"));
  for (let f = 0, left = media; left > 0; f++, files++) {
    const mib = Math.min(25, left);
    writeBig(path.join(dir, "uploads", `photo-${f}.jpg`), mib, () => randomBytes(MIB));
    left -= mib;
  }
  mkdirSync(path.join(dir, "db"));
  for (let f = 0, left = pages; left > 0; f++, files++) {
    const mib = Math.min(64, left);
    // 8 KiB pages: a few KiB of records, the rest zeros (free space in the page).
    writeBig(path.join(dir, "db", `table-${f}.ibd`), mib, () => {
      const b = Buffer.alloc(MIB);
      for (let p = 0; p < MIB; p += 8192) randomBytes(2048 + Math.floor(rand() * 3072)).copy(b, p);
      return b;
    });
    left -= mib;
  }
  const docs = path.join(dir, "documents");
  let jsonBytes = 0;
  for (let d = 0; jsonBytes < json * MIB; d++) {
    const sub = path.join(docs, String(d % 64));
    if (d < 64) mkdirSync(sub, { recursive: true });
    const doc = JSON.stringify({ id: d, owner: `user-${Math.floor(rand() * 1e6)}`, tags: WORDS.slice(0, 1 + (d % 9)), items: Array.from({ length: 20 + (d % 60) }, (_, i) => ({ sku: `SKU-${(d * 31 + i) % 99991}`, qty: 1 + (i % 5), note: logChunk(rand, 40).trim() })) }, null, 2);
    writeFileSync(path.join(sub, `doc-${d}.json`), doc);
    jsonBytes += doc.length;
    files += 1;
  }
  const bytes = Number(execFileSync("du", ["-sb", dir], { encoding: "utf8" }).split("\t")[0]);
  return { files, bytes };
}

function peakRssMiB(): number {
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? NaN) / 1024;
}

function resetPeakRss(): void {
  // "5" resets VmHWM to the current RSS (Linux ≥ 4.0): the peak of what follows, not of the fill.
  writeFileSync("/proc/self/clear_refs", "5");
}

function sh(script: string, cwd: string): void {
  const r = spawnSync("sh", ["-c", script], { cwd, stdio: ["ignore", "ignore", "pipe"] });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr.toString()}`);
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), "slipway-bench-backup-"));
  try {
    const volume = path.join(root, "volume");
    const data = path.join(volume, "data");
    mkdirSync(data, { recursive: true });
    const t0 = Date.now();
    const { files, bytes } = fill(data);
    console.log(`data: ${files} files, ${fmt(bytes / MIB, 0)} MiB (logs, media-like blobs, database-like pages, JSON documents), made in ${fmt((Date.now() - t0) / 1000, 1)} s`);
    const loadBefore = loadNote();
    const store = new LocalBackupStore(path.join(root, "backups"));
    const baselineFile = path.join(root, "baseline.tar.zst");
    // One untimed pass of each: the page cache holds the files for every timed round.
    sh(`tar -cf - . | zstd -q -T0 -${ARCHIVE_ZSTD_LEVEL} > ${baselineFile}`, data);

    const slipwayMs: number[] = [];
    const plainMs: number[] = [];
    let archive = { key: "", sha256: "", sizeBytes: 0, dataBytes: 0 };
    let backupPeak = 0;
    for (let round = 0; round <= ROUNDS; round++) {
      let t = performance.now();
      sh(`tar -cf - . | zstd -q -T0 -${ARCHIVE_ZSTD_LEVEL} > ${baselineFile}`, data);
      if (round > 0) plainMs.push(performance.now() - t);
      resetPeakRss();
      t = performance.now();
      const key = `team/volume/backup-${round}.tar.zst`;
      const result = await store.putArchive(key, { dir: data, onProgress: () => undefined });
      if (round > 0) slipwayMs.push(performance.now() - t);
      backupPeak = Math.max(backupPeak, peakRssMiB());
      if (archive.key) await store.delete(archive.key);
      archive = { key, ...result };
    }
    const plainSize = statSync(baselineFile).size;

    const restoreMs: number[] = [];
    const plainRestoreMs: number[] = [];
    const verifyMs: number[] = [];
    let restorePeak = 0;
    const file = await store.fetchToFile(archive.key);
    for (let round = 0; round < ROUNDS; round++) {
      const plainDest = path.join(root, `plain-restore-${round}`);
      mkdirSync(plainDest);
      let t = performance.now();
      sh(`zstd -q -dc ${file} | tar -xf - -C ${plainDest}`, root);
      plainRestoreMs.push(performance.now() - t);
      rmSync(plainDest, { recursive: true, force: true });
      resetPeakRss();
      t = performance.now();
      await verifyArchive({ file, sha256: archive.sha256, sizeBytes: archive.sizeBytes });
      const verified = performance.now();
      const staging = await prepareStaging(volume, `bench${round}`);
      await extractArchive({ file, dest: staging, onProgress: () => undefined });
      await swapIn({ staging, dataDir: data, restoreId: `bench${round}` });
      restoreMs.push(performance.now() - t);
      verifyMs.push(verified - t);
      restorePeak = Math.max(restorePeak, peakRssMiB());
    }

    const mibps = (ms: number) => fmt(bytes / MIB / (ms / 1000), 0);
    const s = median(slipwayMs);
    const p = median(plainMs);
    const r = median(restoreMs);
    const pr = median(plainRestoreMs);
    console.log(`\n== volume backup: Slipway's archive path vs tar | zstd -T0 -${ARCHIVE_ZSTD_LEVEL} of the same directory (median of ${ROUNDS} rounds) ==`);
    console.log(
      table(
        ["case", "seconds", "MiB/s (data)", "archive MiB", "throughput vs plain"],
        [
          ["plain: tar -cf - . | zstd -T0 -3 > file", fmt(p / 1000), mibps(p), fmt(plainSize / MIB, 1), "1.00x"],
          ["Slipway backup (tar | zstd, SHA-256, local target)", fmt(s / 1000), mibps(s), fmt(archive.sizeBytes / MIB, 1), ratio(p, s)],
          ["plain restore: zstd -dc | tar -x", fmt(pr / 1000), mibps(pr), "", "1.00x"],
          [`Slipway restore (verify ${fmt(median(verifyMs) / 1000)} s + unpack + swap)`, fmt(r / 1000), mibps(r), "", ratio(pr, r)],
        ],
      ),
    );
    console.log(`\nbackup throughput: ${ratio(p, s)} of the plain pipeline (target ≥ 0.9x); compression ${fmt(bytes / archive.sizeBytes)}:1; restore ${fmt(r / 1000)} s (${ratio(pr, r)} of the plain unpack, which checks nothing first)`);
    console.log(`rounds, backup s: Slipway ${slipwayMs.map((m) => fmt(m / 1000)).join(" ")} / plain ${plainMs.map((m) => fmt(m / 1000)).join(" ")}`);
    console.log(`Node peak RSS (VmHWM) during a backup: ${fmt(backupPeak, 1)} MiB; during a restore: ${fmt(restorePeak, 1)} MiB (tar and zstd are separate processes, the same in both columns)`);
    console.log(`machine: ${loadBefore} before, ${loadNote()} after; other work on the machine shows up in every row`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
