// A runtime as slipwayd's control loop drives it: the embedded engine (Podman on this machine) and
// each Kubernetes cluster implement this, and the loop (control-loop.ts) owns everything the two
// share: the per-app work queue, when to look again, retries with backoff, and what a failure
// does to a release.
import type { DesiredApp, DesiredRelease } from "../reconcile/desired-state";

export type RuntimeKind = "embedded" | "kubernetes";

/** When the loop should look at the app again; null: at the next pass over every app. */
export interface Requeue {
  afterMs: number | null;
}

export const NEXT_PASS: Requeue = { afterMs: null };

export interface AppRuntime {
  readonly kind: RuntimeKind;
  /** how long a rollout may run from its persisted start before it ends FAILED */
  readonly rolloutTimeoutMs: number;
  /**
   * Observes the app on this runtime and takes one step towards its desired state: rolls the
   * target release out (promoting it once it serves, failing it with the reason once it never
   * will), keeps the live release at its replica count, restarts, stops. Never waits for a
   * rollout to finish: returns when to look again. Throws TransientError when the runtime could
   * not be reached, TerminalError when the rollout can never finish (reconcile-errors.ts); the
   * loop classifies anything else.
   */
  reconcile(app: DesiredApp): Promise<Requeue>;
  /**
   * The rollout of `target` ends FAILED with `reason`: remove what this runtime made for it and
   * leave the live release serving.
   */
  abandon(app: DesiredApp, target: DesiredRelease, reason: string): Promise<void>;
  /**
   * Work across every app of this runtime, once per pass, before the apps are queued. Apps in
   * `leaveAlone` are being removed through the API: neither theirs to route nor to clean up.
   */
  sweep?(apps: DesiredApp[], leaveAlone: Set<string>): Promise<void>;
}
