// Reading an archive back: first proved whole (SHA-256 and size as recorded at backup, then
// decompressed and listed to its end, which checks zstd's own frame checksum and tar's structure),
// and only then unpacked. A corrupt or truncated archive is refused before anything is written.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { bytesRead, describeEnd, pipePrograms } from "./process-pipe";

/**
 * tar reads whole 1 MiB records (as archive-writer.ts writes them; smaller ones too), so it reads
 * the archive to its very end: stopping at the end-of-archive marker would leave the record's
 * padding unread and end zstd with SIGPIPE.
 */
const TAR_READ = ["-b", "2048", "-B"];

export class CorruptArchive extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CorruptArchive";
  }
}

export async function sha256OfFile(file: string, signal?: AbortSignal): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, signal })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

export interface VerifyArchiveOptions {
  file: string;
  sha256: string;
  sizeBytes: number | null;
  signal?: AbortSignal;
}

/** Throws CorruptArchive saying what is wrong. */
export async function verifyArchive(opts: VerifyArchiveOptions): Promise<void> {
  const size = (await stat(opts.file)).size;
  if (opts.sizeBytes !== null && size !== opts.sizeBytes) {
    throw new CorruptArchive(`the archive is ${size} bytes, but ${opts.sizeBytes} were written at backup: it is truncated or was changed`);
  }
  // The checksum and the decompress-and-list read the file side by side (from the page cache after
  // the first): twice the work, not twice the time.
  const [got, listed] = await Promise.all([sha256OfFile(opts.file, opts.signal), listArchive(opts.file, opts.signal)]);
  if (got.sha256 !== opts.sha256) {
    throw new CorruptArchive(`the archive's SHA-256 is ${got.sha256}, but ${opts.sha256} was recorded at backup: it is corrupt or was changed`);
  }
  if (listed) throw new CorruptArchive(listed);
}

/** Decompresses and lists the archive to its end: null when whole, else what is wrong. */
async function listArchive(file: string, signal?: AbortSignal): Promise<string | null> {
  const fd = await open(file, "r");
  try {
    const pipe = pipePrograms({ cmd: "zstd", args: ["-q", "-dc"] }, { cmd: "tar", args: [...TAR_READ, "-tf", "-"] }, { stdin: fd.fd, stdout: "ignore", signal });
    const [zstd, tar] = await pipe.ended;
    if (zstd.code !== 0) return `the archive does not decompress: ${describeEnd("zstd", zstd)}`;
    if (tar.code !== 0) return `the archive's content is not a whole tar archive: ${describeEnd("tar", tar)}`;
    return null;
  } finally {
    await fd.close();
  }
}

export interface ExtractArchiveOptions {
  file: string;
  /** an empty directory: receives the archive's "." (its mode and owner too) and everything in it */
  dest: string;
  /** archive bytes unpacked so far (uncompressed), at most every progressMs */
  onProgress?: (bytesDone: number) => void;
  progressMs?: number;
  signal?: AbortSignal;
}

export async function extractArchive(opts: ExtractArchiveOptions): Promise<void> {
  const fd = await open(opts.file, "r");
  let timer: NodeJS.Timeout | undefined;
  try {
    const pipe = pipePrograms(
      { cmd: "zstd", args: ["-q", "-dc"] },
      // As root, tar keeps owners and modes by default; numeric owners as at backup.
      { cmd: "tar", args: [...TAR_READ, "--numeric-owner", "--same-permissions", "-C", opts.dest, "-xf", "-"] },
      { stdin: fd.fd, stdout: "ignore", signal: opts.signal },
    );
    if (opts.onProgress) {
      timer = setInterval(() => {
        const n = bytesRead(pipe.second.pid);
        if (n > 0) opts.onProgress!(n);
      }, opts.progressMs ?? 500);
    }
    const [zstd, tar] = await pipe.ended;
    if (zstd.code !== 0) throw new Error(`decompressing the archive failed: ${describeEnd("zstd", zstd)}`);
    if (tar.code !== 0) throw new Error(`unpacking the archive failed: ${describeEnd("tar", tar)}`);
  } finally {
    if (timer) clearInterval(timer);
    await fd.close();
  }
}
