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

function planRelease(releaseId: string, replicas: number, containers: ManagedContainer[], remove: ManagedContainer[]): ReleasePlan {
  const byReplica = new Map<number, ManagedContainer>();
  for (const c of containers) {
    if (!Number.isInteger(c.replica) || c.replica < 0 || c.replica >= replicas) {
      remove.push(c);
      continue;
    }
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
  const missing: number[] = [];
  const stopped: ManagedContainer[] = [];
  const running: ManagedContainer[] = [];
  for (let i = 0; i < replicas; i++) {
    const c = byReplica.get(i);
    if (!c) missing.push(i);
    else if (RUNNING.has(c.state)) running.push(c);
    else stopped.push(c);
  }
  return { releaseId, missing, stopped, running };
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
    const rolloutId = app.target && app.target.id !== liveId && app.target.status !== "FAILED" ? app.target.id : null;
    const forRelease = (id: string) => mine.filter((c) => c.releaseId === id);
    for (const c of mine) if (c.releaseId !== liveId && c.releaseId !== rolloutId) remove.push(c);
    plans.push({
      app,
      live: liveId ? planRelease(liveId, app.replicas, forRelease(liveId), remove) : null,
      rollout: rolloutId ? planRelease(rolloutId, app.replicas, forRelease(rolloutId), remove) : null,
    });
  }
  for (const c of actual) if (!known.has(c.appId)) remove.push(c);
  return { apps: plans, remove };
}
