// Follows Caddy's access log file from a saved position (inode + byte offset of the last whole
// line), like `tail -F`: reads what was appended, and when Caddy rolled the file over (renamed it
// and opened a new one), drains the old one through the descriptor still open, then starts on the
// new one from its first byte. A file, not a socket: Caddy outlives slipwayd and must neither
// block nor fail when no one is reading; the file simply waits for slipwayd to come back.
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";

export interface FollowPosition {
  ino: number;
  offset: number;
}

const CHUNK = 1 << 20;

export class AccessLogFollower {
  private fd: number | null = null;
  private ino = 0;
  private offset = 0;
  /** bytes after the last newline read so far (a line Caddy is still writing) */
  private rest: Buffer = Buffer.alloc(0);

  constructor(
    private readonly file: string,
    start: FollowPosition | null,
  ) {
    if (start) {
      this.ino = start.ino;
      this.offset = start.offset;
    }
  }

  /** Where the lines handed out so far end (save it with what they were counted into). */
  position(): FollowPosition {
    return { ino: this.ino, offset: this.offset - this.rest.length };
  }

  /** Whole lines appended since the last call (at most ~maxBytes of them). */
  read(maxBytes = 16 * CHUNK): string[] {
    if (this.fd === null && !this.open()) return [];
    const lines: string[] = [];
    let budget = maxBytes;
    for (;;) {
      const got = this.drain(lines, budget);
      budget -= got;
      if (budget <= 0) return lines;
      // At the end of what the descriptor shows: has the path moved on to a new file?
      let pathIno: number;
      try {
        pathIno = statSync(this.file).ino;
      } catch {
        return lines;
      }
      if (pathIno === this.ino) {
        // Truncated in place (not by Caddy, which renames): start over.
        if (fstatSync(this.fd!).size < this.offset) {
          this.offset = 0;
          this.rest = Buffer.alloc(0);
          continue;
        }
        return lines;
      }
      closeSync(this.fd!);
      this.fd = null;
      this.ino = pathIno;
      this.offset = 0;
      this.rest = Buffer.alloc(0);
      if (!this.open()) return lines;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(): boolean {
    try {
      this.fd = openSync(this.file, "r");
    } catch {
      // Not there yet: Caddy creates it with its first access-log line.
      return false;
    }
    const st = fstatSync(this.fd);
    if (st.ino !== this.ino || st.size < this.offset) {
      this.ino = st.ino;
      this.offset = 0;
    }
    return true;
  }

  private drain(lines: string[], budget: number): number {
    const buf = Buffer.allocUnsafe(CHUNK);
    let total = 0;
    while (total < budget) {
      const n = readSync(this.fd!, buf, 0, CHUNK, this.offset);
      if (n <= 0) break;
      this.offset += n;
      total += n;
      // Split on bytes: a character cut by the chunk's end stays whole in `rest`.
      const data = this.rest.length ? Buffer.concat([this.rest, buf.subarray(0, n)]) : buf.subarray(0, n);
      const last = data.lastIndexOf(10);
      if (last < 0) {
        this.rest = Buffer.from(data);
        continue;
      }
      for (const p of data.toString("utf8", 0, last).split("\n")) if (p) lines.push(p);
      this.rest = Buffer.from(data.subarray(last + 1));
    }
    return total;
  }
}
