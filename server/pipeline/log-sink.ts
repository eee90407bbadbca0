// Build log lines are written in batches: a chatty build emits thousands of lines and one insert
// per line would make the database the bottleneck.
import type { Db } from "../db";

const MAX_LINE = 4000;
const CREDENTIALS_IN_URL = /([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;

/** Userinfo in URLs (https://user:token@host) never reaches the log. */
export function redactLine(line: string): string {
  return line.replace(CREDENTIALS_IN_URL, "$1***@");
}

interface Pending {
  buildId: string;
  step: string;
  stream: string;
  line: string;
  createdAt: Date;
}

export class BuildLogSink {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly buildId: string,
    private readonly opts: {
      maxBatch?: number;
      intervalMs?: number;
      onError?: (e: unknown) => void;
      /** lines of build output kept; after that one "log truncated" line, then nothing more */
      maxLines?: number;
    } = {},
  ) {}

  private lines = 0;
  private truncated = false;

  /**
   * `always` is for Slipway's own few status lines (the build's error, the release it made): they
   * are kept even after a chatty build filled the log, so the end of the story is never lost.
   */
  write(step: string, line: string, stream: "stdout" | "stderr" = "stdout", always = false): void {
    if (!always && this.opts.maxLines !== undefined) {
      if (this.truncated) return;
      if (this.lines >= this.opts.maxLines) {
        this.truncated = true;
        this.push(step, `log truncated: only the first ${this.opts.maxLines} lines of output are kept`, "stderr");
        return;
      }
      this.lines++;
    }
    this.push(step, line, stream);
  }

  private push(step: string, line: string, stream: string): void {
    const clean = redactLine(line).slice(0, MAX_LINE);
    this.pending.push({ buildId: this.buildId, step, stream, line: clean, createdAt: new Date() });
    if (this.pending.length >= (this.opts.maxBatch ?? 100)) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.opts.intervalMs ?? 250);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    // Chained so lines keep their order (ids are autoincrement).
    this.flushing = this.flushing.then(async () => {
      if (batch.length) await this.db.buildLogLine.createMany({ data: batch });
    }).catch((e: unknown) => {
      // A lost log batch must not fail the build; the caller's logger hears about it.
      this.opts.onError?.(e);
    });
    return this.flushing;
  }
}
