// Restarts per app from successive container listings: a container whose run started again
// (slipwayd or the engine restarted it in place) is one, and a new container in a replica slot
// that had another one (a crash replaced, a redeploy, a rolling restart) is one. The first
// listing after slipwayd starts only learns what there is.
import type { SampledContainer } from "./engine-containers";

export class RestartCounter {
  private started = new Map<string, number>();
  /** app/replica → the container that last appeared in it */
  private slots = new Map<string, string>();
  private primed = false;

  /** Restarts per app id since the previous listing. */
  observe(list: readonly SampledContainer[]): Map<string, number> {
    const out = new Map<string, number>();
    const bump = (appId: string) => out.set(appId, (out.get(appId) ?? 0) + 1);
    const started = new Map<string, number>();
    for (const c of list) {
      started.set(c.id, c.startedAt);
      const before = this.started.get(c.id);
      if (before === undefined) {
        const slot = `${c.appId}/${c.replica}`;
        if (this.primed && this.slots.has(slot) && this.slots.get(slot) !== c.id) bump(c.appId);
        this.slots.set(slot, c.id);
      } else if (this.primed && c.startedAt > before) {
        bump(c.appId);
      }
    }
    this.started = started;
    this.primed = true;
    return out;
  }
}
