import { describe, expect, it } from "vitest";
import type { CoreV1Api, CoreV1Event, V1Pod } from "@kubernetes/client-node";
import { readinessComplaint, runningButUnready } from "@/server/runtime/kubernetes/readiness-complaint";

const pod = (name: string, phase: string, running: boolean, ready: boolean): V1Pod => ({
  metadata: { name },
  status: { phase, containerStatuses: [{ name: "app", image: "x", imageID: "", restartCount: 0, ready, state: running ? { running: {} } : { waiting: { reason: "ContainerCreating" } } }] },
});

/** The one API call it makes, answered from a list, recording the field selectors asked. */
function fakeCore(events: Record<string, CoreV1Event[]>, asked: string[]): CoreV1Api {
  return {
    listNamespacedEvent: async ({ fieldSelector }: { fieldSelector: string }) => {
      asked.push(fieldSelector);
      const name = /involvedObject\.name=([^,]+)/.exec(fieldSelector)?.[1] ?? "";
      return { items: events[name] ?? [] };
    },
  } as unknown as CoreV1Api;
}

describe("readinessComplaint", () => {
  it("looks only at pods that run but are not ready", () => {
    const pods = [pod("starting", "Pending", false, false), pod("serving", "Running", true, true), pod("held", "Running", true, false)];
    expect(runningButUnready(pods).map((p) => p.metadata?.name)).toEqual(["held"]);
  });

  it("gives the kubelet's newest Unhealthy event of such a pod, and null when it said nothing", async () => {
    const asked: string[] = [];
    const core = fakeCore(
      {
        held: [
          { involvedObject: {}, metadata: {}, message: "Readiness probe failed: Get \"http://10.0.0.1:8080/\": connection refused", lastTimestamp: new Date("2026-11-29T10:00:00Z") },
          { involvedObject: {}, metadata: {}, message: "Readiness probe failed: HTTP probe failed with statuscode: 404\n", lastTimestamp: new Date("2026-11-29T10:00:05Z") },
        ],
      },
      asked,
    );
    expect(await readinessComplaint(core, "ns", [pod("held", "Running", true, false)])).toBe("pod held: Readiness probe failed: HTTP probe failed with statuscode: 404");
    expect(asked[0]).toBe("involvedObject.kind=Pod,involvedObject.name=held,reason=Unhealthy");
    expect(await readinessComplaint(core, "ns", [pod("quiet", "Running", true, false)])).toBeNull();
    expect(await readinessComplaint(core, "ns", [pod("serving", "Running", true, true)])).toBeNull();
  });
});
