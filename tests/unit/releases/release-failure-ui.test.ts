// A failed release's card and its row in the releases list, and a crashing live release's card:
// the reason is a sentence, and the container's last lines are shown one per line as printed
// (blank ones and long ones included), from lastLogLines alone.
import { createElement, type ReactElement } from "react";
import { renderToString } from "react-dom/server";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { ReleaseFailure, splitReason } from "@/components/apps/release-failure";
import { ReleaseList } from "@/components/apps/release-list";
import { LiveCrash } from "@/components/apps/live-crash";
import { appKeys } from "@/components/apps/queries";
import type { ReleaseDto } from "@/server/releases/schemas";

function render(element: ReactElement, data: [readonly unknown[], unknown][] = []): string {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity } } });
  for (const [key, value] of data) client.setQueryData(key, value);
  return renderToString(createElement(QueryClientProvider, { client }, element));
}

/** The text of the element with this test id, as the browser shows it (entities decoded, tags gone). */
function textOf(html: string, testId: string): string {
  const m = new RegExp(`data-testid="${testId}"[^>]*>([\\s\\S]*?)</(pre|p)>`).exec(html);
  if (!m) throw new Error(`no ${testId} in ${html}`);
  return m[1]!.replace(/<!-- -->/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, "&");
}

const SENTENCE = "The container exited with code 3 after 2 restarts (crash loop: it stopped 3 times during the rollout); the release was stopped and the previous release keeps serving.";
const LINES = ["starting <v2> & \"friends\"", "", `long:${"✓".repeat(5000)}`, "  indented\ttabbed", "no newline at exit"];

const failed: ReleaseDto = {
  id: "r2",
  version: 2,
  buildId: "b2",
  imageRef: "localhost/app:2",
  imageDigest: "sha256:0123456789abcdef0123456789abcdef",
  status: "FAILED",
  statusReason: SENTENCE,
  createdAt: "2026-11-29T05:00:00.000Z",
  liveAt: null,
  replicas: 1,
  cpuMillicores: 250,
  memoryMib: 64,
  rolloutStartedAt: "2026-11-29T05:00:01.000Z",
  restartCount: 2,
  lastExitCode: 3,
  lastExitAt: "2026-11-29T05:00:04.000Z",
  lastExitOomKilled: false,
  lastLogLines: LINES,
  runAs: null,
};

describe("a failed release's lines", () => {
  it("the failure card shows the reason's sentence and the lines one per line, as printed", () => {
    const html = render(createElement(ReleaseFailure, { release: failed, liveVersion: 1 }));
    expect(textOf(html, "release-failure-reason")).toBe(SENTENCE);
    expect(textOf(html, "release-failure-log")).toBe(LINES.join("\n"));
  });

  it("the releases list keeps blank lines among the last lines", () => {
    const release = { ...failed, lastLogLines: ["earlier", "first", "", "last"] };
    const html = render(createElement(ReleaseList, { appId: "a1", liveReleaseId: null, busy: false }), [[appKeys.releases("a1"), [release]]]);
    expect(textOf(html, "release-reason")).toBe(["exit code 3 · restarted 2 times", SENTENCE, "first", "", "last"].join("\n"));
  });

  it("a release failed before the lines were kept apart shows only its sentence as the reason", () => {
    const legacy = { ...failed, statusReason: `${SENTENCE} Last log lines:\nstarting\ncannot create /data`, lastLogLines: ["starting", "cannot create /data"] };
    expect(splitReason(legacy, 12)).toEqual({ sentence: SENTENCE, lines: ["starting", "cannot create /data"] });
    const oneLine = { ...failed, statusReason: "No replica answered GET / on port 8080. Last log lines: a | b", lastLogLines: ["a", "b"] };
    expect(splitReason(oneLine, 12).sentence).toBe("No replica answered GET / on port 8080.");
  });

  it("the crashing live release's card shows its lines as printed", () => {
    const crash = { since: "2026-11-29T05:00:00.000Z", crashes: 1, lastExitCode: 3, lastExitAt: "2026-11-29T05:00:04.000Z", oomKilled: false, lastLogLines: LINES };
    const html = render(createElement(LiveCrash, { version: 2, crash, autoRollback: true }));
    expect(textOf(html, "live-crash-log")).toBe(LINES.join("\n"));
  });
});
