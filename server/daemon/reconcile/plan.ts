// Pure diff between desired apps and the containers the engine has. No I/O here, so the rules
// (what is an orphan, what needs creating, when to promote) are unit-tested directly.
import type { ManagedContainer } from "../engine/engine";
import type { DesiredApp } from "./desired-state";

export interface ReleasePlan {
  releaseId: string;
  /** replica indexes with no container */
  missing: number[];
  /** containers that exist but are not running and must be started (or replaced) */
  stopped: ManagedContainer[];
  running: ManagedContainer[];
  /**
   * Containers of an older restart generation (one per replica, by replica): they serve until the
   * rolling restart has a ready replacement for their replica. Their replicas are not `missing`:
   * the restart replaces them one at a time.
   */
  outdated: ManagedContainer[];
}

export interface AppPlan {
  app: DesiredApp;
  live: ReleasePlan | null;
  /** the release being rolled out, when it differs from the live one */
  rollout: ReleasePlan | null;
}

export interface Plan {
  apps: AppPlan[];
  /** containers nothing wants: unknown app or release, extra replicas, duplicates */
  remove: ManagedContainer[];
}

const RUNNING = new Set(["running"]);

/** Keeps one container per replica (the running, else the older one); the rest go to `remove`. */
function onePerReplica(containers: ManagedContainer[], remove: ManagedContainer[]): Map<number, ManagedContainer> {
  const byReplica = new Map<number, ManagedContainer>();
  for (const c of containers) {
    const seen = byReplica.get(c.replica);
    if (seen) {
      // Two containers for one replica cannot come from deterministic names, but if a human made
      // one, keep the running (or older) one.
      const keepSeen = RUNNING.has(seen.state) || (!RUNNING.has(c.state) && seen.createdAt <= c.createdAt);
      remove.push(keepSeen ? c : seen);
      if (!keepSeen) byReplica.set(c.replica, c);
      continue;
    }
    byReplica.set(c.replica, c);
  }
  return byReplica;
}

function planRelease(releaseId: string, replicas: number, containers: ManagedContainer[], remove: ManagedContainer[], generation = 0): ReleasePlan {
  const inRange: ManagedContainer[] = [];
  for (const c of containers) {
    if (!Number.isInteger(c.replica) || c.replica < 0 || c.replica >= replicas) remove.push(c);
    else inRange.push(c);
  }
  // A container of the current generation or newer is current: a restart that failed lowers the
  // generation back to the old containers', and the replicas it did replace stay.
  const byReplica = onePerReplica(inRange.filter((c) => c.generation >= generation), remove);
  const oldByReplica = onePerReplica(inRange.filter((c) => c.generation < generation), remove);
  const missing: number[] = [];
  const stopped: ManagedContainer[] = [];
  const running: ManagedContainer[] = [];
  const outdated: ManagedContainer[] = [];
  for (let i = 0; i < replicas; i++) {
    const c = byReplica.get(i);
    const old = oldByReplica.get(i);
    if (old) outdated.push(old);
    if (!c) {
      if (!old) missing.push(i);
    } else if (RUNNING.has(c.state)) running.push(c);
    else stopped.push(c);
  }
  return { releaseId, missing, stopped, running, outdated };
}

export function planReconcile(apps: DesiredApp[], actual: ManagedContainer[]): Plan {
  const byApp = new Map<string, ManagedContainer[]>();
  for (const c of actual) byApp.set(c.appId, [...(byApp.get(c.appId) ?? []), c]);
  const remove: ManagedContainer[] = [];
  const plans: AppPlan[] = [];
  const known = new Set<string>();
  for (const app of apps) {
    known.add(app.appId);
    const mine = byApp.get(app.appId) ?? [];
    const liveId = app.live ? app.live.id : null;
    // A stopped app runs nothing, and a release deployed meanwhile waits for its start.
    const replicas = app.stopped ? 0 : app.replicas;
    const rolloutId = !app.stopped && app.target && app.target.id !== liveId && app.target.status !== "FAILED" ? app.target.id : null;
    const forRelease = (id: string) => mine.filter((c) => c.releaseId === id);
    for (const c of mine) if (c.releaseId !== liveId && c.releaseId !== rolloutId) remove.push(c);
    plans.push({
      app,
      live: liveId ? planRelease(liveId, replicas, forRelease(liveId), remove, app.restartGeneration) : null,
      // A rollout makes its containers at the app's current generation already.
      rollout: rolloutId ? planRelease(rolloutId, replicas, forRelease(rolloutId), remove) : null,
    });
  }
  for (const c of actual) if (!known.has(c.appId)) remove.push(c);
  return { apps: plans, remove };
}
