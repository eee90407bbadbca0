// Follows one container's log file into the store: reads from the saved cursor in bounded chunks,
// appends each chunk's lines together with the cursor after them (one transaction: a kill -9 at
// any point resumes at exactly the next record), publishes them to the live bus, and goes on. It
// is woken by fs.watch and, should an event be missed, by a slow poll. The file stays open while
// followed, so lines written just before the engine deletes it can still be read.
import { open, type FileHandle } from "node:fs/promises";
import { watch, type FSWatcher } from "node:fs";
import type { Logger } from "../logger";
import type { LogBus } from "./log-bus";
import type { LogLineInput, LogStore, LogStreamName } from "./log-store-types";
import { initialPosition, parsePosition, parseRecords, TimestampParser, type FilePosition } from "./container-log-file";

export interface FollowedContainer {
  /** "podman:<container id>" */
  source: string;
  path: string;
  teamId: string;
  appId: string;
  releaseId: string | null;
  replica: string;
}

export interface FollowerOptions {
  store: LogStore;
  bus: LogBus;
  log: Logger;
  /** bytes read (and lines appended) at a time: bounds memory and the store's transaction */
  chunkBytes: number;
  pollMs: number;
}

/** A record longer than the chunk (never from conmon, which cuts at 8 KiB) grows it up to this. */
const MAX_CHUNK_BYTES = 16 * 1024 * 1024;

export class FileFollower {
  private fh: FileHandle | null = null;
  private position: FilePosition = initialPosition(0, 0);
  private buf: Buffer;
  private readonly times = new TimestampParser();
  private watcher: FSWatcher | null = null;
  private poll: NodeJS.Timeout | null = null;
  /** reads run one after another; at most one more is queued behind the running one */
  private chain: Promise<void> = Promise.resolve();
  private queued = false;
  private closed = false;
  private readonly make: (stream: LogStreamName, time: number, line: string) => LogLineInput;

  constructor(
    readonly container: FollowedContainer,
    private readonly opts: FollowerOptions,
  ) {
    this.buf = Buffer.allocUnsafe(opts.chunkBytes);
    const { teamId, appId, releaseId, replica } = container;
    this.make = (stream, time, line) => ({ teamId, appId, releaseId, replica, stream, time, line });
  }

  /** Opens the file and resumes from the store's cursor; false when the file cannot be read. */
  async start(): Promise<boolean> {
    const { store, log } = this.opts;
    const c = this.container;
    try {
      this.fh = await open(c.path, "r");
    } catch (e) {
      log.warn({ source: c.source, path: c.path, err: e instanceof Error ? e.message : String(e) }, "container log file not readable; its lines are not collected");
      return false;
    }
    // A Docker engine's json-file log (one JSON object per line) is not this format.
    const head = Buffer.alloc(1);
    if ((await this.fh.read(head, 0, 1, 0)).bytesRead === 1 && head[0] === 0x7b /* { */) {
      log.warn({ source: c.source, path: c.path }, "container log file is Docker's json-file, not k8s-file; its lines are not collected");
      await this.fh.close();
      this.fh = null;
      return false;
    }
    const st = await this.fh.stat();
    const saved = store.cursor(c.source);
    const pos = saved ? parsePosition(saved.position) : null;
    if (pos && pos.dev === st.dev && pos.ino === st.ino && pos.offset <= st.size) {
      this.position = pos;
    } else {
      if (saved) log.warn({ source: c.source, saved: saved.position, size: st.size }, "container log file is not the one the cursor names (replaced or truncated): read from its start");
      this.position = initialPosition(st.dev, st.ino);
    }
    try {
      this.watcher = watch(c.path, { persistent: false }, () => this.wake());
      this.watcher.on("error", (e) => log.debug({ source: c.source, err: e.message }, "log file watch ended; the poll goes on"));
    } catch (e) {
      // Without inotify the poll alone follows the file, a little later.
      log.debug({ source: c.source, err: e instanceof Error ? e.message : String(e) }, "cannot watch the log file");
    }
    this.poll = setInterval(() => this.wake(), this.opts.pollMs);
    this.poll.unref();
    this.wake();
    return true;
  }

  /** Reads whatever is new (coalesced: a read already queued covers this wake-up). */
  wake(): void {
    if (this.queued || this.closed) return;
    this.queued = true;
    this.chain = this.chain.then(async () => {
      this.queued = false;
      await this.readSafely();
    });
  }

  /** Resolves once every byte written to the file before this call is in the store. */
  flush(): Promise<void> {
    const done = this.chain.then(() => this.readSafely());
    this.chain = done;
    return done;
  }

  /** The container is gone and its file read to its end: the cursor says so, and it is closed. */
  async finish(): Promise<void> {
    await this.flush();
    const c = this.container;
    if (!this.closed) this.opts.store.append([], [{ source: c.source, appId: c.appId, position: JSON.stringify(this.position), finished: true }]);
    await this.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    if (this.poll) clearInterval(this.poll);
    await this.chain;
    await this.fh?.close().catch(() => undefined);
    this.fh = null;
  }

  private async readSafely(): Promise<void> {
    try {
      await this.readToEnd();
    } catch (e) {
      // The next wake-up tries again from the saved position: nothing was stored for this chunk.
      this.opts.log.warn({ source: this.container.source, err: e instanceof Error ? e.message : String(e) }, "reading a container log file failed");
    }
  }

  private async readToEnd(): Promise<void> {
    const { store, bus } = this.opts;
    const c = this.container;
    for (;;) {
      const fh = this.fh;
      if (!fh || this.closed) return;
      const { bytesRead } = await fh.read(this.buf, 0, this.buf.length, this.position.offset);
      if (bytesRead === 0) {
        // At the end. A file cut shorter than the cursor was truncated (rotated in place): its
        // new content starts at 0.
        const st = await fh.stat();
        if (st.size < this.position.offset) {
          this.opts.log.warn({ source: c.source, offset: this.position.offset, size: st.size }, "container log file was truncated: reading it from its start");
          this.position = initialPosition(this.position.dev, this.position.ino);
          continue;
        }
        return;
      }
      const { lines: inputs, position } = parseRecords(this.buf.subarray(0, bytesRead), this.position, this.times, this.make);
      if (position.offset === this.position.offset) {
        // No whole record in the chunk: one being written (wait for it), or longer than the chunk.
        if (bytesRead < this.buf.length || this.buf.length >= MAX_CHUNK_BYTES) return;
        this.buf = Buffer.allocUnsafe(this.buf.length * 2);
        continue;
      }
      const stored = store.append(inputs, [{ source: c.source, appId: c.appId, position: JSON.stringify(position), finished: false }]);
      this.position = position;
      bus.publish(c.appId, stored);
      if (bytesRead < this.buf.length) return;
      // A long backlog: let viewers and the API run between chunks.
      await new Promise((r) => setImmediate(r));
    }
  }
}
