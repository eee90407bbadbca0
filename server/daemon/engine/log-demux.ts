// The engine's log stream, read with timestamps, split into the container's lines. The Docker API
// multiplexes stdout and stderr in frames (an 8-byte header: stream, 0, 0, 0, payload size). A
// frame is one log record of the engine, not a line: each frame begins with the record's
// timestamp and a space; a record ends with "\n" unless it is partial (Podman's conmon cuts lines
// at 8 KiB, Docker at 16 KiB, and a last line printed without a newline is one too), and the line
// then continues in the same stream's next frame, with a timestamp of its own. So lines are
// assembled per stream from the frames' bytes (a cut can fall inside a UTF-8 character), and each
// complete line is yielded in the order of the frame that completes it: the engine's order.
import type { Readable } from "node:stream";

export interface EngineLogLine {
  time: string;
  stream: "stdout" | "stderr";
  line: string;
}

type Stream = EngineLogLine["stream"];

/** An RFC 3339 timestamp and the space the engine puts after it, at the start of a record. */
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})) /;
/** Longest timestamp prefix looked for: RFC 3339 with nanoseconds and an offset, and the space. */
const TIMESTAMP_MAX_BYTES = 36;
const NEWLINE = 0x0a;
const CR = 0x0d;

/** Splits the record's timestamp off its bytes; a record without one is all text, stamped now. */
function splitTimestamp(record: Buffer): { time: string; text: Buffer } {
  const m = TIMESTAMP.exec(record.subarray(0, TIMESTAMP_MAX_BYTES).toString("latin1"));
  const d = m ? new Date(m[1]!) : null;
  if (!m || !d || Number.isNaN(d.getTime())) return { time: new Date().toISOString(), text: record };
  return { time: d.toISOString(), text: record.subarray(m[0].length) };
}

/** A line's text: UTF-8 of its whole bytes, without the "\r" of a "\r\n" ending. */
function lineText(bytes: Buffer): string {
  const end = bytes.length && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
  return bytes.subarray(0, end).toString("utf8");
}

/**
 * The lines of one stream: records' texts are appended; each "\n" ends a line, stamped with the
 * time of the record its first byte came in.
 */
class LineAssembler {
  private pending: Buffer[] = [];
  private pendingTime: string | null = null;

  constructor(private readonly stream: Stream) {}

  *push(time: string, text: Buffer): Generator<EngineLogLine> {
    let start = 0;
    for (let nl = text.indexOf(NEWLINE); nl !== -1; nl = text.indexOf(NEWLINE, start)) {
      const piece = text.subarray(start, nl);
      const bytes = this.pending.length ? Buffer.concat([...this.pending, piece]) : piece;
      yield { time: this.pendingTime ?? time, stream: this.stream, line: lineText(bytes) };
      this.pending = [];
      this.pendingTime = null;
      start = nl + 1;
    }
    if (start < text.length) {
      this.pending.push(text.subarray(start));
      this.pendingTime ??= time;
    }
  }

  /** The line still open when the stream ends: the last one printed without a newline. */
  *end(): Generator<EngineLogLine> {
    if (!this.pending.length) return;
    const bytes = Buffer.concat(this.pending);
    this.pending = [];
    yield { time: this.pendingTime!, stream: this.stream, line: bytes.toString("utf8") };
  }
}

function isFrameHeader(b: Buffer): boolean {
  return (b[0] === 0 || b[0] === 1 || b[0] === 2) && b[1] === 0 && b[2] === 0 && b[3] === 0;
}

/**
 * The lines of a log stream read with `timestamps: true`, in the engine's order. A container with
 * a TTY has no frames: its stream is one stdout text whose lines each begin with a timestamp.
 */
export async function* demuxLogLines(source: Readable | Buffer): AsyncGenerator<EngineLogLine> {
  const chunks: AsyncIterable<Buffer> | Buffer[] = Buffer.isBuffer(source) ? [source] : (source as AsyncIterable<Buffer>);
  const lines = { stdout: new LineAssembler("stdout"), stderr: new LineAssembler("stderr") };
  let buf: Buffer = Buffer.alloc(0);
  // Decided by the stream's first 8 bytes: framed (the usual) or raw (a TTY).
  let raw: boolean | null = null;
  for await (const chunk of chunks) {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    if (raw === null) {
      if (buf.length < 8) continue;
      raw = !isFrameHeader(buf);
    }
    if (raw) {
      // Each raw line is a record of its own: "<timestamp> <text>\n".
      let start = 0;
      for (let nl = buf.indexOf(NEWLINE); nl !== -1; nl = buf.indexOf(NEWLINE, start)) {
        const { time, text } = splitTimestamp(buf.subarray(start, nl + 1));
        yield* lines.stdout.push(time, text);
        start = nl + 1;
      }
      buf = buf.subarray(start);
      continue;
    }
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      const { time, text } = splitTimestamp(buf.subarray(8, 8 + size));
      yield* lines[buf[0] === 2 ? "stderr" : "stdout"].push(time, text);
      buf = buf.subarray(8 + size);
    }
  }
  if (buf.length) {
    // The stream ended inside a record (a raw last line, or a frame cut short by the engine going
    // away): what arrived of it is still the container's text.
    const framed = raw === false;
    const { time, text } = splitTimestamp(framed ? buf.subarray(8) : buf);
    yield* lines[framed && buf[0] === 2 ? "stderr" : "stdout"].push(time, text);
  }
  yield* lines.stdout.end();
  yield* lines.stderr.end();
}
