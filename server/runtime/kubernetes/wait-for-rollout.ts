// Follows one Deployment by watch until its rollout is available, fails, or runs out of time.
import { Watch, type KubeConfig, type V1Deployment } from "@kubernetes/client-node";
import { rolloutState, type RolloutState } from "./rollout-state";

export interface WaitForRolloutOptions {
  config: KubeConfig;
  namespace: string;
  name: string;
  timeoutMs: number;
  onProgress?: (state: RolloutState) => void;
  /** polled while the rollout progresses: a failed state ends it early (pods that can never become ready) */
  checkPods?: () => Promise<RolloutState | null>;
  signal?: AbortSignal;
}

const POD_CHECK_MS = 1000;

export function waitForRollout(o: WaitForRolloutOptions): Promise<RolloutState> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let controller: AbortController | undefined;
    let last: RolloutState | undefined;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      controller?.abort();
      fn();
    };
    const timer = setTimeout(() => {
      const detail = last?.phase === "progressing" ? `: ${last.message}` : "";
      const message = `the rollout did not finish in ${o.timeoutMs / 1000} s${detail}`;
      finish(() => resolve({ phase: "failed", reason: "Timeout", message, ready: last?.ready ?? 0, desired: last?.desired ?? 0 }));
    }, o.timeoutMs);
    o.signal?.addEventListener("abort", () => finish(() => reject(new Error("aborted"))), { once: true });
    const checkPods = async () => {
      if (settled || !o.checkPods) return;
      try {
        const failed = await o.checkPods();
        if (failed) return finish(() => resolve(failed));
      } catch {
        // A failed look at the pods changes nothing: the Deployment's own status and the
        // deadline still end the rollout; the next look may succeed.
      }
      if (!settled) setTimeout(() => void checkPods(), POD_CHECK_MS).unref();
    };
    if (o.checkPods) setTimeout(() => void checkPods(), POD_CHECK_MS).unref();
    const start = () => {
      if (settled) return;
      new Watch(o.config)
        .watch(
          `/apis/apps/v1/namespaces/${o.namespace}/deployments`,
          { fieldSelector: `metadata.name=${o.name}` },
          (phase, object: V1Deployment) => {
            if (phase === "DELETED") return finish(() => resolve({ phase: "failed", reason: "Deleted", message: "the deployment was deleted during the rollout", ready: 0, desired: 0 }));
            const state = rolloutState(object);
            last = state;
            o.onProgress?.(state);
            if (state.phase !== "progressing") finish(() => resolve(state));
          },
          // The API server ends watches after a while: start another until settled.
          (err: unknown) => {
            if (settled) return;
            if (err && !(err instanceof Error && err.name === "AbortError")) setTimeout(start, 1000);
            else start();
          },
        )
        .then((c) => {
          controller = c;
          if (settled) c.abort();
        })
        .catch(() => setTimeout(start, 1000));
    };
    start();
  });
}
