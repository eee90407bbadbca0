// ANSI colours of a log line, parsed by anser into plain segments (React renders them as text: no
// HTML is ever built from a line). Every foreground colour is made readable on the log panel: the
// standard terminal palette has dark blues and reds that fail WCAG AA on a dark background, so a
// colour is lightened towards white until it reaches a contrast of 4.5:1 (AA for normal text).
import Anser from "anser";

/** The log panel's background (Tailwind slate-950). */
export const LOG_PANEL_BACKGROUND: Rgb = [2, 6, 23];
/** WCAG AA for normal-size text, with a small margin for rounding. */
const AA_CONTRAST = 4.6;

export type Rgb = [number, number, number];

export interface AnsiSegment {
  text: string;
  /** a CSS colour meeting AA on the panel; absent = the panel's own text colour */
  color?: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  strikethrough?: boolean;
}

function channel(c: number): number {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

export function relativeLuminance([r, g, b]: Rgb): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [la, lb] = [relativeLuminance(a), relativeLuminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** The colour itself when it is readable on `background`, else the first mix towards white that is. */
export function readableOn(color: Rgb, background: Rgb = LOG_PANEL_BACKGROUND): Rgb {
  for (let t = 0; t <= 1.0001; t += 0.05) {
    const mixed = color.map((c) => Math.round(c + (255 - c) * t)) as Rgb;
    if (contrastRatio(mixed, background) >= AA_CONTRAST) return mixed;
  }
  return [255, 255, 255];
}

function parseRgb(value: string | null): Rgb | null {
  if (!value) return null;
  const parts = value.split(",").map((p) => Number(p.trim()));
  return parts.length === 3 && parts.every((n) => Number.isInteger(n) && n >= 0 && n <= 255) ? (parts as Rgb) : null;
}

// A quick test before parsing: most lines carry no escape at all.
const ESCAPE = "\u001b[";

/**
 * The line's text in segments with their colours and decorations. Background colours are dropped:
 * one foreground palette cannot be readable on every background a program may pick, and the line
 * stays legible on the panel's own. Cursor movement and other non-colour sequences are removed.
 */
export function ansiSegments(line: string): AnsiSegment[] {
  if (!line.includes(ESCAPE)) return [{ text: line }];
  return Anser.ansiToJson(line, { json: true, remove_empty: true }).map((entry) => {
    const rgb = parseRgb(entry.fg);
    const decorations = entry.decorations ?? [];
    const segment: AnsiSegment = { text: entry.content };
    if (rgb) segment.color = `rgb(${readableOn(rgb).join(", ")})`;
    if (decorations.includes("bold")) segment.bold = true;
    if (decorations.includes("italic")) segment.italic = true;
    if (decorations.includes("underline")) segment.underline = true;
    if (decorations.includes("strikethrough")) segment.strikethrough = true;
    return segment;
  });
}
