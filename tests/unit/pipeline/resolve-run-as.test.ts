// The pipeline's side of the run-as policy: the image's tables are read only for a named USER,
// and a failure to read them or resolve the name fails the build with what to do.
import { describe, expect, it } from "vitest";
import { resolveRunAs } from "@/server/pipeline/resolve-run-as";
import { BuildFailure } from "@/server/pipeline/build-failure";

function engine(files: Record<string, string> | Error) {
  const reads: string[][] = [];
  return {
    reads,
    readImageFiles: async (_image: string, paths: string[]) => {
      reads.push(paths);
      if (files instanceof Error) throw files;
      return new Map(paths.map((p) => [p, files[p] ?? null]));
    },
  };
}

describe("resolveRunAs", () => {
  it("does not open the image for no USER, root or numbers", async () => {
    const e = engine({});
    expect(await resolveRunAs(e, "sha256:1", "")).toEqual({ uid: 10001, gid: 10001, imageUser: "" });
    expect(await resolveRunAs(e, "sha256:1", "1000:50")).toEqual({ uid: 1000, gid: 50, imageUser: "1000:50" });
    expect(await resolveRunAs(e, "sha256:1", "root")).toEqual({ uid: 10001, gid: 10001, imageUser: "root" });
    expect(e.reads).toEqual([]);
  });

  it("resolves a named user from the image's /etc/passwd", async () => {
    const e = engine({ "/etc/passwd": "node:x:1000:1000::/home/node:/bin/sh\n" });
    expect(await resolveRunAs(e, "sha256:1", "node")).toEqual({ uid: 1000, gid: null, imageUser: "node" });
    expect(e.reads).toEqual([["/etc/passwd", "/etc/group"]]);
  });

  it("fails the build with what to do when the name is unknown or the tables cannot be read", async () => {
    await expect(resolveRunAs(engine({ "/etc/passwd": "" }), "sha256:1", "ghost")).rejects.toThrow(BuildFailure);
    await expect(resolveRunAs(engine(new Error("engine gone")), "sha256:1", "node")).rejects.toThrow(
      /USER node names a user or group, and its \/etc\/passwd could not be read to find their numbers \(engine gone\); deploy again, or give numbers/,
    );
  });
});
