// Docker's multiplexed log stream (8-byte frame headers) split into timestamped lines.
import type { Readable } from "node:stream";

export interface EngineLogLine {
  time: string;
  stream: "stdout" | "stderr";
  line: string;
}

const TS = /^(\d{4}-\d{2}-\d{2}T\S+)\s(.*)$/s;

export function parseTimestamped(raw: string, stream: "stdout" | "stderr"): EngineLogLine {
  const m = TS.exec(raw);
  if (m && m[1] && m[2] !== undefined) {
    const d = new Date(m[1]);
    return { time: Number.isNaN(d.getTime()) ? m[1] : d.toISOString(), stream, line: m[2] };
  }
  return { time: new Date().toISOString(), stream, line: raw };
}

export async function* demuxLogLines(source: Readable | Buffer): AsyncGenerator<EngineLogLine> {
  let buf: Buffer = Buffer.alloc(0);
  const partial: Record<"stdout" | "stderr", string> = { stdout: "", stderr: "" };
  const chunks: AsyncIterable<Buffer> | Buffer[] = Buffer.isBuffer(source) ? [source] : (source as AsyncIterable<Buffer>);
  for await (const chunk of chunks) {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 8) {
      const kind = buf[0];
      const size = buf.readUInt32BE(4);
      // Not a frame header: the engine sent a raw (tty) stream. Treat everything as stdout.
      if ((kind !== 0 && kind !== 1 && kind !== 2) || buf[1] !== 0 || buf[2] !== 0 || buf[3] !== 0) {
        partial.stdout += buf.toString("utf8");
        buf = Buffer.alloc(0);
        break;
      }
      if (buf.length < 8 + size) break;
      const stream = kind === 2 ? "stderr" : "stdout";
      partial[stream] += buf.subarray(8, 8 + size).toString("utf8");
      buf = buf.subarray(8 + size);
    }
    for (const stream of ["stdout", "stderr"] as const) {
      const lines = partial[stream].split("\n");
      partial[stream] = lines.pop() ?? "";
      for (const l of lines) yield parseTimestamped(l.replace(/\r$/, ""), stream);
    }
  }
  for (const stream of ["stdout", "stderr"] as const) {
    if (partial[stream]) yield parseTimestamped(partial[stream], stream);
  }
}
