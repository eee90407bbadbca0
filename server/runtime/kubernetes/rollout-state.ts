// Reads a Deployment's status the way `kubectl rollout status` does, plus the reasons a rollout
// can never finish on its own (a quota refusal, an exceeded progress deadline).
import type { V1Deployment } from "@kubernetes/client-node";

export type RolloutState =
  | { phase: "progressing"; message: string; ready: number; updated: number; desired: number }
  | { phase: "available"; ready: number; desired: number }
  | { phase: "failed"; reason: string; message: string; ready: number; desired: number };

export function rolloutState(d: V1Deployment): RolloutState {
  const desired = d.spec?.replicas ?? 1;
  const status = d.status ?? {};
  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const total = status.replicas ?? 0;
  const conditions = status.conditions ?? [];
  const failure = conditions.find((c) => c.type === "ReplicaFailure" && c.status === "True");
  if (failure) return { phase: "failed", reason: failure.reason ?? "ReplicaFailure", message: failure.message ?? "pods could not be created", ready, desired };
  const progressing = conditions.find((c) => c.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") {
    return { phase: "failed", reason: "ProgressDeadlineExceeded", message: progressing.message ?? "the rollout did not progress in time", ready, desired };
  }
  const observed = (status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
  if (observed && updated >= desired && total === updated && available >= desired) return { phase: "available", ready, desired };
  const message = !observed
    ? "waiting for the deployment controller"
    : updated < desired
      ? `${updated} of ${desired} replicas updated`
      : total > updated
        ? `${total - updated} old replica(s) terminating`
        : `${available} of ${desired} updated replicas available`;
  return { phase: "progressing", message, ready, updated, desired };
}
