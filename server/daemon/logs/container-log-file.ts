// A container's log file as Podman's k8s-file driver writes it (conmon appends one record per
// line): `<RFC 3339 time with nanoseconds> <stdout|stderr> <F|P> <text>\n`. A "P" record is a
// partial line (conmon cuts lines at 8 KiB, and a last line printed without a newline is one):
// its text continues in the same stream's next record. Reading the file directly, like Promtail or
// Fluent Bit, is cheaper than the engine's API and gives an exact cursor: a byte offset (plus the
// file's identity), saved with the lines it covers, so a restart resumes at the very next record.
import type { LogStreamName } from "./log-store-types";

/** A partial line waiting for the rest of its text (kept in the cursor, so a restart keeps it too). */
export interface PendingPartial {
  time: number;
  text: string;
}

/** Where the reading of one file stopped: saved as the SourceCursor's position (JSON). */
export interface FilePosition {
  /** bytes consumed: the start of the first record not yet read */
  offset: number;
  /** the file's identity: a file replaced under the same path (another container, a rotation) starts over */
  dev: number;
  ino: number;
  stdout?: PendingPartial;
  stderr?: PendingPartial;
}

export interface ParsedLine {
  stream: LogStreamName;
  time: number;
  line: string;
}

/**
 * A line printed without a newline for ever would grow the pending text without bound: past this
 * many characters it is stored as a line of its own (the rest follows as the next line).
 */
export const MAX_LINE_CHARS = 256 * 1024;

const NEWLINE = 0x0a;

export function initialPosition(dev: number, ino: number): FilePosition {
  return { offset: 0, dev, ino };
}

export function parsePosition(json: string): FilePosition | null {
  try {
    const p = JSON.parse(json) as Partial<FilePosition>;
    if (typeof p.offset !== "number" || typeof p.dev !== "number" || typeof p.ino !== "number") return null;
    return p as FilePosition;
  } catch {
    // A position this version cannot read is treated as none (the caller says so in its log).
    return null;
  }
}

/**
 * Epoch milliseconds of the engine's timestamp. Lines come thousands per second with the same
 * second: the part up to the seconds (and the zone) is parsed once and reused, the fraction is
 * read as digits.
 */
export class TimestampParser {
  /** the last timestamp's part up to the seconds ("2026-11-29T15:48:29"), its zone, and their epoch ms */
  private lastSeconds = "";
  private lastZone = "";
  private lastBase = 0;

  parse(ts: string): number {
    return this.parseAt(ts, 0, ts.length);
  }

  /** The timestamp in text[start, end): read in place, no string made unless its second changed. */
  parseAt(text: string, start: number, end: number): number {
    // "2026-11-29T15:48:29.329662992+00:00" or "…Z"; the fraction is optional.
    let zoneAt = end;
    for (let i = start + 19; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x2b /* + */ || c === 0x2d /* - */ || c === 0x5a /* Z */) {
        zoneAt = i;
        break;
      }
    }
    if (!(end - zoneAt === this.lastZone.length && text.startsWith(this.lastSeconds, start) && text.startsWith(this.lastZone, zoneAt) && this.lastSeconds)) {
      const seconds = text.slice(start, start + 19);
      const zone = text.slice(zoneAt, end);
      const base = Date.parse(seconds + zone);
      if (Number.isNaN(base)) return Date.now();
      this.lastSeconds = seconds;
      this.lastZone = zone;
      this.lastBase = base;
    }
    let ms = 0;
    if (text.charCodeAt(start + 19) === 0x2e /* . */) {
      // First three digits of the fraction, padded: ".3" is 300 ms.
      for (let i = start + 20, scale = 100; i < start + 23; i++, scale /= 10) {
        const d = i < zoneAt ? text.charCodeAt(i) - 48 : 0;
        if (d >= 0 && d <= 9) ms += d * scale;
      }
    }
    return this.lastBase + ms;
  }
}

/**
 * Parses the complete records at the start of `chunk` (read at `position.offset`): returns the
 * finished lines in file order and the position after the last complete record (partial lines
 * carried in it). Bytes after the last newline are a record still being written: read again later.
 */
export function parseRecords(chunk: Buffer, position: FilePosition, times: TimestampParser): { lines: ParsedLine[]; position: FilePosition };
/** `make` builds each line's object (the collector's LogLineInput: one object per line, no copy). */
export function parseRecords<T>(chunk: Buffer, position: FilePosition, times: TimestampParser, make: (stream: LogStreamName, time: number, line: string) => T): { lines: T[]; position: FilePosition };
export function parseRecords<T>(
  chunk: Buffer,
  position: FilePosition,
  times: TimestampParser,
  make: (stream: LogStreamName, time: number, line: string) => T = (stream, time, line) => ({ stream, time, line }) as T,
): { lines: T[]; position: FilePosition } {
  const end = chunk.lastIndexOf(NEWLINE);
  if (end < 0) return { lines: [], position };
  // Records end at "\n" (ASCII), so whole records are whole UTF-8: one decode for all of them.
  const text = chunk.toString("utf8", 0, end);
  const lines: T[] = [];
  const pending: { stdout?: PendingPartial; stderr?: PendingPartial } = { stdout: position.stdout, stderr: position.stderr };
  let start = 0;
  while (start <= text.length) {
    let nl = text.indexOf("\n", start);
    if (nl < 0) nl = text.length;
    const s1 = text.indexOf(" ", start);
    const s2 = s1 < 0 || s1 > nl ? -1 : text.indexOf(" ", s1 + 1);
    const s3 = s2 < 0 || s2 > nl ? -1 : text.indexOf(" ", s2 + 1);
    if (s3 < 0 || s3 > nl) {
      // Not a record of this format (a corrupt line): skipped, it cannot be attributed. Only a
      // record with empty text and no space after its flag could be here; conmon always writes it.
      start = nl + 1;
      continue;
    }
    const stream: LogStreamName = text.charCodeAt(s1 + 4) === 0x65 /* "std[e]rr" */ ? "stderr" : "stdout";
    const partial = text.charCodeAt(s2 + 1) === 0x50; /* P */
    const body = text.slice(s3 + 1, nl);
    const before = pending[stream];
    if (partial) {
      const joined = before ? { time: before.time, text: before.text + body } : { time: times.parseAt(text, start, s1), text: body };
      if (joined.text.length >= MAX_LINE_CHARS) {
        lines.push(make(stream, joined.time, joined.text));
        pending[stream] = undefined;
      } else {
        pending[stream] = joined;
      }
    } else if (before) {
      lines.push(make(stream, before.time, before.text + body));
      pending[stream] = undefined;
    } else {
      lines.push(make(stream, times.parseAt(text, start, s1), body));
    }
    start = nl + 1;
  }
  const next: FilePosition = { offset: position.offset + end + 1, dev: position.dev, ino: position.ino };
  if (pending.stdout) next.stdout = pending.stdout;
  if (pending.stderr) next.stderr = pending.stderr;
  return { lines, position: next };
}
