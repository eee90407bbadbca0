// The control loop's own rules, with a real database and stand-in runtimes (the runtimes are the
// layer below; their own tests run them against Podman and the test cluster): which runtime an app
// goes to, a transient failure retried with growing waits and its reason shown on the release, a
// terminal one ending the rollout FAILED, a rollout ended at its persisted deadline even while its
// runtime cannot be reached, and one slow app holding up no other.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import pino from "pino";
import type { Db } from "@/server/db";
import { createRelease } from "@/server/releases/create-release";
import { runAsFor } from "@/server/runtime/run-as";
import { ControlLoop } from "@/server/daemon/control-loop/control-loop";
import { NEXT_PASS, type AppRuntime, type Requeue, type RuntimeKind } from "@/server/daemon/control-loop/app-runtime";
import { TerminalError, TransientError } from "@/server/daemon/control-loop/reconcile-errors";
import type { DesiredApp, DesiredRelease } from "@/server/daemon/reconcile/desired-state";
import { failRollout, markRollingOut } from "@/server/daemon/reconcile/release-status";
import { createTestDatabase, type TestDatabase } from "../../support/test-db";
import { seedApp, waitFor } from "../../support/daemon-harness";

type Behaviour = (app: DesiredApp) => Promise<Requeue>;

/** A runtime whose step does what the test says, per app, and records what it was asked. */
class StandIn implements AppRuntime {
  readonly steps: { appId: string; at: number }[] = [];
  readonly abandoned: { appId: string; releaseId: string; reason: string }[] = [];
  behaviour = new Map<string, Behaviour>();
  constructor(
    readonly kind: RuntimeKind,
    private readonly db: Db,
    readonly rolloutTimeoutMs = 60_000,
  ) {}
  async reconcile(app: DesiredApp): Promise<Requeue> {
    this.steps.push({ appId: app.appId, at: Date.now() });
    const b = this.behaviour.get(app.appId);
    if (b) return b(app);
    if (app.target && app.target.id !== app.live?.id) await markRollingOut(this.db, app.target.id);
    return NEXT_PASS;
  }
  async abandon(app: DesiredApp, target: DesiredRelease, reason: string): Promise<void> {
    this.abandoned.push({ appId: app.appId, releaseId: target.id, reason });
    await failRollout(this.db, app, target.id, reason);
  }
  stepsOf(appId: string) {
    return this.steps.filter((s) => s.appId === appId);
  }
}

let t: TestDatabase;
let db: Db;
let n = 0;
const log = pino({ level: "silent" });

/** An app with a pending release, on the embedded runtime or (its project) on the named cluster. */
async function appWithRelease(clusterName?: string) {
  const app = await seedApp(db, { teamSlug: `loop${++n}`, gitUrl: "https://git.example.test/a.git" });
  if (clusterName) {
    const cluster = await db.cluster.upsert({ where: { name: clusterName }, update: {}, create: { name: clusterName, kubeconfigEncrypted: "", server: "https://127.0.0.1:9" } });
    await db.project.update({ where: { id: app.projectId }, data: { clusterId: cluster.id } });
  }
  const release = await createRelease({ runAs: runAsFor(""), db, appId: app.appId, imageRef: "localhost/x:1", imageDigest: `sha256:${"1".repeat(64)}` });
  return { ...app, releaseId: release.id };
}

beforeAll(async () => {
  t = await createTestDatabase({ provider: "sqlite" });
  db = t.db;
});
afterAll(async () => {
  await t?.drop();
});

describe("the control loop", () => {
  let embedded: StandIn;
  let kubernetes: StandIn;
  let loop: ControlLoop;
  beforeEach(async () => {
    await db.app.deleteMany({});
    embedded = new StandIn("embedded", db);
    kubernetes = new StandIn("kubernetes", db);
    loop = new ControlLoop({ db, log, runtimes: { embedded, kubernetes }, passIntervalMs: 60_000, backoff: { baseMs: 100, maxMs: 400 } });
    return () => loop.stop();
  });

  it("hands each app to its own runtime, once per pass", async () => {
    const here = await appWithRelease();
    const there = await appWithRelease("prod");
    await loop.reconcileNow();
    expect(embedded.stepsOf(here.appId)).toHaveLength(1);
    expect(kubernetes.stepsOf(there.appId)).toHaveLength(1);
    expect(embedded.stepsOf(there.appId)).toHaveLength(0);
    expect(kubernetes.stepsOf(here.appId)).toHaveLength(0);
  });

  it("retries a transient failure with growing waits, shows why on the release, and starts over after a success", async () => {
    const app = await appWithRelease();
    let calls = 0;
    const failing = new Set([1, 2, 3, 5]);
    embedded.behaviour.set(app.appId, async (a) => {
      await markRollingOut(db, a.target!.id);
      if (failing.has(++calls)) throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:2375"), { code: "ECONNREFUSED" });
      return NEXT_PASS;
    });
    loop.start();
    await waitFor("three failures", async () => embedded.stepsOf(app.appId).length >= 3, 10_000, 20);
    const r = await db.release.findUniqueOrThrow({ where: { id: app.releaseId } });
    expect(r.status).toBe("ROLLING_OUT");
    expect(r.statusReason).toMatch(/could not be reached.*ECONNREFUSED.*keeps retrying/);
    await waitFor("the fourth step succeeds", async () => embedded.stepsOf(app.appId).length >= 4, 10_000, 20);
    // A new failure after the success waits the first backoff again, not the fourth.
    loop.nudgeApp(app.appId);
    await waitFor("fail once more and retry", async () => embedded.stepsOf(app.appId).length >= 6, 10_000, 5);
    const at = embedded.stepsOf(app.appId).map((s) => s.at);
    const waits = at.slice(1).map((x, i) => x - at[i]!);
    // base 100 ms, doubling, with jitter between half and all of it: ≥ 50, ≥ 100, ≥ 200 ms
    expect(waits[0]).toBeGreaterThanOrEqual(45);
    expect(waits[1]).toBeGreaterThanOrEqual(95);
    expect(waits[2]).toBeGreaterThanOrEqual(195);
    expect(waits[4]).toBeLessThan(150);
    expect(embedded.abandoned).toEqual([]);
  });

  it("keeps an app that is waiting out its backoff out of the passes in between", async () => {
    const app = await appWithRelease("down");
    kubernetes.behaviour.set(app.appId, async () => {
      throw new TransientError("The cluster could not be reached (ECONNREFUSED)");
    });
    const busy = new ControlLoop({ db, log, runtimes: { embedded, kubernetes }, passIntervalMs: 20, backoff: { baseMs: 400, maxMs: 400 } });
    busy.start();
    await new Promise((r) => setTimeout(r, 1000));
    await busy.stop();
    // Every 200–400 ms (its backoff), not every 20 ms (the passes): at most 1 + 1000/200 steps.
    const steps = kubernetes.stepsOf(app.appId).length;
    expect(steps).toBeGreaterThanOrEqual(3);
    expect(steps).toBeLessThanOrEqual(6);
  });

  it("ends a rollout FAILED with the reason of a terminal failure, through its runtime", async () => {
    const app = await appWithRelease("prod");
    kubernetes.behaviour.set(app.appId, async (a) => {
      await markRollingOut(db, a.target!.id);
      throw new TerminalError("exceeded quota: slipway-team-quota");
    });
    await loop.reconcileNow();
    expect(kubernetes.abandoned).toEqual([{ appId: app.appId, releaseId: app.releaseId, reason: "exceeded quota: slipway-team-quota" }]);
    const r = await db.release.findUniqueOrThrow({ where: { id: app.releaseId } });
    expect(r.status).toBe("FAILED");
    expect(r.statusReason).toBe("exceeded quota: slipway-team-quota");
  });

  it("ends a rollout at its persisted deadline while its runtime stays out of reach", async () => {
    const app = await appWithRelease("gone");
    await markRollingOut(db, app.releaseId);
    // Started long ago (a restart of slipwayd does not reset the clock).
    await db.release.update({ where: { id: app.releaseId }, data: { rolloutStartedAt: new Date(Date.now() - 120_000) } });
    kubernetes.behaviour.set(app.appId, async () => {
      throw new TransientError("The cluster could not be reached (ETIMEDOUT)");
    });
    await loop.reconcileNow();
    const r = await db.release.findUniqueOrThrow({ where: { id: app.releaseId } });
    expect(r.status).toBe("FAILED");
    expect(r.statusReason).toMatch(/^The rollout did not finish within 60 s: The cluster could not be reached \(ETIMEDOUT\)/);
  });

  it("does not let one slow app hold up the others", async () => {
    const slow = await appWithRelease("slow");
    const quick = await appWithRelease();
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    kubernetes.behaviour.set(slow.appId, async () => {
      await stuck;
      return NEXT_PASS;
    });
    loop.start();
    await waitFor("the quick app's step", async () => embedded.stepsOf(quick.appId).length >= 1, 5_000, 20);
    expect(kubernetes.stepsOf(slow.appId)).toHaveLength(1);
    release();
  });

  it("looks at an app again when its step asks, reading it afresh", async () => {
    const app = await appWithRelease();
    const versionsSeen: (number | undefined)[] = [];
    embedded.behaviour.set(app.appId, async (a) => {
      versionsSeen.push(a.replicas);
      return versionsSeen.length < 3 ? { afterMs: 30 } : NEXT_PASS;
    });
    loop.start();
    await waitFor("first step", async () => versionsSeen.length >= 1, 5_000, 10);
    await db.app.update({ where: { id: app.appId }, data: { replicas: 3 } });
    await waitFor("three steps", async () => versionsSeen.length >= 3, 5_000, 10);
    expect(versionsSeen[0]).toBe(1);
    expect(versionsSeen.at(-1)).toBe(3);
  });
});
