// The engine's multiplexed log stream into the container's lines: a frame is a log record, not a
// line (a line cut into partial records spans frames, each with its own timestamp), stdout and
// stderr frames interleave, a cut can fall inside a UTF-8 character or between "\r" and "\n",
// and the stream's chunks split frames anywhere.
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { demuxLogLines, type EngineLogLine } from "@/server/daemon/engine/log-demux";

const T1 = "2026-11-29T05:44:40Z";
const T2 = "2026-11-29T05:44:41.123456789Z";

/** One frame: the 8-byte header (stream, 0, 0, 0, size) and the record, "<timestamp> " first. */
function frame(stream: "stdout" | "stderr", time: string | null, payload: string | Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(time ? `${time} ` : ""), Buffer.isBuffer(payload) ? payload : Buffer.from(payload)]);
  const header = Buffer.alloc(8);
  header[0] = stream === "stderr" ? 2 : 1;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

async function collect(source: Readable | Buffer): Promise<EngineLogLine[]> {
  const out: EngineLogLine[] = [];
  for await (const l of demuxLogLines(source)) out.push(l);
  return out;
}

/** The same bytes as a stream of `size`-byte chunks: frames and characters cut anywhere. */
const chunked = (b: Buffer, size: number) => Readable.from(Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, (i + 1) * size)));

const text = (ls: EngineLogLine[]) => ls.map((l) => `${l.stream}:${l.line}`);

describe("demuxLogLines", () => {
  it("yields one line per record, in the engine's order across streams, blank lines included", async () => {
    const b = Buffer.concat([frame("stdout", T1, "out1\n"), frame("stderr", T1, "err1\n"), frame("stdout", T1, "\n"), frame("stdout", T2, "out2\n")]);
    const lines = await collect(b);
    expect(text(lines)).toEqual(["stdout:out1", "stderr:err1", "stdout:", "stdout:out2"]);
    expect(lines.map((l) => l.time)).toEqual(["2026-11-29T05:44:40.000Z", "2026-11-29T05:44:40.000Z", "2026-11-29T05:44:40.000Z", "2026-11-29T05:44:41.123Z"]);
  });

  it("joins a line cut into partial records (each with its own timestamp) and stamps it with its first record's time", async () => {
    const long = "x".repeat(10_000);
    const b = Buffer.concat([frame("stdout", T1, long.slice(0, 8192)), frame("stderr", T2, "err between\n"), frame("stdout", T2, `${long.slice(8192)}\n`)]);
    const lines = await collect(b);
    // The stderr line completes first: lines come in the order their last record arrived.
    expect(text(lines)).toEqual(["stderr:err between", `stdout:${long}`]);
    expect(lines[1]!.time).toBe("2026-11-29T05:44:40.000Z");
  });

  it("keeps a multi-byte character cut between two records, and between two chunks of the stream", async () => {
    const line = `long-line:${"✓".repeat(3000)}`;
    const bytes = Buffer.from(`${line}\n`);
    // 8192 bytes in: inside a "✓" (3 bytes each, after 10 ASCII bytes).
    const b = Buffer.concat([frame("stdout", T1, bytes.subarray(0, 8192)), frame("stdout", T1, bytes.subarray(8192))]);
    for (const size of [b.length, 8200, 4097, 7, 1]) {
      expect(text(await collect(chunked(b, size))), `chunks of ${size} bytes`).toEqual([`stdout:${line}`]);
    }
    const accented = Buffer.from("héllo wörld\n");
    const split = Buffer.concat([frame("stderr", T1, accented.subarray(0, 2)), frame("stderr", T1, accented.subarray(2))]);
    expect(text(await collect(split))).toEqual(["stderr:héllo wörld"]);
  });

  it("ends a line at CRLF, also when the CR and the LF come in different records", async () => {
    const b = Buffer.concat([frame("stdout", T1, "windows\r\n"), frame("stdout", T1, "split\r"), frame("stdout", T1, "\nnext\r\n"), frame("stdout", T1, "a\rb\n")]);
    expect(text(await collect(b))).toEqual(["stdout:windows", "stdout:split", "stdout:next", "stdout:a\rb"]);
  });

  it("yields the last line printed without a newline when the stream ends, for each stream", async () => {
    const b = Buffer.concat([frame("stdout", T1, "first\n"), frame("stdout", T1, "no newline"), frame("stderr", T2, "err without one either")]);
    expect(text(await collect(chunked(b, 5)))).toEqual(["stdout:first", "stdout:no newline", "stderr:err without one either"]);
  });

  it("splits a record that holds several lines and keeps text that merely looks like a timestamp", async () => {
    const b = Buffer.concat([frame("stdout", T1, `a\nb\n${T2} c\n`)]);
    expect(text(await collect(b))).toEqual(["stdout:a", "stdout:b", `stdout:${T2} c`]);
  });

  it("keeps a record without a timestamp whole", async () => {
    const lines = await collect(Buffer.concat([frame("stdout", null, "plain line\n")]));
    expect(text(lines)).toEqual(["stdout:plain line"]);
    expect(Number.isNaN(Date.parse(lines[0]!.time))).toBe(false);
  });

  it("reads a TTY container's raw stream (no frames) as stdout lines, each with its timestamp", async () => {
    const raw = Buffer.from(`${T1} first ✓\r\n${T2} second\n${T2} unterminated`);
    for (const size of [raw.length, 3, 1]) {
      const lines = await collect(chunked(raw, size));
      expect(text(lines), `chunks of ${size} bytes`).toEqual(["stdout:first ✓", "stdout:second", "stdout:unterminated"]);
      expect(lines[1]!.time).toBe("2026-11-29T05:44:41.123Z");
    }
  });

  it("reads nothing from an empty stream", async () => {
    expect(await collect(Buffer.alloc(0))).toEqual([]);
  });
});
