// The cluster view's compact pod DTO, from the pod JSON the API server sends.
import { describe, expect, it } from "vitest";
import { managedPodSelector, toManagedPodDto } from "@/server/runtime/kubernetes/managed-pods";

const labels = {
  "app.kubernetes.io/managed-by": "slipway",
  "slipway.dev/team": "acme",
  "slipway.dev/project": "shop",
  "slipway.dev/app": "web",
  "slipway.dev/app-id": "app1",
  "slipway.dev/release": "rel1",
};

describe("managedPodSelector", () => {
  it("selects Slipway's pods, and only one team's when a team is given", () => {
    expect(managedPodSelector()).toBe("app.kubernetes.io/managed-by=slipway");
    expect(managedPodSelector("acme")).toBe("app.kubernetes.io/managed-by=slipway,slipway.dev/team=acme");
  });
});

describe("toManagedPodDto", () => {
  it("keeps the dozen fields the view shows and sums restarts over containers", () => {
    const dto = toManagedPodDto({
      metadata: { name: "shop-web-1", namespace: "slipway-acme", labels },
      spec: { nodeName: "node-1" },
      status: {
        phase: "Running",
        startTime: "2026-01-01T00:00:00Z",
        conditions: [{ type: "Ready", status: "True" }],
        containerStatuses: [{ restartCount: 2, state: {} }, { restartCount: 1, state: {} }],
      },
    });
    expect(dto).toEqual({
      namespace: "slipway-acme", name: "shop-web-1", team: "acme", project: "shop", app: "web", appId: "app1", releaseId: "rel1",
      phase: "Running", reason: null, ready: true, restarts: 3, node: "node-1", startedAt: "2026-01-01T00:00:00Z",
    });
  });

  it("says why a pod is not simply its phase, as kubectl's STATUS does", () => {
    const crash = toManagedPodDto({ metadata: { labels }, status: { phase: "Running", containerStatuses: [{ restartCount: 5, state: { waiting: { reason: "CrashLoopBackOff" } } }] } });
    expect(crash).toMatchObject({ reason: "CrashLoopBackOff", ready: false, restarts: 5 });
    const evicted = toManagedPodDto({ metadata: { labels }, status: { phase: "Failed", reason: "Evicted" } });
    expect(evicted.reason).toBe("Evicted");
    const deleting = toManagedPodDto({ metadata: { labels, deletionTimestamp: "2026-01-01T00:00:00Z" }, status: { phase: "Running" } });
    expect(deleting.reason).toBe("Terminating");
  });

  it("tolerates an unscheduled pod with no status", () => {
    expect(toManagedPodDto({ metadata: { name: "p", namespace: "n" } })).toMatchObject({ phase: "Unknown", node: null, startedAt: null, team: null, ready: false, restarts: 0 });
  });
});
