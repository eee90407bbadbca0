// The pod log cursor: resuming a stream asked from the cursor's whole second takes every line
// after the last stored one exactly once, even when lines share a timestamp.
import { describe, expect, it } from "vitest";
import { parsePodLogPosition, parseStamp, PodLogCursor, splitStampedLine } from "@/server/daemon/logs/pod-log-cursor";

/** Feeds raw "<stamp> <text>" lines, returns the accepted texts. */
function take(cursor: PodLogCursor, raws: string[]): string[] {
  return raws.flatMap((raw) => {
    const { stamp, line } = splitStampedLine(raw);
    return stamp && cursor.accept(stamp) ? [line] : [];
  });
}

describe("pod log cursor", () => {
  it("compares timestamps by value: trimmed nanoseconds and offsets", () => {
    expect(parseStamp("2026-11-28T11:00:00.5Z")!.key).toBe(parseStamp("2026-11-28T11:00:00.500000000Z")!.key);
    expect(parseStamp("2026-11-28T12:00:00.000000001+01:00")!.key).toBe(parseStamp("2026-11-28T11:00:00.000000001Z")!.key);
    expect(parseStamp("2026-11-28T11:00:00.123456789Z")!.ms).toBe(Date.parse("2026-11-28T11:00:00.123Z"));
    expect(parseStamp("2026-11-28T11:00:07.9Z")!.second).toBe("2026-11-28T11:00:07Z");
    expect(parseStamp("yesterday")).toBeNull();
    expect(splitStampedLine("no stamp here")).toEqual({ stamp: null, line: "no stamp here" });
  });

  it("resumes after the last stored line, skipping the stored ones at the same timestamp", () => {
    const stream = [
      "2026-11-28T11:00:00.100000000Z a",
      "2026-11-28T11:00:01.200000000Z b",
      "2026-11-28T11:00:01.200000000Z c",
      "2026-11-28T11:00:01.200000000Z d",
      "2026-11-28T11:00:01.300000000Z e",
    ];
    const first = new PodLogCursor(null);
    expect(first.sinceTime()).toBeUndefined();
    expect(take(first, stream.slice(0, 3))).toEqual(["a", "b", "c"]);
    const saved = parsePodLogPosition(JSON.stringify(first.position()));
    expect(saved).toEqual({ time: "2026-11-28T11:00:01.200000000Z", count: 2 });
    // The API server answers sinceTime=11:00:01 with every line from that second on.
    const resumed = new PodLogCursor(saved);
    expect(resumed.sinceTime()).toBe("2026-11-28T11:00:01Z");
    expect(take(resumed, stream.slice(1))).toEqual(["d", "e"]);
    expect(resumed.position()).toEqual({ time: "2026-11-28T11:00:01.300000000Z", count: 1 });
  });

  it("takes a later line with the cursor's timestamp once skipping is over, and reads a position it did not write as none", () => {
    const c = new PodLogCursor({ time: "2026-11-28T11:00:01Z", count: 1 });
    expect(take(c, ["2026-11-28T11:00:00.9Z old", "2026-11-28T11:00:01Z stored", "2026-11-28T11:00:01Z new", "2026-11-28T11:00:01Z newer"])).toEqual(["new", "newer"]);
    expect(c.position()).toEqual({ time: "2026-11-28T11:00:01Z", count: 3 });
    expect(parsePodLogPosition("{}")).toBeNull();
    expect(parsePodLogPosition("not json")).toBeNull();
  });
});
