// A volume's archive: `tar` of its data directory compressed by `zstd`, streamed (no temporary
// copy), with the SHA-256 and the size of the compressed bytes computed as they flow to the store.
// The system programs do the heavy work in parallel (zstd -T0 uses every core).
//
// Two ways out, same archive:
//   - into a file (the local backup directory): zstd writes the file itself, and Node hashes what
//     it has written by reading behind it (from the page cache). zstd never waits for Node: through
//     a 64 KiB pipe it stalled whenever Node was busy hashing (0.8x of the plain pipeline on two
//     cores; bench/volume-backup.ts).
//   - as a stream (an S3 upload, bound by the network anyway): Node hashes and counts the bytes
//     as they pass.
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { bytesRead, describeEnd, pipeChain, type Ended, type Program } from "./process-pipe";

/** zstd's default level: the speed/size balance `zstd` itself picks. */
export const ARCHIVE_ZSTD_LEVEL = 3;

/**
 * Buffers of a few MiB between zstd and a stream consumer: with Node's 16 KiB default, every
 * 64 KiB read from the pipe would pause zstd until the consumer caught up.
 */
export const ARCHIVE_BUFFER_BYTES = 8 * 1024 * 1024;

export interface ArchiveResult {
  sha256: string;
  /** bytes of the compressed archive */
  sizeBytes: number;
  /** bytes of the uncompressed tar stream (file contents plus tar's headers) */
  dataBytes: number;
  /** tar's words when a file changed or vanished while it was read (a live app's backup) */
  warnings: string;
}

export interface WriteArchiveOptions {
  /** the directory whose content is archived (its own mode and owner included, as ".") */
  dir: string;
  level?: number;
  /** file bytes read so far, at most every progressMs */
  onProgress?: (bytesDone: number) => void;
  progressMs?: number;
  signal?: AbortSignal;
}

function tarProgram(dir: string): Program {
  // Numeric owners: the uids are the containers', which this host's user names do not know.
  // A live app may change or delete files while they are read: tar says so and carries on.
  // 1 MiB records (-b 2048) instead of tar's 10 KiB: a hundred times fewer writes into the pipe,
  // 10-15 % of the pipeline's time on two cores. Any tar reads them back (the record size only pads
  // the end); archive-reader.ts reads whole records so that zstd is read to its end.
  return { cmd: "tar", args: ["-b", "2048", "--totals", "--numeric-owner", "--ignore-failed-read", "--warning=no-file-changed", "--warning=no-file-removed", "-C", dir, "-cf", "-", "."] };
}

const zstdProgram = (level: number): Program => ({ cmd: "zstd", args: ["-q", "-T0", `-${level}`, "-c"] });

function progressTimer(opts: WriteArchiveOptions, tarPid: number | undefined): NodeJS.Timeout | undefined {
  if (!opts.onProgress) return undefined;
  return setInterval(() => {
    const n = bytesRead(tarPid);
    if (n > 0) opts.onProgress!(n);
  }, opts.progressMs ?? 500);
}

/** tar's and zstd's ends: exit 1 from tar means some file changed while it was read (kept, with tar's words). */
function checkArchivers(tar: Ended, zstd: Ended): { dataBytes: number; warnings: string } {
  if (tar.code !== 0 && tar.code !== 1) throw new Error(`archiving failed: ${describeEnd("tar", tar)}`);
  if (zstd.code !== 0) throw new Error(`compression failed: ${describeEnd("zstd", zstd)}`);
  const totals = /Total bytes written: (\d+)/.exec(tar.stderr);
  const warnings = tar.stderr
    .split("\n")
    .filter((l) => l && !l.startsWith("Total bytes written"))
    .join("\n");
  return { dataBytes: Number(totals?.[1] ?? 0), warnings };
}

/** How often the file is flushed to disk while it is written, so that the last flush has little left. */
const SYNC_EVERY_MS = 1000;
const READ_BYTES = 4 * 1024 * 1024;

/**
 * Archives `dir` into `file` (created, mode 0600), SHA-256 computed as it is written, and has it
 * on disk before returning: a backup reported SUCCEEDED must survive a power cut that follows.
 */
export async function writeArchiveToFile(opts: WriteArchiveOptions & { file: string }): Promise<ArchiveResult> {
  const handle = await open(opts.file, "w+", 0o600);
  let syncing: Promise<void> | null = null;
  const syncTimer = setInterval(() => {
    syncing ??= handle.datasync().finally(() => (syncing = null));
  }, SYNC_EVERY_MS);
  let timer: NodeJS.Timeout | undefined;
  try {
    const chain = pipeChain([tarProgram(opts.dir), zstdProgram(opts.level ?? ARCHIVE_ZSTD_LEVEL)], { stdout: handle.fd, signal: opts.signal });
    timer = progressTimer(opts, chain.children[0]!.pid);
    let exited = false;
    const ended = chain.ended.finally(() => (exited = true));
    ended.catch(() => undefined);
    const hash = createHash("sha256");
    const buf = Buffer.allocUnsafe(READ_BYTES);
    let size = 0;
    for (;;) {
      // Read "exited" before reading the file: once zstd has exited, everything it wrote is there.
      const done = exited;
      const { bytesRead } = await handle.read(buf, 0, buf.length, size);
      if (bytesRead > 0) {
        hash.update(buf.subarray(0, bytesRead));
        size += bytesRead;
      } else if (done) break;
      else await new Promise((r) => setTimeout(r, 5));
    }
    const [tar, zstd] = await ended;
    const { dataBytes, warnings } = checkArchivers(tar!, zstd!);
    clearInterval(syncTimer);
    await syncing;
    await handle.datasync();
    return { sha256: hash.digest("hex"), sizeBytes: size, dataBytes, warnings };
  } finally {
    clearInterval(syncTimer);
    if (timer) clearInterval(timer);
    await (syncing as Promise<void> | null)?.catch(() => undefined);
    await handle.close();
  }
}

export interface ArchiveStream {
  /** the compressed archive: give it to a store */
  stream: Readable;
  /** settles once both programs have ended and the stream has been read to its end */
  done: Promise<ArchiveResult>;
}

class HashCount extends Transform {
  readonly hash = createHash("sha256");
  bytes = 0;
  constructor() {
    super({ highWaterMark: ARCHIVE_BUFFER_BYTES });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

/** Archives `dir` as a stream for an uploader; Node hashes and counts what flows through. */
export function writeArchive(opts: WriteArchiveOptions): ArchiveStream {
  const chain = pipeChain([tarProgram(opts.dir), zstdProgram(opts.level ?? ARCHIVE_ZSTD_LEVEL)], { signal: opts.signal });
  const hashing = new HashCount();
  const stream = chain.out!.pipe(hashing);
  chain.out!.on("error", (e) => hashing.destroy(e));
  const timer = progressTimer(opts, chain.children[0]!.pid);
  const streamEnded = new Promise<void>((resolve, reject) => {
    hashing.once("end", resolve);
    hashing.once("error", reject);
    hashing.once("close", () => (hashing.readableEnded ? resolve() : reject(new Error("the archive stream was closed before its end"))));
  });
  const done = (async () => {
    try {
      const [tar, zstd] = await chain.ended;
      const { dataBytes, warnings } = checkArchivers(tar!, zstd!);
      await streamEnded;
      return { sha256: hashing.hash.digest("hex"), sizeBytes: hashing.bytes, dataBytes, warnings };
    } finally {
      if (timer) clearInterval(timer);
    }
  })();
  // The store reads `stream`; when it fails, `done` still settles (the programs are ended by the
  // caller's abort signal), so a caller awaiting both does not hang.
  done.catch(() => undefined);
  return { stream, done };
}
