// Which images are asked about while git clones, and how the check takes those answers: only the
// app's own last build's references, each answer once, a failure thrown where it is taken and
// never as an unhandled rejection. (The engine's answers themselves: the daemon tests, real Podman.)
import { describe, expect, it } from "vitest";
import type { ImageInfo } from "@/server/daemon/engine/engine";
import { assertImagesAllowed } from "@/server/pipeline/image-isolation";
import { prefetchImages, rememberImages } from "@/server/pipeline/image-prefetch";

const info = (id: string, team?: string): ImageInfo => ({
  id,
  labels: team ? { "slipway.team-id": team } : {},
  repoTags: [],
  repoDigests: [],
  onBuild: [],
  user: "",
});

/** An inspect that records every reference it was asked about, in order. */
function recording(answers: Record<string, ImageInfo | Error | null>) {
  const asked: string[] = [];
  const inspect = async (ref: string) => {
    asked.push(ref);
    const a = answers[ref];
    if (a instanceof Error) throw a;
    return a ?? null;
  };
  return { asked, inspect };
}

let n = 0;
const appId = () => `app${Date.now().toString(36)}${n++}`;

describe("prefetchImages", () => {
  it("asks nothing early for an app's first build, and passes every question through", async () => {
    const app = appId();
    const r = recording({ "base:1": info("sha256:1") });
    const inspect = prefetchImages(app, r.inspect);
    expect(r.asked).toEqual([]);
    expect(await inspect("base:1")).toEqual(info("sha256:1"));
    expect(r.asked).toEqual(["base:1"]);
  });

  it("asks about the last build's images at once and answers the check from those answers, each once", async () => {
    const app = appId();
    rememberImages(app, "FROM base:1 AS b\nCOPY --from=tools:2 /x /x\nFROM b\nCOPY --from=base:1 /y /y\n");
    const r = recording({ "base:1": info("sha256:1"), "tools:2": info("sha256:2"), "new:3": info("sha256:3") });
    const inspect = prefetchImages(app, r.inspect);
    expect(r.asked).toEqual(["base:1", "tools:2"]);
    expect(await inspect("tools:2")).toEqual(info("sha256:2"));
    expect(await inspect("new:3")).toEqual(info("sha256:3"));
    expect(r.asked).toEqual(["base:1", "tools:2", "new:3"]);
    // Taken once: asking again asks the engine again.
    await inspect("tools:2");
    expect(r.asked).toEqual(["base:1", "tools:2", "new:3", "tools:2"]);
  });

  it("keeps apps apart and follows the app's latest Dockerfile", async () => {
    const [a, b] = [appId(), appId()];
    rememberImages(a, "FROM one:1\n");
    rememberImages(a, "FROM two:2\n");
    rememberImages(b, "FROM three:3\n");
    const r = recording({});
    prefetchImages(a, r.inspect);
    expect(r.asked).toEqual(["two:2"]);
  });

  it("throws an early failure where the check takes it, and leaves none unhandled when it is never taken", async () => {
    const app = appId();
    rememberImages(app, "FROM broken:1\nFROM unused:2\n");
    const r = recording({ "broken:1": new Error("engine down"), "unused:2": new Error("also down") });
    const inspect = prefetchImages(app, r.inspect);
    await expect(inspect("broken:1")).rejects.toThrow("engine down");
    // unused:2's rejection is never taken; Vitest fails the run on an unhandled rejection.
    await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it("gives the check the same verdicts: another team's image is refused from an early answer too", async () => {
    const app = appId();
    rememberImages(app, "FROM localhost/slipway/app-other:b1\n");
    const r = recording({ "localhost/slipway/app-other:b1": info("sha256:9", "cteamother") });
    const inspect = prefetchImages(app, r.inspect);
    await expect(assertImagesAllowed({ dockerfile: "FROM localhost/slipway/app-other:b1\n", teamId: "cteammine", inspect })).rejects.toThrow(/another team/);
    expect(r.asked).toEqual(["localhost/slipway/app-other:b1"]);
  });

  it("remembers nothing of a Dockerfile whose images cannot be told (an ARG without default)", async () => {
    const app = appId();
    rememberImages(app, "FROM base:1\n");
    rememberImages(app, "ARG BASE\nFROM $BASE\n");
    const r = recording({});
    prefetchImages(app, r.inspect);
    expect(r.asked).toEqual([]);
  });
});
