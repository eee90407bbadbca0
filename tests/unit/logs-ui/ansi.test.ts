import { describe, expect, it } from "vitest";
import { ansiSegments, contrastRatio, LOG_PANEL_BACKGROUND, readableOn, type Rgb } from "@/components/logs/ansi";

const rgbOf = (css: string | undefined): Rgb => (css ?? "").replace(/^rgb\(|\)$/g, "").split(",").map((n) => Number(n.trim())) as Rgb;

describe("ansiSegments", () => {
  it("keeps a line without escapes as one plain segment", () => {
    expect(ansiSegments("GET / 200 <b>&amp;")).toEqual([{ text: "GET / 200 <b>&amp;" }]);
  });

  it("splits coloured text and keeps markup-like text as text", () => {
    const segments = ansiSegments("\u001b[31merror\u001b[0m: <script>x</script> \u001b[1;32mok\u001b[0m");
    expect(segments.map((s) => s.text).join("")).toBe("error: <script>x</script> ok");
    expect(segments[0]).toMatchObject({ text: "error" });
    expect(segments[0]!.color).toMatch(/^rgb\(/);
    const ok = segments.find((s) => s.text === "ok");
    expect(ok).toMatchObject({ bold: true });
  });

  it("makes every standard, 256-colour and true colour readable on the panel (WCAG AA)", () => {
    const codes = [...Array.from({ length: 8 }, (_, i) => `${30 + i}`), ...Array.from({ length: 8 }, (_, i) => `${90 + i}`), "38;5;17", "38;5;52", "38;2;10;20;30", "38;2;0;0;139"];
    for (const code of codes) {
      const [segment] = ansiSegments(`\u001b[${code}mtext\u001b[0m`);
      expect(segment?.color, code).toBeDefined();
      expect(contrastRatio(rgbOf(segment?.color), LOG_PANEL_BACKGROUND), code).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("drops background colours and cursor movement", () => {
    const segments = ansiSegments("\u001b[41;37mwhite on red\u001b[0m\u001b[2K done");
    expect(segments.map((s) => s.text).join("")).toBe("white on red done");
  });
});

describe("readableOn", () => {
  it("keeps a colour that already meets AA", () => {
    expect(readableOn([255, 255, 255])).toEqual([255, 255, 255]);
    expect(readableOn([250, 204, 21])).toEqual([250, 204, 21]);
  });
  it("lightens dark blue until it meets AA", () => {
    const out = readableOn([0, 0, 187]);
    expect(out).not.toEqual([0, 0, 187]);
    expect(contrastRatio(out, LOG_PANEL_BACKGROUND)).toBeGreaterThanOrEqual(4.5);
  });
});
