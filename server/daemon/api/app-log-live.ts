// GET /v1/apps/:appId/logs/live — the live tail as Server-Sent Events, emitted by slipwayd itself
// (the web route checks tenancy and pipes the bytes). Frames carry many lines; each frame's `id:`
// is the seq of its last line, so a client that reconnects with after=<id> (Last-Event-ID) gets
// every later line once: no gap, no duplicate. A viewer that is behind reads from the store by
// seq; one that is caught up takes the bus's lines as they come. The response's write buffer is
// respected (a slow client waits for "drain"), so a slow viewer holds at most one frame and never
// slows collection or the other viewers.
import type http from "node:http";
import type { LogLineDto } from "../../logs/schemas";
import type { LogBus } from "../logs/log-bus";
import type { LogStore, StoredLogLine } from "../logs/log-store-types";
import { writeWithBackpressure } from "./http-util";

export const FRAME_MAX_LINES = 500;
export const FRAME_MAX_BYTES = 256 * 1024;
const KEEP_ALIVE_MS = 15_000;
/** lines a caught-up viewer may hold from the bus before it falls back to reading the store */
const QUEUE_MAX_LINES = 5000;

export interface LiveLogOptions {
  appId: string;
  /** resume after this seq; unset: start with the newest `tail` lines */
  after?: number;
  tail: number;
  releaseId?: string;
}

/** Lines come by the thousand per millisecond in a burst: the last time's ISO text is reused. */
let isoMs = Number.NaN;
let isoText = "";

export function toLogLineDto(l: StoredLogLine): LogLineDto {
  if (l.time !== isoMs) {
    isoMs = l.time;
    isoText = new Date(l.time).toISOString();
  }
  return { seq: l.seq, time: isoText, stream: l.stream, replica: l.replica, releaseId: l.releaseId, line: l.line };
}

/** The last replica and release written, as JSON: consecutive lines mostly share them. */
let replicaOf = "";
let replicaJson = '""';
let releaseOf: string | null = null;
let releaseJson = "null";

/**
 * One line as the JSON of its LogLineDto, written out directly: a burst makes a million of them,
 * and this skips the DTO object per line (toLogLineDto's output, byte for byte the same JSON).
 */
function lineJson(l: StoredLogLine): string {
  if (l.time !== isoMs) {
    isoMs = l.time;
    isoText = new Date(l.time).toISOString();
  }
  if (l.replica !== replicaOf) {
    replicaOf = l.replica;
    replicaJson = JSON.stringify(l.replica);
  }
  if (l.releaseId !== releaseOf) {
    releaseOf = l.releaseId;
    releaseJson = JSON.stringify(l.releaseId);
  }
  return `{"seq":${l.seq},"time":"${isoText}","stream":"${l.stream}","replica":${replicaJson},"releaseId":${releaseJson},"line":${JSON.stringify(l.line)}}`;
}

/** SSE frames of up to FRAME_MAX_LINES lines / ~FRAME_MAX_BYTES each. */
export function* sseFrames(lines: readonly StoredLogLine[]): Generator<string> {
  let i = 0;
  while (i < lines.length) {
    let data = "[";
    let n = 0;
    let last = 0;
    while (i < lines.length && n < FRAME_MAX_LINES && (data.length < FRAME_MAX_BYTES || n === 0)) {
      const l = lines[i++]!;
      data += (n++ ? "," : "") + lineJson(l);
      last = l.seq;
    }
    yield `id: ${last}\nevent: lines\ndata: ${data}]\n\n`;
  }
}

export async function streamLiveLogs(store: LogStore, bus: LogBus, opts: LiveLogOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const { appId, releaseId } = opts;
  let closed = false;
  let wake: (() => void) | null = null;
  const wakeUp = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  res.on("close", () => {
    closed = true;
    wakeUp();
  });

  /** the seq of the last line sent (or skipped: another release's) */
  let sent: number;
  /**
   * Lines taken from the bus while caught up, contiguous after `sent`; `tip` is the app's last
   * seq they cover. `behind`: a batch was not contiguous (or the queue was full): read the store.
   */
  let queue: StoredLogLine[] = [];
  let tip: number | null = null;
  let behind = true;

  const unsubscribe = bus.subscribe(appId, (lines, prev) => {
    if (!behind && tip !== null && prev === tip && queue.length + lines.length <= QUEUE_MAX_LINES) {
      for (const l of lines) if (!releaseId || l.releaseId === releaseId) queue.push(l);
      tip = lines[lines.length - 1]!.seq;
    } else {
      behind = true;
      queue = [];
    }
    wakeUp();
  });

  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no" });
  // Headers out now: a resume with nothing new yet still reads as connected.
  res.flushHeaders();
  const write = (chunk: string) => writeWithBackpressure(res, chunk);
  const sendLines = async (lines: readonly StoredLogLine[]) => {
    for (const frame of sseFrames(lines)) {
      if (closed) return;
      await write(frame);
    }
  };

  try {
    if (opts.after !== undefined) {
      sent = opts.after;
    } else {
      const first = opts.tail > 0 ? store.tail(appId, opts.tail, releaseId) : [];
      // Without a tail, the view starts after whatever the app has now.
      sent = first.length ? first[first.length - 1]!.seq : (store.tail(appId, 1)[0]?.seq ?? 0);
      if (first.length) await sendLines(first);
    }
    let lastWrite = Date.now();
    while (!closed) {
      let lines: StoredLogLine[];
      if (behind) {
        lines = store.after(appId, sent, FRAME_MAX_LINES * 4, releaseId);
        if (lines.length < FRAME_MAX_LINES * 4) {
          // Everything stored is in hand (appends and publishes happen in one tick, between
          // ours): from here the bus's next batch follows on the app's last published seq.
          behind = false;
          queue = [];
          tip = bus.last(appId);
          if (tip === null) behind = true;
        }
      } else {
        lines = queue;
        queue = [];
      }
      if (lines.length) {
        sent = lines[lines.length - 1]!.seq;
        await sendLines(lines);
        lastWrite = Date.now();
        continue;
      }
      if (!behind && tip !== null) sent = Math.max(sent, tip);
      // Caught up: wait for the bus (or a keep-alive; a bus that was never published to is
      // polled through the store, so lines appended before we subscribed are not missed).
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((r) => {
        wake = r;
        timer = setTimeout(wakeUp, behind ? 1000 : KEEP_ALIVE_MS);
      });
      clearTimeout(timer);
      if (!closed && Date.now() - lastWrite >= KEEP_ALIVE_MS) {
        await write(": keep-alive\n\n");
        lastWrite = Date.now();
      }
    }
  } finally {
    unsubscribe();
    if (!res.writableEnded) res.end();
    req.resume();
  }
}
