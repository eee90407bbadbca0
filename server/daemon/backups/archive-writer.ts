// A volume's archive: `tar` of its data directory compressed by `zstd`, streamed (no temporary
// copy), with the SHA-256 and the size of the compressed bytes computed as they flow to the store.
// The system programs do the heavy work in parallel (zstd -T0 uses every core); Node only hashes
// the compressed stream, which is a fraction of the data.
import { createHash } from "node:crypto";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { bytesRead, describeEnd, pipePrograms } from "./process-pipe";

/** zstd's default level: the speed/size balance `zstd` itself picks. */
export const ARCHIVE_ZSTD_LEVEL = 3;

export interface ArchiveResult {
  sha256: string;
  /** bytes of the compressed archive */
  sizeBytes: number;
  /** bytes of the uncompressed tar stream (file contents plus tar's headers) */
  dataBytes: number;
  /** tar's words when a file changed or vanished while it was read (a live app's backup) */
  warnings: string;
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
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
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

export function writeArchive(opts: WriteArchiveOptions): ArchiveStream {
  const pipe = pipePrograms(
    {
      cmd: "tar",
      // Numeric owners: the uids are the containers', which this host's user names do not know.
      // A live app may change or delete files while they are read: tar says so and carries on.
      args: ["--totals", "--numeric-owner", "--ignore-failed-read", "--warning=no-file-changed", "--warning=no-file-removed", "-C", opts.dir, "-cf", "-", "."],
    },
    { cmd: "zstd", args: ["-q", "-T0", `-${opts.level ?? ARCHIVE_ZSTD_LEVEL}`, "-c"] },
    { signal: opts.signal },
  );
  const hashing = new HashCount();
  const stream = pipe.out!.pipe(hashing);
  pipe.out!.on("error", (e) => hashing.destroy(e));
  const timer = opts.onProgress
    ? setInterval(() => {
        const n = bytesRead(pipe.first.pid);
        if (n > 0) opts.onProgress!(n);
      }, opts.progressMs ?? 500)
    : undefined;
  const streamEnded = new Promise<void>((resolve, reject) => {
    hashing.once("end", resolve);
    hashing.once("error", reject);
    hashing.once("close", () => (hashing.readableEnded ? resolve() : reject(new Error("the archive stream was closed before its end"))));
  });
  const done = (async () => {
    try {
      const [tar, zstd] = await pipe.ended;
      // 1: some file changed while it was read (kept, with tar's words); 2: a fatal error.
      if (tar.code !== 0 && tar.code !== 1) throw new Error(`archiving failed: ${describeEnd("tar", tar)}`);
      if (zstd.code !== 0) throw new Error(`compression failed: ${describeEnd("zstd", zstd)}`);
      await streamEnded;
      const totals = /Total bytes written: (\d+)/.exec(tar.stderr);
      const warnings = tar.stderr
        .split("\n")
        .filter((l) => l && !l.startsWith("Total bytes written"))
        .join("\n");
      return { sha256: hashing.hash.digest("hex"), sizeBytes: hashing.bytes, dataBytes: Number(totals?.[1] ?? 0), warnings };
    } finally {
      if (timer) clearInterval(timer);
    }
  })();
  // The store reads `stream`; when it fails, `done` still settles (the programs are ended by the
  // caller's abort signal), so a caller awaiting both does not hang.
  done.catch(() => undefined);
  return { stream, done };
}
