// Where the collection of one pod container's log stopped, and how to resume there exactly once.
// The API server serves a container's log with a timestamp per line (timestamps=true) and can
// start from a time (sinceTime) but only in whole seconds, and lines may share a timestamp. So the
// cursor is the last stored line's timestamp plus how many stored lines carry exactly that
// timestamp; a resumed stream is asked from the cursor's second and skips what is already stored.

/** {time: RFC3339Nano of the last stored line, count: stored lines with exactly that time} */
export interface PodLogPosition {
  time: string;
  count: number;
}

/** A parsed line timestamp: `key` orders timestamps (nanoseconds since the epoch), `ms` is for the store. */
export interface PodLogStamp {
  text: string;
  key: bigint;
  ms: number;
  /** the whole second, as sinceTime accepts it */
  second: string;
}

const STAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses an RFC3339(Nano) timestamp. Nanoseconds are kept: the kubelet may print fewer digits or
 * an offset other than Z, so timestamps are compared by value, never as strings.
 */
export function parseStamp(text: string): PodLogStamp | null {
  const m = STAMP.exec(text);
  if (!m) return null;
  const secondMs = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(secondMs)) return null;
  const nanos = Number((m[2] ?? "").padEnd(9, "0"));
  return {
    text,
    key: BigInt(secondMs) * 1_000_000n + BigInt(nanos),
    ms: secondMs + Math.floor(nanos / 1_000_000),
    second: new Date(secondMs).toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
}

/** "<stamp> <text>" as the API server sends each line with timestamps=true. */
export function splitStampedLine(raw: string): { stamp: PodLogStamp | null; line: string } {
  const space = raw.indexOf(" ");
  const stamp = space > 0 ? parseStamp(raw.slice(0, space)) : null;
  return stamp ? { stamp, line: raw.slice(space + 1) } : { stamp: null, line: raw };
}

export function parsePodLogPosition(position: string | null | undefined): PodLogPosition | null {
  if (!position) return null;
  try {
    const p = JSON.parse(position) as Partial<PodLogPosition>;
    if (typeof p.time === "string" && parseStamp(p.time) && typeof p.count === "number" && p.count >= 0) return { time: p.time, count: p.count };
  } catch {
    // Not a position this collector wrote (e.g. "{}" of a source forgotten with its app): start over.
  }
  return null;
}

/**
 * Follows one stream's lines against the saved position: lines already stored (before the
 * cursor's time, or the first `count` at exactly its time) are refused, then every line is taken
 * and the position moves with it. Lines of a container log come in time order.
 */
export class PodLogCursor {
  private last: PodLogStamp | null;
  private count: number;
  /** still skipping what the saved position covers */
  private skipping: boolean;
  private skippedAtTime = 0;

  constructor(saved: PodLogPosition | null) {
    this.last = saved ? parseStamp(saved.time) : null;
    this.count = saved && this.last ? saved.count : 0;
    this.skipping = this.last !== null;
  }

  /** What to ask the API server for: from the saved line's whole second (undefined: from the start). */
  sinceTime(): string | undefined {
    return this.last?.second;
  }

  /** Whether a line with this timestamp is new; when it is, the position moves past it. */
  accept(stamp: PodLogStamp): boolean {
    if (this.skipping && this.last) {
      if (stamp.key < this.last.key) return false;
      if (stamp.key === this.last.key && this.skippedAtTime < this.count) {
        this.skippedAtTime++;
        return false;
      }
      this.skipping = false;
    }
    if (this.last && stamp.key === this.last.key) this.count++;
    else {
      this.last = stamp;
      this.count = 1;
    }
    return true;
  }

  position(): PodLogPosition | null {
    return this.last ? { time: this.last.text, count: this.count } : null;
  }
}
