// What the kubelet last said about a rollout's pods that run but are not ready: the "Unhealthy"
// event `kubectl describe pod` shows ("Readiness probe failed: HTTP probe failed with statuscode:
// 404"). A Deployment's own status only counts replicas, which tells nobody what to fix.
import type { CoreV1Api, CoreV1Event, V1Pod } from "@kubernetes/client-node";

/** Pods whose containers all run and at least one is not ready (the probe is what holds them). */
export function runningButUnready(pods: V1Pod[]): V1Pod[] {
  return pods.filter((p) => {
    if (p.metadata?.deletionTimestamp || p.status?.phase !== "Running") return false;
    const statuses = p.status?.containerStatuses ?? [];
    return statuses.length > 0 && statuses.every((s) => s.state?.running) && statuses.some((s) => !s.ready);
  });
}

function newest(events: CoreV1Event[]): CoreV1Event | undefined {
  const at = (e: CoreV1Event) => new Date(e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? 0).getTime();
  return [...events].sort((a, b) => at(b) - at(a))[0];
}

/** "pod <name>: Readiness probe failed: …" for the first such pod the kubelet complained about, or null. */
export async function readinessComplaint(core: CoreV1Api, namespace: string, pods: V1Pod[]): Promise<string | null> {
  for (const pod of runningButUnready(pods).slice(0, 3)) {
    const name = pod.metadata?.name;
    if (!name) continue;
    const events = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${name},reason=Unhealthy` });
    const last = newest(events.items);
    if (last?.message) return `pod ${name}: ${last.message.trim()}`;
  }
  return null;
}
