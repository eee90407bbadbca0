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
// The same LABEL goes again after the last LABEL instruction of a stage, if it has any: a LABEL
// of the repository's cannot then give the stage's image (the final image included) another
// team's id. That is the only label a build sets: the image's name already says whose app and
// which build it is (imageTag), and a label of its own per build (the build id differs every
// time) was one more step committed as an image on every build, 0.1–0.2 s of a warm one here.
// Where a Dockerfile has no LABEL, that costs nothing; where it has, one step per such stage.
// ONBUILD triggers of a base would run before the label, but buildah ignores them in the OCI
// format that builds here use. The FROMs are found as the engine finds them
// (dockerfile-instructions.ts). Bytes are kept as they are: lines are split on \n in the raw
// bytes and only decoded to find the instructions.
import { IMAGE_LABEL } from "./container-spec";
import { dockerfileInstructions } from "./dockerfile-instructions";

/** Team ids are cuids; anything else would need quoting rules in the LABEL line. */
const SCOPE = /^[A-Za-z0-9_-]{1,100}$/;

/** The team label: it scopes the cache and tells the image check whose intermediate image it is. */
const CACHE_SCOPE_LABEL = IMAGE_LABEL.team;

/**
 * The Dockerfile with the team's LABEL after every FROM and after the last LABEL of each stage,
 * byte for byte otherwise. Throws when the file ends inside a continued FROM or LABEL (a line
 * after it would be joined into it).
 */
export function scopeBuildCache(dockerfile: Buffer, teamId: string): Buffer {
  if (!SCOPE.test(teamId)) throw new Error(`not a team id: ${JSON.stringify(teamId.slice(0, 40))}`);
  const text = dockerfile.toString("utf8");
  // Indexes of the lines the label goes after.
  const after = new Set<number>();
  let inStage = false;
  // The last LABEL of the current stage (one before the first FROM is the engine's error to report).
  let lastLabel: number | null = null;
  for (const ins of dockerfileInstructions(text)) {
    if (ins.keyword !== "from" && ins.keyword !== "label") continue;
    if (ins.unterminated) throw new Error(`the Dockerfile ends inside the ${ins.keyword.toUpperCase()} instruction that begins on line ${ins.firstLine + 1}`);
    if (ins.keyword === "label") {
      if (inStage) lastLabel = ins.lastLine;
      continue;
    }
    if (lastLabel !== null) after.add(lastLabel);
    lastLabel = null;
    inStage = true;
    after.add(ins.lastLine);
  }
  if (lastLabel !== null) after.add(lastLabel);
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
