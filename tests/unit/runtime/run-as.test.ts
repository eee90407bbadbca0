// The one run-as policy of both runtimes: the image's own non-root user, or 10001 instead of root
// or no USER; names resolved from the image's tables; what the engine and the cluster are told.
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { DEFAULT_RUN_AS_ID, describeRunAs, engineUser, needsUserTables, runAsFor, RunAsError, runAsReason, volumeGroup, writeAccessHint } from "@/server/runtime/run-as";
import { crashLoopReason } from "@/server/daemon/reconcile/crash-loop";
import { planContainer } from "@/server/daemon/engine/container-spec";
import { appManifests } from "@/server/runtime/kubernetes/app-manifests";
import type { WorkloadSpec } from "@/server/runtime/runtime-driver";
import type { V1Deployment } from "@kubernetes/client-node";
import { ReleaseList } from "@/components/apps/release-list";
import { appKeys } from "@/components/apps/queries";

const TABLES = {
  passwd: ["root:x:0:0:root:/root:/bin/sh", "toor:x:0:0::/:/bin/sh", "node:x:1000:1000::/home/node:/bin/sh", "app:x:2345:3000::/app:/bin/sh", ""].join("\n"),
  group: ["root:x:0:", "node:x:1000:", "web:x:4000:app", ""].join("\n"),
};

describe("runAsFor", () => {
  it("runs an image without USER, or with root by name, number or a name that is uid 0, as 10001:10001", () => {
    for (const user of ["", "  ", "root", "0", "0:0", "root:root", "toor"]) {
      const r = runAsFor(user, TABLES);
      expect([r.uid, r.gid], user).toEqual([DEFAULT_RUN_AS_ID, DEFAULT_RUN_AS_ID]);
      expect(runAsReason(r), user).toBe(user.trim() === "" ? "no-user" : "root");
    }
  });

  it("keeps the image's own non-root user, numeric or named, and its group when it names one", () => {
    expect(runAsFor("1000")).toEqual({ uid: 1000, gid: null, imageUser: "1000" });
    expect(runAsFor("1000:50")).toEqual({ uid: 1000, gid: 50, imageUser: "1000:50" });
    expect(runAsFor("node", TABLES)).toEqual({ uid: 1000, gid: null, imageUser: "node" });
    expect(runAsFor("app:web", TABLES)).toEqual({ uid: 2345, gid: 4000, imageUser: "app:web" });
    expect(runAsFor("2345:web", TABLES)).toEqual({ uid: 2345, gid: 4000, imageUser: "2345:web" });
    expect(runAsReason(runAsFor("node", TABLES))).toBe("image");
    // A user of its own that happens to be 10001 is still the image's user.
    expect(runAsReason(runAsFor("10001:10001"))).toBe("image");
  });

  it("refuses, with what to change, a user or group the image's tables do not name", () => {
    expect(() => runAsFor("ghost", TABLES)).toThrow(RunAsError);
    expect(() => runAsFor("ghost", TABLES)).toThrow(/USER ghost names a user that is not in the image's \/etc\/passwd; add the user/);
    expect(() => runAsFor("node:nogroup", TABLES)).toThrow(/names a group that is not in the image's \/etc\/group/);
    // An image with no /etc/passwd at all (FROM scratch).
    expect(() => runAsFor("node")).toThrow(RunAsError);
  });

  it("reads the image's tables only when USER names a user or a group", () => {
    expect(["", "1000", "1000:50", "0", "root"].map(needsUserTables)).toEqual([false, false, false, false, false]);
    expect(["node", "1000:web", "app:50"].map(needsUserTables)).toEqual([true, true, true]);
  });

  it("says whom it runs as and why", () => {
    expect(describeRunAs(runAsFor(""))).toMatch(/^Runs as user 10001, group 10001: the image declares no USER, and Slipway never runs an app as root/);
    expect(describeRunAs(runAsFor("root"))).toMatch(/the image's USER root is root/);
    expect(describeRunAs(runAsFor("node", TABLES))).toBe("Runs as user 1000, group (the user's own, from the image's /etc/passwd): the image's USER node, the same on every runtime");
  });
});

describe("a crash that looks like a write the non-root user may not make says what to do", () => {
  it("names the user and the fix when the lines show a denied write, and says nothing otherwise", () => {
    const denied = ["starting", "touch: /data/notes.db: Permission denied"];
    expect(writeAccessHint(denied, runAsFor(""))).toBe(
      " It runs as user 10001 (Slipway never runs an app as root) on every runtime: if it could not write a file, make that directory writable in the Dockerfile (RUN mkdir -p <dir> && chown 10001 <dir>), or write under /tmp.",
    );
    expect(writeAccessHint(["PermissionError: [Errno 13] Permission denied: '/app/notes.json'"], runAsFor("node", TABLES))).toMatch(/^ It runs as the image's user 1000 on every runtime/);
    expect(writeAccessHint(["EROFS: read-only file system, open '/x'"], runAsFor(""))).not.toBe("");
    expect(writeAccessHint(["Error: listen EADDRINUSE :::8080"], runAsFor(""))).toBe("");
    // A release made before the policy ran as its image's user: no claim about whom it runs as.
    expect(writeAccessHint(denied, null)).toBe("");
    const reason = crashLoopReason({ exitCode: 3, oomKilled: false, memoryMib: 64, restarts: 2, lines: denied, runAs: runAsFor("") });
    expect(reason).toMatch(/^The container exited with code 3 after 2 restarts .* keeps serving\. It runs as user 10001 .* or write under \/tmp\.$/);
  });
});

const spec = (runAs: WorkloadSpec["runAs"]): WorkloadSpec => ({
  teamSlug: "acme", projectSlug: "shop", appSlug: "web", appId: "a1", releaseId: "r1", releaseVersion: 1,
  imageRef: "localhost/slipway/app-a1:b1", containerPort: 8080, healthCheckPath: "/", cpuMillicores: 250, memoryMib: 64, replicas: 1, env: {}, runAs, volumes: [],
});

function podSecurity(runAs: WorkloadSpec["runAs"]) {
  const d = appManifests(spec(runAs), { image: "localhost/slipway/app-a1@sha256:1" }).find((o) => o.kind === "Deployment") as V1Deployment;
  return d.spec!.template.spec!.securityContext!;
}

describe("both runtimes are told the same user and group", () => {
  for (const runAs of [runAsFor(""), runAsFor("1000"), runAsFor("app:web", TABLES)]) {
    it(`${engineUser(runAs)}: Podman's User and GroupAdd match the pod's runAsUser, runAsGroup and fsGroup`, () => {
      const o = planContainer(spec(runAs), 0, "0123456789abcdef", "sha256:x").options;
      const pod = podSecurity(runAs);
      expect(o.User).toBe(runAs.gid === null ? String(runAs.uid) : `${runAs.uid}:${runAs.gid}`);
      expect(pod.runAsUser).toBe(runAs.uid);
      expect(pod.runAsGroup).toBe(runAs.gid ?? undefined);
      expect(pod.runAsNonRoot).toBe(true);
      expect(o.HostConfig!.GroupAdd).toEqual([String(volumeGroup(runAs))]);
      expect(pod.fsGroup).toBe(volumeGroup(runAs));
    });
  }

  it("a release made before the policy runs as it did: the image's user on Podman, 10001 on a cluster", () => {
    const o = planContainer(spec(null), 0, "0123456789abcdef", "sha256:x").options;
    expect(o.User).toBeUndefined();
    expect(o.HostConfig!.GroupAdd).toBeUndefined();
    expect(podSecurity(null)).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 });
  });
});

describe("the releases list says whom each release runs as", () => {
  it("shows the ids, flags Slipway's default user, and gives the whole sentence as its title", () => {
    const base = { buildId: null, imageRef: "i", imageDigest: "sha256:0123456789abcdef0123", status: "LIVE", statusReason: null, createdAt: "2026-11-29T05:00:00.000Z", liveAt: null, replicas: 1, cpuMillicores: 250, memoryMib: 64, rolloutStartedAt: null, restartCount: 0, lastExitCode: null, lastExitAt: null, lastExitOomKilled: false, lastLogLines: [] };
    const dto = (r: ReturnType<typeof runAsFor>) => ({ ...r, reason: runAsReason(r), summary: describeRunAs(r) });
    const releases = [
      { ...base, id: "r2", version: 2, runAs: dto(runAsFor("")) },
      { ...base, id: "r1", version: 1, runAs: dto(runAsFor("node", TABLES)) },
      { ...base, id: "r0", version: 0, runAs: null },
    ];
    const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity } } });
    client.setQueryData(appKeys.releases("a1"), releases);
    const html = renderToString(createElement(QueryClientProvider, { client }, createElement(ReleaseList, { appId: "a1", liveReleaseId: "r2", busy: false })));
    const shown = [...html.matchAll(/data-testid="release-run-as"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(shown).toEqual(["runs as 10001:10001 (image has no USER)", "runs as 1000"]);
    expect(html).toContain('title="Runs as user 10001, group 10001: the image declares no USER');
  });
});
