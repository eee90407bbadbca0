// Waits until an app held by a volume operation (server/volumes/app-hold.ts) runs no replica on
// this machine: the control loop stops them once it sees the hold; the worker copies or replaces
// the files only after that.
import type { Engine } from "../engine/engine";

const STOPPED = new Set(["exited", "dead", "stopped", "configured"]);

export class AppDidNotStop extends Error {}

export async function waitForAppStopped(opts: { engine: Engine; appId: string; timeoutMs: number; nudge: () => void; signal?: AbortSignal }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let nudgedAt = 0;
  for (;;) {
    opts.signal?.throwIfAborted();
    const running = (await opts.engine.listManaged({ appId: opts.appId })).filter((c) => !STOPPED.has(c.state));
    if (running.length === 0) return;
    if (Date.now() > deadline) {
      throw new AppDidNotStop(`the app's replicas did not stop within ${Math.round(opts.timeoutMs / 1000)} s (still running: ${running.map((c) => c.name).join(", ")})`);
    }
    // The hold is in the database already; a nudge now and then makes the loop act on it at once.
    if (Date.now() - nudgedAt > 5000) {
      opts.nudge();
      nudgedAt = Date.now();
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
