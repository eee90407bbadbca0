import { describe, expect, it } from "vitest";
import { effectiveBranchFilter, matchesBranchFilter } from "@/server/webhooks/branch-filter";

describe("branch filter", () => {
  it("matches an exact name exactly", () => {
    expect(matchesBranchFilter("main", "main")).toBe(true);
    expect(matchesBranchFilter("main2", "main")).toBe(false);
    expect(matchesBranchFilter("feature/main", "main")).toBe(false);
  });

  it("lets * match within one part, ** across parts, ? one character", () => {
    expect(matchesBranchFilter("release/1.2", "release/*")).toBe(true);
    expect(matchesBranchFilter("release/1.2/hotfix", "release/*")).toBe(false);
    expect(matchesBranchFilter("release/1.2/hotfix", "release/**")).toBe(true);
    expect(matchesBranchFilter("release", "release/*")).toBe(false);
    expect(matchesBranchFilter("v1", "v?")).toBe(true);
    expect(matchesBranchFilter("v12", "v?")).toBe(false);
    expect(matchesBranchFilter("a/b", "a?b")).toBe(false);
    expect(matchesBranchFilter("feat-x-y", "feat-*-y")).toBe(true);
    expect(matchesBranchFilter("anything/at/all", "**")).toBe(true);
    expect(matchesBranchFilter("x/release/y", "**/release/*")).toBe(true);
  });

  it("treats regular-expression characters as literals", () => {
    expect(matchesBranchFilter("v1.2", "v1.2")).toBe(true);
    expect(matchesBranchFilter("v1x2", "v1.2")).toBe(false);
    expect(matchesBranchFilter("v1x2", "v1.*")).toBe(false);
    expect(matchesBranchFilter("a+b", "a+*")).toBe(true);
  });

  it("stays fast on a pathological pattern", () => {
    const started = performance.now();
    expect(matchesBranchFilter(`${"a".repeat(250)}b`, `${"*a".repeat(60)}*c`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it("falls back to the app's branch when no filter is set", () => {
    expect(effectiveBranchFilter({ pushBranchFilter: "", gitBranch: "trunk" })).toBe("trunk");
    expect(effectiveBranchFilter({ pushBranchFilter: "release/*", gitBranch: "trunk" })).toBe("release/*");
  });
});
