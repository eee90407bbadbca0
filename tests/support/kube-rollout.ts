// What slipwayd's control loop does with a KubernetesDriver, step by step (server/daemon/runtimes/
// cluster-runtime.ts), for driver tests that want a rollout's outcome: apply the release, then
// observe it every 500 ms until it is available, it throws (a rollout that can never finish), or
// the timeout passes. And the pods of an app as the cluster reports them.
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import type { KubernetesDriver } from "@/server/runtime/kubernetes/kubernetes-driver";
import { LABEL, teamNamespace } from "@/server/runtime/kubernetes/names";
import type { WorkloadSpec } from "@/server/runtime/runtime-driver";

export async function rollOut(driver: KubernetesDriver, spec: WorkloadSpec, timeoutMs = 90_000): Promise<void> {
  await driver.applyRelease(spec);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await driver.observeRollout(spec);
    if (seen.releaseId === spec.releaseId && seen.phase === "available") return;
    if (Date.now() > deadline) throw new Error(`the rollout of ${spec.releaseId} did not finish in ${timeoutMs / 1000} s: ${seen.phase === "progressing" ? seen.message : seen.phase}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export interface PodSeen {
  name: string;
  releaseId: string;
  ready: boolean;
}

export async function podsOf(admin: KubeConfig, spec: Pick<WorkloadSpec, "teamSlug" | "appId">): Promise<PodSeen[]> {
  const pods = await admin.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: teamNamespace(spec.teamSlug), labelSelector: `${LABEL.appId}=${spec.appId}` });
  return pods.items
    .filter((p) => !p.metadata?.deletionTimestamp)
    .map((p) => ({
      name: p.metadata?.name ?? "",
      releaseId: p.metadata?.labels?.[LABEL.release] ?? "",
      ready: p.status?.phase === "Running" && (p.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
    }));
}
