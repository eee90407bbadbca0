import { describe, expect, it } from "vitest";
import { liveLogUrl, logDownloadUrl, logFilterParams } from "@/components/logs/queries";
import { lineLinkSearch } from "@/components/logs/log-format";
import { latestAndPeak } from "@/components/metrics/metric-format";

describe("log view URLs", () => {
  it("search and download carry the same filters", () => {
    const filters = { q: "fatal: x&y", from: 1000, to: 2000, release: "rel1", replica: "slipway-abc-1", stream: "stderr" as const };
    expect(Object.fromEntries(logFilterParams(filters))).toEqual({ q: "fatal: x&y", from: "1000", to: "2000", release: "rel1", replica: "slipway-abc-1", stream: "stderr" });
    const download = new URL(logDownloadUrl("app1", filters, "ndjson"), "http://x");
    expect(download.pathname).toBe("/api/v1/apps/app1/logs/download");
    expect(Object.fromEntries(download.searchParams)).toEqual({ ...Object.fromEntries(logFilterParams(filters)), format: "ndjson" });
  });

  it("leaves unset filters out", () => {
    expect(logFilterParams({}).toString()).toBe("");
  });

  it("the live tail starts with the newest lines, a resume after the last seq (never both)", () => {
    expect(liveLogUrl("app1", { releaseId: "rel1", tail: 200, after: null })).toBe("/api/v1/apps/app1/logs?tail=200&release=rel1");
    expect(liveLogUrl("app1", { releaseId: null, tail: 200, after: 42 })).toBe("/api/v1/apps/app1/logs?after=42");
  });

  it("a line link names the line and its time", () => {
    expect(lineLinkSearch({ seq: 7, time: "2026-01-02T03:04:05.006Z" })).toBe(`?line=7&at=${Date.parse("2026-01-02T03:04:05.006Z")}#L7`);
  });
});

describe("chart summaries", () => {
  it("take the newest known value and the peak, skipping gaps", () => {
    expect(latestAndPeak([{ v: 1 }, { v: 5 }, { v: 2 }, { v: null }], (p) => p.v)).toEqual({ latest: 2, peak: 5 });
    expect(latestAndPeak([{ v: null }], (p) => p.v)).toEqual({ latest: null, peak: null });
  });
});
