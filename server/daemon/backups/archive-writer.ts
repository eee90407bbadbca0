// A volume's archive: `tar` of its data directory compressed by `zstd`, streamed (no temporary
// copy), with the SHA-256 and the size of the compressed bytes computed as they flow to the store.
// The system programs do the heavy work in parallel (zstd -T0 uses every core).
//
// Node reads only the compressed bytes, hashes and counts them, and hands them on to the store
// (a file or an S3 upload).
import { createHash } from "node:crypto";
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
