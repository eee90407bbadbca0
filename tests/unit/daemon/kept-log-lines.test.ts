import { describe, expect, it } from "vitest";
import { KEPT_LOG_LINES, MAX_KEPT_CHARS, MAX_KEPT_LINE_CHARS, keptLogLines } from "@/server/daemon/reconcile/kept-log-lines";

describe("keptLogLines", () => {
  it("keeps the newest lines as printed, blank and long ones included, oldest first", () => {
    const long = "✓".repeat(9000);
    expect(keptLogLines(["a", "", long, "  indented\tb"])).toEqual(["a", "", long, "  indented\tb"]);
    const many = Array.from({ length: KEPT_LOG_LINES + 5 }, (_, i) => `line ${i}`);
    expect(keptLogLines(many)).toEqual(many.slice(-KEPT_LOG_LINES));
  });

  it("cuts a line longer than a log record and says how much is missing", () => {
    const [kept] = keptLogLines(["y".repeat(MAX_KEPT_LINE_CHARS + 10)]);
    expect(kept).toBe(`${"y".repeat(MAX_KEPT_LINE_CHARS)}… [10 more characters]`);
    // Never between the halves of a surrogate pair.
    const [emoji] = keptLogLines([`${"y".repeat(MAX_KEPT_LINE_CHARS - 1)}😀tail`]);
    expect(emoji!.startsWith(`${"y".repeat(MAX_KEPT_LINE_CHARS - 1)}…`)).toBe(true);
  });

  it("keeps the total bounded, the newest line in any case", () => {
    // Three of these are more than the total: the oldest goes.
    const big = (c: string) => c.repeat(Math.floor(MAX_KEPT_CHARS / 2.5));
    const kept = keptLogLines([big("a"), big("b"), big("c"), "last"]);
    expect(kept.map((l) => l[0])).toEqual(["b", "c", "l"]);
    expect(kept).toEqual([big("b"), big("c"), "last"]);
    expect(kept.join("").length).toBeLessThanOrEqual(MAX_KEPT_CHARS);
    expect(keptLogLines([])).toEqual([]);
  });
});
