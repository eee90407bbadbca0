// The build history renders what the API returns: one row per build with number, status, who or
// what triggered it, short sha and duration; cancel only on queued/running rows and only for
// members who may deploy; the newest build's steps and log below.
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { BuildHistory } from "@/components/builds/build-history";
import { formatDuration, triggerText } from "@/components/builds/build-text";
import type { BuildDto } from "@/server/builds/schemas";

function build(over: Partial<BuildDto>): BuildDto {
  return {
    id: `b${over.number ?? 1}`,
    appId: "app1",
    number: 1,
    status: "SUCCEEDED",
    trigger: "manual",
    triggeredBy: { name: "Ada" },
    commitMessage: null,
    commitAuthor: null,
    deliveryId: null,
    durationMs: 4250,
    canceledBy: null,
    gitRef: "main",
    commitSha: "0123456789abcdef0123456789abcdef01234567",
    imageDigest: null,
    error: null,
    queuedAt: "2026-11-28T10:00:00.000Z",
    startedAt: "2026-11-28T10:00:01.000Z",
    finishedAt: "2026-11-28T10:00:05.250Z",
    steps: [],
    releaseId: null,
    ...over,
  };
}

const builds = [
  build({ number: 4, status: "QUEUED", trigger: "redeliver", durationMs: null, startedAt: null, finishedAt: null, commitSha: null }),
  build({ number: 3, status: "RUNNING", trigger: "push", triggeredBy: null, commitMessage: "Speed up the index", commitAuthor: "Grace", deliveryId: "gh-1" }),
  build({ number: 2, status: "CANCELED", canceledBy: { name: "Ada" }, error: "Canceled by Ada" }),
  build({ number: 1 }),
];

function render(canDeploy: boolean): string {
  const client = new QueryClient();
  return renderToString(createElement(QueryClientProvider, { client }, createElement(BuildHistory, { appId: "app1", builds, canDeploy })));
}

describe("build history", () => {
  it("says who or what triggered a build", () => {
    expect(triggerText(builds[0]!)).toBe("redelivered by Ada");
    expect(triggerText(builds[1]!)).toBe("push · Speed up the index (Grace)");
    expect(triggerText(builds[3]!)).toBe("manual by Ada");
    expect(triggerText(build({ triggeredBy: null }))).toBe("manual");
    expect(formatDuration(4250)).toBe("4.3 s");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
    expect(formatDuration(null)).toBe("");
  });

  it("lists every build, cancel on queued and running rows for members who may deploy, the newest build's panel", () => {
    const html = render(true);
    expect(html).toContain('data-testid="build-history"');
    expect(html.match(/data-testid="build-row"/g)).toHaveLength(4);
    for (const n of [4, 3, 2, 1]) expect(html).toContain(`#<!-- -->${n}`);
    expect(html).toContain("push · Speed up the index (Grace)");
    expect(html).toContain("0123456");
    expect(html).toContain("4.3 s");
    expect(html).toContain(">CANCELED<");
    expect(html).toContain("manual by Ada<!-- --> · canceled by Ada");
    expect(html.match(/data-testid="cancel-build"/g)).toHaveLength(2);
    expect(html).toContain('data-testid="build-panel"');
    expect(html).toContain("Build #<!-- -->4");
  });

  it("shows no cancel button to a viewer", () => {
    expect(render(false)).not.toContain('data-testid="cancel-build"');
  });
});
