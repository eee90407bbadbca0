import { describe, expect, it } from "vitest";
import type { ImageInfo } from "@/server/daemon/engine/engine";
import { assertImagesAllowed, dockerfileImageReferences } from "@/server/pipeline/image-isolation";

const refs = (df: string) => dockerfileImageReferences(df).map((r) => r.ref);

describe("dockerfileImageReferences", () => {
  it("finds FROM, COPY --from and RUN --mount from= images, skipping stages, indexes and scratch", () => {
    const df = [
      "# syntax=docker/dockerfile:1",
      "FROM --platform=linux/amd64 node:20 AS build",
      "RUN --mount=type=cache,target=/root/.npm --mount=type=bind,from=tools:1,source=/x,target=/y npm ci",
      "from build as again",
      "COPY --from=build /app /app",
      "COPY --from=0 /a /b",
      "COPY --from=localhost/other:2 /etc/passwd /x",
      "FROM scratch",
      "ADD --chown=1 --from=helper:3 /a /b",
    ].join("\n");
    expect(refs(df)).toEqual(["node:20", "tools:1", "localhost/other:2", "helper:3"]);
  });

  it("expands ARG defaults (global for FROM, stage-scoped for COPY), line continuations and the escape directive", () => {
    const df = [
      "ARG REG=localhost",
      "ARG IMG=${REG}/slipway/app-x:b7",
      "FROM \\",
      "  $IMG AS base",
      "ARG SRC=${UNSET:-side:1}",
      "COPY --from=${SRC} /a /b",
    ].join("\n");
    expect(refs(df)).toEqual(["localhost/slipway/app-x:b7", "side:1"]);
    expect(refs("# escape=`\nFROM a:1 `\n  AS x\nCOPY --from=b:2 `\n /a /b\n")).toEqual(["a:1", "b:2"]);
  });

  it("refuses references it cannot resolve, with the line and the argument", () => {
    expect(() => dockerfileImageReferences("ARG BASE\nFROM $BASE\n")).toThrow(/line 2.*\$BASE.*no default value/);
    expect(() => dockerfileImageReferences("FROM a\nCOPY --from=${X} / /\n")).toThrow(/COPY --from.*\$X/);
  });
});

describe("assertImagesAllowed", () => {
  const image = (labels: Record<string, string>, extra: Partial<ImageInfo> = {}): ImageInfo => ({ id: "sha256:1", labels, repoTags: [], repoDigests: [], onBuild: [], user: "", ...extra });
  const store = new Map<string, ImageInfo>([
    ["localhost/slipway/app-mine:b1", image({ "slipway.team-id": "team-a" })],
    ["localhost/slipway/app-theirs:b7", image({ "slipway.team-id": "team-b" })],
    ["sha256:theirs", image({ "slipway.team-id": "team-b" })],
    ["localhost/slipway/legacy-web:b1", image({}, { repoTags: ["localhost/slipway/legacy-web:b1"] })],
    ["base:1", image({ maintainer: "ops" })],
    ["trap:1", image({}, { onBuild: ["COPY --from=localhost/slipway/app-theirs:b7 / /stolen"] })],
  ]);
  const check = (dockerfile: string) => assertImagesAllowed({ dockerfile, teamId: "team-a", inspect: async (r) => store.get(r) ?? null, pushPrefixes: ["127.0.0.1:5000/slipway"] });

  it("allows operator bases, unknown public images and the team's own builds", async () => {
    await expect(check("FROM base:1\nCOPY --from=localhost/slipway/app-mine:b1 / /\nFROM docker.io/library/node:20\n")).resolves.toBeUndefined();
  });

  it("refuses another team's image by name, id, COPY --from, ARG default or ONBUILD trigger", async () => {
    await expect(check("FROM localhost/slipway/app-theirs:b7")).rejects.toThrow(/another team/);
    await expect(check("FROM sha256:theirs")).rejects.toThrow(/another team/);
    await expect(check("FROM base:1\nCOPY --from=localhost/slipway/app-theirs:b7 / /x")).rejects.toThrow(/line 2 \(COPY --from\).*another team/);
    await expect(check("ARG T=theirs\nFROM localhost/slipway/app-${T}:b7")).rejects.toThrow(/another team/);
    await expect(check("FROM trap:1")).rejects.toThrow(/ONBUILD trigger of trap:1.*another team/);
  });

  it("refuses unlabelled Slipway builds and Slipway names the engine does not have yet", async () => {
    await expect(check("FROM localhost/slipway/legacy-web:b1")).rejects.toThrow(/another team/);
    await expect(check("FROM localhost/slipway/app-future:b9")).rejects.toThrow(/no image of this team has that name/);
    await expect(check("FROM slipway/app-future:b9")).rejects.toThrow(/no image of this team has that name/);
    await expect(check("FROM 127.0.0.1:5000/slipway/slipway/app-theirs:b8")).rejects.toThrow(/no image of this team/);
    await expect(check("FROM 0123456789ab")).rejects.toThrow(/no image with that id/);
    await expect(check(`FROM sha256:${"a".repeat(64)}`)).rejects.toThrow(/no image with that id/);
  });
});
