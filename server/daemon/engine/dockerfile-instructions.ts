// A Dockerfile's instructions as this engine's parser sees them (openshift/imagebuilder's
// dockerfile/parser in Podman 4.3, buildah 1.28): parser directives (only `# escape=`) at the very
// top, stopped by the first other line; lines ending with the escape character continued (the
// character and the blanks after it removed, nothing put in their place); comment and blank lines
// inside a continuation skipped; the keyword the first word of the joined line. It has no
// heredocs: each line of `RUN <<EOF` … `EOF` is an instruction of its own to it, and so it is
// here. Whatever decides something about a Dockerfile for the engine (which images it reads,
// where the cache scope goes) reads it through this, so that it sees the FROMs the engine sees.

/** One instruction as the engine's parser sees it; lines are 0-based indexes of physical lines. */
export interface DockerfileInstruction {
  /** lower case, as the parser's dispatch sees it */
  keyword: string;
  firstLine: number;
  lastLine: number;
  /** the rest of the joined line after the keyword */
  args: string;
  /** the file ended while the instruction was still continued */
  unterminated: boolean;
}

// unicode.IsSpace (Go), which the parser trims with; JavaScript's \s differs (U+FEFF, U+0085).
const GO_SPACE = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const LEADING_SPACE = new RegExp(`^[${GO_SPACE}]+`);
const TRIM_SPACE = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, "g");
const ESCAPE_DIRECTIVE = /^#[ \t]*escape[ \t]*=[ \t]*(.)/u;

/** The physical lines as bufio.ScanLines yields them: split on \n, one trailing \r dropped. */
function physicalLines(text: string): string[] {
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function dockerfileInstructions(text: string): DockerfileInstruction[] {
  const lines = physicalLines(text.startsWith("\uFEFF") ? text.slice(1) : text);
  let escape = "\\";
  let directives = true;
  const directive = (token: string) => {
    if (!directives) return;
    const m = ESCAPE_DIRECTIVE.exec(token.toLowerCase());
    // Another escape character makes the engine refuse the file: nothing is built then.
    if (m) escape = m[1] === "`" ? "`" : "\\";
    else directives = false;
  };
  const isComment = (s: string) => s.startsWith("#");
  const continued = (s: string): [string, boolean] => {
    const m = new RegExp(`\\${escape}[ \\t]*$`).exec(s);
    return m ? [s.slice(0, m.index), false] : [s, true];
  };
  const out: DockerfileInstruction[] = [];
  for (let i = 0; i < lines.length; i++) {
    const token = lines[i]!.replace(LEADING_SPACE, "");
    directive(token);
    const first = i;
    let [line, ended] = continued(isComment(token) ? "" : token);
    if (ended && line === "") continue;
    while (!ended && i + 1 < lines.length) {
      i++;
      const next = lines[i]!;
      directive(next);
      const stripped = isComment(next) ? "" : next;
      const rest = stripped.replace(LEADING_SPACE, "");
      if (rest === "" || isComment(rest)) continue;
      let part: string;
      [part, ended] = continued(stripped);
      line += part;
    }
    const trimmed = line.replace(TRIM_SPACE, "");
    const gap = /[\t\v\f\r ]+/.exec(trimmed);
    const keyword = (gap ? trimmed.slice(0, gap.index) : trimmed).toLowerCase();
    const args = gap ? trimmed.slice(gap.index + gap[0].length) : "";
    out.push({ keyword, args, firstLine: first, lastLine: i, unterminated: !ended });
  }
  return out;
}
