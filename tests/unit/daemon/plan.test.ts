import { describe, expect, it } from "vitest";
import { planReconcile } from "@/server/daemon/reconcile/plan";
import type { DesiredApp, DesiredRelease } from "@/server/daemon/reconcile/desired-state";
import type { ManagedContainer } from "@/server/daemon/engine/engine";

const rel = (id: string, status: DesiredRelease["status"] = "LIVE"): DesiredRelease => ({
  id,
  version: 1,
  status,
  imageDigest: "sha256:x",
  liveAt: null,
  crashingSince: null,
  liveRestartCount: 0,
  lastExitAt: null,
  rolloutStartedAt: null,
  spec: null,
});

const app = (over: Partial<DesiredApp> = {}): DesiredApp => ({
  appId: "app1",
  teamId: "team1",
  clusterName: null,
  teamSlug: "t",
  projectSlug: "p",
  appSlug: "a",
  replicas: 2,
  liveReleaseId: "r1",
  targetReleaseId: "r1",
  live: rel("r1"),
  target: rel("r1"),
  stopped: false,
  restartGeneration: 0,
  autoRollback: true,
  domains: [],
  challenges: [],
  ...over,
});

let n = 0;
const ctr = (over: Partial<ManagedContainer>): ManagedContainer => ({
  id: `c${++n}`,
  name: `c${n}`,
  appId: "app1",
  releaseId: "r1",
  replica: 0,
  instance: "i",
  state: "running",
  hostPort: 30000 + n,
  createdAt: new Date(1000 + n),
  generation: 0,
  ...over,
});

describe("planReconcile", () => {
  it("asks for the missing replicas of the live release", () => {
    const c0 = ctr({ replica: 0 });
    const plan = planReconcile([app()], [c0]);
    expect(plan.remove).toEqual([]);
    expect(plan.apps[0]!.live).toMatchObject({ releaseId: "r1", missing: [1], running: [c0], stopped: [] });
    expect(plan.apps[0]!.rollout).toBeNull();
  });

  it("plans a rollout next to the live release when the target differs", () => {
    const live = [ctr({ replica: 0 }), ctr({ replica: 1 })];
    const next = ctr({ releaseId: "r2", replica: 0, state: "created" });
    const plan = planReconcile([app({ targetReleaseId: "r2", target: rel("r2", "ROLLING_OUT") })], [...live, next]);
    expect(plan.remove).toEqual([]);
    expect(plan.apps[0]!.live!.running).toEqual(live);
    expect(plan.apps[0]!.rollout).toMatchObject({ releaseId: "r2", missing: [1], stopped: [next], running: [] });
  });

  it("does not roll out a FAILED target", () => {
    const stale = ctr({ releaseId: "r2" });
    const plan = planReconcile([app({ targetReleaseId: "r2", target: rel("r2", "FAILED") })], [stale]);
    expect(plan.apps[0]!.rollout).toBeNull();
    expect(plan.remove).toEqual([stale]);
  });

  it("removes containers of unknown apps, old releases and replicas beyond the count", () => {
    const orphan = ctr({ appId: "ghost" });
    const old = ctr({ releaseId: "r0" });
    const extra = ctr({ replica: 2 });
    const keep = [ctr({ replica: 0 }), ctr({ replica: 1 })];
    const plan = planReconcile([app()], [orphan, old, extra, ...keep]);
    expect(new Set(plan.remove)).toEqual(new Set([orphan, old, extra]));
    expect(plan.apps[0]!.live!.running).toEqual(keep);
  });

  it("keeps the running one of two containers claiming the same replica", () => {
    const exited = ctr({ replica: 0, state: "exited" });
    const running = ctr({ replica: 0, state: "running" });
    const plan = planReconcile([app({ replicas: 1 })], [exited, running]);
    expect(plan.remove).toEqual([exited]);
    expect(plan.apps[0]!.live!.running).toEqual([running]);
  });

  it("removes everything of an app with no live or target release", () => {
    const c = ctr({});
    const plan = planReconcile([app({ live: null, target: null, liveReleaseId: null, targetReleaseId: null })], [c]);
    expect(plan.remove).toEqual([c]);
    expect(plan.apps[0]!.live).toBeNull();
  });

  it("runs nothing for a stopped app and holds its new release back until it starts", () => {
    const live = [ctr({ replica: 0 }), ctr({ replica: 1 })];
    const plan = planReconcile([app({ stopped: true, targetReleaseId: "r2", target: rel("r2", "PENDING") })], live);
    expect(new Set(plan.remove)).toEqual(new Set(live));
    expect(plan.apps[0]!.live).toMatchObject({ missing: [], running: [], outdated: [] });
    expect(plan.apps[0]!.rollout).toBeNull();
  });

  it("keeps older-generation replicas serving as outdated, without asking for them as missing", () => {
    const old0 = ctr({ replica: 0, generation: 0 });
    const old1 = ctr({ replica: 1, generation: 0 });
    const new0 = ctr({ replica: 0, generation: 1, state: "created" });
    const plan = planReconcile([app({ restartGeneration: 1 })], [old0, old1, new0]);
    expect(plan.remove).toEqual([]);
    expect(plan.apps[0]!.live).toMatchObject({ missing: [], running: [], stopped: [new0], outdated: [old0, old1] });
  });

  it("counts containers newer than the generation as current (a failed restart lowers it back)", () => {
    const newer = ctr({ replica: 0, generation: 2 });
    const plan = planReconcile([app({ replicas: 1, restartGeneration: 1 })], [newer]);
    expect(plan.apps[0]!.live).toMatchObject({ running: [newer], outdated: [], missing: [] });
  });
});
