// Why a rollout's pods can never become ready, read from their container statuses the way
// `kubectl describe pod` shows it: a crash loop (with the exit code, OOM kills included), or an
// image or configuration the kubelet cannot start. A Deployment alone only says "not available"
// until its progress deadline (10 min by default); this ends the rollout as soon as the reason is
// known. Pure, so the rules are unit-tested directly.
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";

/** Waiting reasons that no amount of waiting fixes. */
const CANNOT_START = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError"]);

export interface PodFailure {
  reason: string;
  message: string;
}

function lastExit(s: V1ContainerStatus, memoryLimit: string | undefined): string {
  const t = s.lastState?.terminated ?? s.state?.terminated;
  if (!t) return "exited";
  if (t.reason === "OOMKilled") return `was killed: out of memory (limit ${memoryLimit ?? "unknown"})`;
  return `exited with code ${t.exitCode}${t.reason && t.reason !== "Error" ? ` (${t.reason})` : ""}`;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/**
 * The first pod whose container is crash-looping (CrashLoopBackOff, or restarted `crashLimit`
 * times) or cannot start at all; null while every pod may still become ready.
 */
export function podFailure(pods: V1Pod[], crashLimit: number): PodFailure | null {
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    for (const s of pod.status?.containerStatuses ?? []) {
      const waiting = s.state?.waiting?.reason;
      const where = `pod ${pod.metadata?.name ?? "?"}: container ${s.name}`;
      if (waiting && CANNOT_START.has(waiting)) {
        return { reason: waiting, message: `${where} cannot start (${waiting})${s.state?.waiting?.message ? `: ${s.state.waiting.message}` : ""}` };
      }
      if (waiting === "CrashLoopBackOff" || (s.restartCount >= crashLimit && !s.ready)) {
        return {
          reason: "CrashLoopBackOff",
          message: `${where} ${lastExit(s, pod.spec?.containers.find((c) => c.name === s.name)?.resources?.limits?.memory)} and was restarted ${plural(s.restartCount, "time")} (crash loop)`,
        };
      }
    }
  }
  return null;
}
