// Where the team's cache-scope LABEL goes: right after every FROM as this engine's parser
// (imagebuilder, Podman 4.3) sees FROMs, and after the last LABEL of a stage (so the repository's
// own LABEL cannot name another team), nowhere else; every other byte kept.
import { describe, expect, it } from "vitest";
import { scopeBuildCache } from "@/server/daemon/engine/build-cache-scope";
import { dockerfileInstructions } from "@/server/daemon/engine/dockerfile-instructions";

const TEAM = "cteam0000000000000000001";
const LABEL = `LABEL "slipway.team-id"="${TEAM}"`;
const scoped = (text: string) => scopeBuildCache(Buffer.from(text, "utf8"), TEAM).toString("utf8");
const keywords = (text: string) => dockerfileInstructions(text).map((i) => i.keyword);

describe("scopeBuildCache", () => {
  it("puts the label after the FROM of a one-stage file, after global ARGs", () => {
    expect(scoped("ARG BASE=busybox\nFROM $BASE\nRUN make\nCOPY . /src\n")).toBe(`ARG BASE=busybox\nFROM $BASE\n${LABEL}\nRUN make\nCOPY . /src\n`);
  });

  it("puts it after every stage's FROM, whatever the case of the keyword", () => {
    const out = scoped("FROM a AS build\nRUN make\nfrom  b\nCOPY --from=build /x /x\n  From --platform=linux/amd64 c AS last\n");
    expect(out).toBe(`FROM a AS build\n${LABEL}\nRUN make\nfrom  b\n${LABEL}\nCOPY --from=build /x /x\n  From --platform=linux/amd64 c AS last\n${LABEL}\n`);
  });

  it("puts it after the last line of a continued FROM, comments and blank lines inside included", () => {
    expect(scoped("FROM \\\n# a comment\n\n  busybox \\\n  AS x\nRUN true\n")).toBe(`FROM \\\n# a comment\n\n  busybox \\\n  AS x\n${LABEL}\nRUN true\n`);
  });

  it("does not take a FROM inside another continued instruction for a stage", () => {
    const text = "FROM a\nRUN echo \\\n  # skipped\nFROM b\nRUN true\n";
    expect(keywords(text)).toEqual(["from", "run", "run"]);
    expect(scoped(text)).toBe(`FROM a\n${LABEL}\nRUN echo \\\n  # skipped\nFROM b\nRUN true\n`);
  });

  it("follows the escape directive: with a backtick, a trailing backslash continues nothing", () => {
    const text = "# escape=`\nFROM a\nRUN dir c:\\\nFROM b `\n  AS two\nRUN x\n";
    expect(keywords(text)).toEqual(["from", "run", "from", "run"]);
    expect(scoped(text)).toBe(`# escape=\`\nFROM a\n${LABEL}\nRUN dir c:\\\nFROM b \`\n  AS two\n${LABEL}\nRUN x\n`);
  });

  it("ignores an escape directive after the first non-directive line, as the engine does", () => {
    const text = "\n# escape=`\nFROM a\nRUN x \\\nFROM b\n";
    expect(keywords(text)).toEqual(["from", "run"]);
  });

  it("sees each line of a heredoc as an instruction, as this engine (no heredocs) does", () => {
    const text = "FROM a\nRUN <<EOF\nFROM b\nEOF\n";
    expect(keywords(text)).toEqual(["from", "run", "from", "eof"]);
    expect(scoped(text)).toBe(`FROM a\n${LABEL}\nRUN <<EOF\nFROM b\n${LABEL}\nEOF\n`);
  });

  it("trims what Go's unicode.IsSpace trims before the keyword", () => {
    expect(keywords("\u00a0\u2003FROM a\n\u0085FROM b\n")).toEqual(["from", "from"]);
    expect(keywords("\uFEFFFROM a\n")).toEqual(["from"]);
  });

  it("keeps CRLF line ends, a BOM, a missing final newline and bytes that are not UTF-8", () => {
    const raw = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("FROM a\r\nRUN echo "), Buffer.from([0xe9, 0xff]), Buffer.from("\r\nFROM b")]);
    const out = scopeBuildCache(raw, TEAM);
    const expected = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`FROM a\r\n${LABEL}\r\nRUN echo `),
      Buffer.from([0xe9, 0xff]),
      Buffer.from(`\r\nFROM b\n${LABEL}\n`),
    ]);
    expect(out.equals(expected)).toBe(true);
  });

  it("refuses a file that ends inside a continued FROM (the label would join it)", () => {
    expect(() => scoped("FROM a \\")).toThrow(/ends inside the FROM/);
    expect(() => scoped("FROM a \\\n\n# c\n")).toThrow(/ends inside the FROM/);
  });

  it("puts it again after the last LABEL of each stage, and only there", () => {
    const text = 'FROM a\nLABEL "slipway.team-id"="other"\nRUN x\nlabel b=c \\\n  d=e\nCOPY . /\nFROM b\nRUN y\nFROM c\nLABEL x=y\n';
    expect(scoped(text)).toBe(
      `FROM a\n${LABEL}\nLABEL "slipway.team-id"="other"\nRUN x\nlabel b=c \\\n  d=e\n${LABEL}\nCOPY . /\nFROM b\n${LABEL}\nRUN y\nFROM c\n${LABEL}\nLABEL x=y\n${LABEL}\n`,
    );
  });

  it("leaves a file without LABEL one label per FROM: nothing is added at its end", () => {
    expect(scoped("FROM a\nCOPY . /\nCMD x\n")).toBe(`FROM a\n${LABEL}\nCOPY . /\nCMD x\n`);
  });

  it("does not count an ONBUILD LABEL (a trigger for later builds) or a LABEL before the first FROM", () => {
    expect(scoped("LABEL a=b\nFROM a\nONBUILD LABEL x=y\n")).toBe(`LABEL a=b\nFROM a\n${LABEL}\nONBUILD LABEL x=y\n`);
  });

  it("adds the line end a last LABEL lacks, and refuses a file that ends inside a continued LABEL", () => {
    expect(scoped("FROM a\nLABEL x=y")).toBe(`FROM a\n${LABEL}\nLABEL x=y\n${LABEL}\n`);
    expect(() => scoped("FROM a\nLABEL x=y \\")).toThrow(/ends inside the LABEL/);
  });

  it("refuses a scope that would need quoting", () => {
    expect(() => scopeBuildCache(Buffer.from("FROM a\n"), 'x" "y')).toThrow(/not a team id/);
  });
});
