// The build cache is per team. Podman 4.3's buildah (1.28) reuses a cached layer for a step when
// some image in the shared store has the current step's parent layer as its top layer's parent and
// a history equal to the base's plus this step's "created by" text (intermediateImageExists /
// historyAndDiffIDsMatch in imagebuildah/stage_executor.go). Neither --label, the tag, the network
// nor the build args of a step without ARG take part, so two teams building the same base and
// instruction shared one layer: team B got team A's RUN result (made on A's network, with what A's
// earlier steps left), and the build's speed told B what A had built.
//
// The copy of the Dockerfile the engine reads has `LABEL "slipway.team-id"="<team>"` right after
// every FROM: the first step of every stage then has a history entry that names the team, and as
// each later step's cache candidate must carry the whole history up to it, no layer made by one
// team's build can match a step of another's. Builds of the same team (its apps and their next
// commits) still share everything. The label also marks every intermediate image with its team,
// which the image-isolation check reads (FROM <an intermediate image id> is then another team's
// image). Cost: one empty-layer commit per stage on a cold build, 0.15–0.35 s on this two-core
// machine (cold minus warm, printed by tests/integration/daemon/build-cache.test.ts); a warm build
// takes the LABEL from the cache and pays nothing more.
// ONBUILD triggers of a base would run before the label, but buildah ignores them in the OCI
// format that builds here use.
//
// Where the FROMs are is decided the way this engine's parser decides it (openshift/imagebuilder's
// dockerfile/parser of Podman 4.3): parser directives (# escape=) at the top, lines ending with the
// escape character continued, comment and blank lines inside a continuation skipped, the keyword
// the first word. It has no heredocs: each line of `RUN <<EOF` … `EOF` is an instruction of its
// own to it, and so it is here. Bytes are kept as they are: lines are split on \n in the raw bytes
// and only decoded to find keywords.

/** One instruction as the engine's parser sees it; lines are 0-based indexes of physical lines. */
export interface DockerfileInstruction {
  /** lower case, as the parser's dispatch sees it */
  keyword: string;
  firstLine: number;
  lastLine: number;
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
    const keyword = line.replace(TRIM_SPACE, "").split(/[\t\v\f\r ]+/, 1)[0]!.toLowerCase();
    out.push({ keyword, firstLine: first, lastLine: i, unterminated: !ended });
  }
  return out;
}

/** Team ids are cuids; anything else would need quoting rules in the LABEL line. */
const SCOPE = /^[A-Za-z0-9_-]{1,100}$/;

export const CACHE_SCOPE_LABEL = "slipway.team-id";

/**
 * The Dockerfile with the team's LABEL after every FROM, byte for byte otherwise. Throws when the
 * file ends inside a continued FROM (a line after it would be joined into the FROM).
 */
export function scopeBuildCache(dockerfile: Buffer, teamId: string): Buffer {
  if (!SCOPE.test(teamId)) throw new Error(`not a team id: ${JSON.stringify(teamId.slice(0, 40))}`);
  const text = dockerfile.toString("utf8");
  const after = new Map<number, boolean>();
  for (const ins of dockerfileInstructions(text)) {
    if (ins.keyword !== "from") continue;
    if (ins.unterminated) throw new Error(`the Dockerfile ends inside the FROM instruction that begins on line ${ins.firstLine + 1}`);
    after.set(ins.lastLine, true);
  }
  // Raw byte lines: the same \n boundaries the decoded text has (UTF-8 never uses 0x0A otherwise).
  const parts: Buffer[] = [];
  let start = dockerfile[0] === 0xef && dockerfile[1] === 0xbb && dockerfile[2] === 0xbf ? 3 : 0;
  if (start) parts.push(dockerfile.subarray(0, 3));
  const label = `LABEL "${CACHE_SCOPE_LABEL}"="${teamId}"`;
  for (let n = 0; start < dockerfile.length; n++) {
    const nl = dockerfile.indexOf(0x0a, start);
    const end = nl < 0 ? dockerfile.length : nl + 1;
    const line = dockerfile.subarray(start, end);
    parts.push(line);
    if (after.has(n)) {
      const crlf = line.length >= 2 && line[line.length - 2] === 0x0d;
      parts.push(Buffer.from(`${nl < 0 ? "\n" : ""}${label}${crlf ? "\r\n" : "\n"}`));
    }
    start = end;
  }
  return Buffer.concat(parts);
}
