// The engine's view of a Dockerfile (imagebuilder's parser in Podman 4.3) where it differs from a
// naive reading, and the image check that reads through it: a file that hid a FROM from the check
// while the engine ran it as a stage.
import { describe, expect, it } from "vitest";
import { dockerfileInstructions } from "@/server/daemon/engine/dockerfile-instructions";
import { dockerfileImageReferences } from "@/server/pipeline/image-isolation";

const view = (text: string) => dockerfileInstructions(text).map((i) => [i.keyword, i.args, i.firstLine + 1]);

describe("dockerfileInstructions", () => {
  it("honours `# escape=` only before any other line: a `# syntax=` line ends the directives", () => {
    const text = "# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN echo `\nFROM b\n";
    expect(view(text)).toEqual([["from", "a", 3], ["run", "echo `", 4], ["from", "b", 5]]);
  });

  it("joins a continuation without putting a blank where the escape character was", () => {
    expect(view("FROM local\\\nhost/x:1 AS y\n")).toEqual([["from", "localhost/x:1 AS y", 1]]);
  });

  it("takes a line of blanks and comments inside a continuation out, not as its end", () => {
    expect(view("RUN a \\\n \t\n   # c \\\n  b\nCMD x\n")).toEqual([["run", "a   b", 1], ["cmd", "x", 5]]);
  });
});

describe("the image check reads the FROMs the engine reads", () => {
  it("checks a FROM that follows a RUN ending with a backtick after a `# syntax=` line", () => {
    const text = "# syntax=docker/dockerfile:1\n# escape=`\nFROM busybox\nRUN echo `\nFROM localhost/slipway/someone-else:1\n";
    expect(dockerfileImageReferences(text).map((r) => r.ref)).toEqual(["busybox", "localhost/slipway/someone-else:1"]);
  });

  it("checks the image name a continuation splits, joined as the engine joins it", () => {
    expect(dockerfileImageReferences("FROM localhost/slipway/some\\\none-else:1\n").map((r) => r.ref)).toEqual(["localhost/slipway/someone-else:1"]);
  });
});
