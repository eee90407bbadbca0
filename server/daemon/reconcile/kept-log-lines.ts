// Which of a crashed container's last log lines a release keeps (Release.lastLogLines): the
// newest, whole, as printed. Only bounds apply: a count, a line at most Docker's log record
// (16 KiB, longer ones are cut and say so), and a total, since every release row of an app is
// listed with its lines. Pure, so unit-tested directly.

/** How many of the newest lines are kept. */
export const KEPT_LOG_LINES = 20;
/** A kept line's longest text; a longer one is cut and ends with CUT_MARK. */
export const MAX_KEPT_LINE_CHARS = 16_384;
/** All kept lines together at most (the newest line is kept in any case). */
export const MAX_KEPT_CHARS = 32_768;

/** What ends a line that was cut: how much of it is missing. */
const cutMark = (missing: number) => `… [${missing} more characters]`;

function cut(line: string): string {
  if (line.length <= MAX_KEPT_LINE_CHARS) return line;
  let end = MAX_KEPT_LINE_CHARS;
  // Not between the two halves of a surrogate pair.
  const last = line.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return line.slice(0, end) + cutMark(line.length - end);
}

/** The newest lines within the bounds, oldest first. */
export function keptLogLines(lines: readonly string[]): string[] {
  const kept: string[] = [];
  let total = 0;
  for (let i = lines.length - 1; i >= 0 && kept.length < KEPT_LOG_LINES; i--) {
    const line = cut(lines[i]!);
    if (kept.length && total + line.length > MAX_KEPT_CHARS) break;
    kept.push(line);
    total += line.length;
  }
  return kept.reverse();
}
