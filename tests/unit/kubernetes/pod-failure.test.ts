import { describe, expect, it } from "vitest";
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import { podFailure } from "@/server/runtime/kubernetes/pod-failure";

const pod = (name: string, statuses: Partial<V1ContainerStatus>[], deleting = false): V1Pod => ({
  metadata: { name, ...(deleting ? { deletionTimestamp: new Date() } : {}) },
  status: { containerStatuses: statuses.map((s) => ({ name: "web", image: "x", imageID: "", ready: false, restartCount: 0, ...s })) },
});

describe("podFailure", () => {
  it("is null while pods start or run", () => {
    expect(podFailure([pod("a", [{ state: { waiting: { reason: "ContainerCreating" } } }]), pod("b", [{ ready: true, state: { running: {} } }])], 3)).toBeNull();
  });

  it("names a crash loop with the exit code and the restarts", () => {
    const f = podFailure([pod("web-1", [{ restartCount: 3, state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { exitCode: 3, reason: "Error" } } }])], 3);
    expect(f).toEqual({ reason: "CrashLoopBackOff", message: "pod web-1: container web exited with code 3 and was restarted 3 times (crash loop)" });
  });

  it("says out of memory for an OOM kill, and counts restarts at the limit as a crash loop", () => {
    const oom = pod("web-2", [{ restartCount: 3, state: { running: {} }, lastState: { terminated: { exitCode: 137, reason: "OOMKilled" } } }]);
    expect(podFailure([oom], 3)?.message).toContain("was killed: out of memory (limit unknown) and was restarted 3 times");
    // With the limit the pod was given, as the embedded runtime says it.
    oom.spec = { containers: [{ name: "web", resources: { limits: { memory: "64Mi" } } }] };
    expect(podFailure([oom], 3)?.message).toContain("was killed: out of memory (limit 64Mi) and was restarted 3 times");
    expect(podFailure([pod("web-2", [{ restartCount: 2, state: { running: {} }, lastState: { terminated: { exitCode: 1 } } }])], 3)).toBeNull();
  });

  it("ends at once on an image the kubelet cannot pull, with its message", () => {
    const f = podFailure([pod("web-3", [{ state: { waiting: { reason: "ImagePullBackOff", message: "Back-off pulling image \"registry.local/x:1\"" } } }])], 3);
    expect(f?.reason).toBe("ImagePullBackOff");
    expect(f?.message).toContain("cannot start (ImagePullBackOff): Back-off pulling image");
  });

  it("ignores pods being deleted", () => {
    expect(podFailure([pod("old", [{ state: { waiting: { reason: "CrashLoopBackOff" } } }], true)], 3)).toBeNull();
  });
});
