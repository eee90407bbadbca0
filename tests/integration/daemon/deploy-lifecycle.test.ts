// The core path against real Podman, real git and a real SQLite file: build → release → run →
// proxy → logs → zero-downtime redeploy → failures that leave the live release serving.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import type { Db } from "@/server/db";
import { EmbeddedDriver } from "@/server/runtime/embedded/embedded-driver";
import type { AppRuntimeStatus } from "@/server/runtime/runtime-driver";
import { DaemonClient } from "@/server/runtime/embedded/daemon-client";
import type { LogLine } from "@/server/runtime/runtime-driver";
import { ensureTestBaseImage, TEST_BASE_IMAGE } from "../../support/test-images";
import { BROKEN_STEP_MESSAGE, createFixtureRepo, startupLine, type FixtureRepo } from "../../support/git-fixtures";
import {
  allowLocalGitSources,
  cleanupDaemonResources,
  createDaemon,
  createTestDatabase,
  execFileAsync,
  ingressGet,
  makeDataDir,
  podmanIdsByLabel,
  podmanInspect,
  queueBuild,
  seedApp,
  waitFor,
  waitForBuild,
  waitForReleaseStatus,
  type DaemonProcess,
  type SeededApp,
} from "../../support/daemon-harness";

const TEAM = `lc${Date.now().toString(36)}`;
let db: Db;
let daemon: DaemonProcess;
let repo: FixtureRepo;
let app: SeededApp;
let driver: EmbeddedDriver;

const appRef = () => ({ appId: app.appId, teamSlug: app.teamSlug, projectSlug: app.projectSlug, appSlug: app.appSlug });
const liveContainers = async () => podmanIdsByLabel(`slipway.app=${app.appId}`);

beforeAll(async () => {
  await ensureTestBaseImage();
  const dataDir = makeDataDir("lifecycle");
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  await allowLocalGitSources(db, true);
  repo = await createFixtureRepo({ version: "v1" });
  app = await seedApp(db, { teamSlug: TEAM, gitUrl: repo.dir, replicas: 2 });
  daemon = await createDaemon({ dataDir, databaseUrl: url });
  await daemon.start();
  driver = new EmbeddedDriver({ client: DaemonClient.fromDataDir(dataDir, daemon.apiPort) });
});

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  await db?.$disconnect();
});

describe("slipwayd deploy lifecycle", () => {
  let firstReleaseId: string;

  it("builds an image from the Dockerfile, recording steps, logs, digest and a release", async () => {
    const buildId = await queueBuild(db, app.appId, "main");
    const build = await waitForBuild(db, buildId);
    expect(build.error).toBeNull();
    expect(build.status).toBe("SUCCEEDED");
    expect(build.commitSha).toBe(await repo.head());
    expect(build.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(build.imageRef).toBe(`localhost/slipway/app-${app.appId}:b1`);

    const steps = await db.buildStep.findMany({ where: { buildId }, orderBy: { position: "asc" } });
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ["clone", "SUCCEEDED"],
      ["build", "SUCCEEDED"],
      ["release", "SUCCEEDED"],
    ]);
    for (const s of steps) expect(s.finishedAt!.getTime()).toBeGreaterThanOrEqual(s.startedAt!.getTime());

    const lines = (await db.buildLogLine.findMany({ where: { buildId }, orderBy: { id: "asc" } })).map((l) => l.line);
    expect(lines.some((l) => /STEP \d+\/\d+: RUN/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes(`checked out ${build.commitSha}`))).toBe(true);

    const release = await db.release.findUniqueOrThrow({ where: { buildId } });
    expect(release.version).toBe(1);
    expect(release.imageDigest).toBe(build.imageDigest);
    expect(JSON.parse(release.configSnapshot)).toMatchObject({ containerPort: 8080, healthCheckPath: "/", replicas: 2, memoryMib: 64 });
    const a = await db.app.findUniqueOrThrow({ where: { id: app.appId } });
    expect(a.targetReleaseId).toBe(release.id);
    firstReleaseId = release.id;
  });

  it("runs the release and serves it through the ingress by Host header", async () => {
    const live = await waitForReleaseStatus(db, firstReleaseId, ["LIVE", "FAILED"]);
    expect(live.statusReason).toBeNull();
    expect(live.status).toBe("LIVE");
    expect(live.liveAt).not.toBeNull();
    const res = await ingressGet(daemon.ingressPort, app.host);
    expect(res.status).toBe(200);
    expect(res.body).toContain("version v1");
    expect((await ingressGet(daemon.ingressPort, `nope.shop.${TEAM}.localhost`)).status).toBe(404);
    expect((await ingressGet(daemon.ingressPort, `nope.shop.${TEAM}.localhost`)).body).toContain("no app at this address");
    expect(await liveContainers()).toHaveLength(2);
    // slipwayd's own view of the app (its API, as the daemon's status page reads it)
    const status = (await (await fetch(daemon.apiUrl(`/v1/apps/${app.appId}/status`), { headers: { authorization: `Bearer ${daemon.token()}` } })).json()) as AppRuntimeStatus;
    expect(status.liveReleaseId).toBe(firstReleaseId);
    expect(status.url).toBe(`http://${app.host}:${daemon.ingressPort}/`);
    expect(status.replicas.map((r) => r.state)).toEqual(["running", "running"]);
  });

  it("answers 503 for an app that has no live release", async () => {
    const other = await seedApp(db, { teamSlug: TEAM, appSlug: "idle", gitUrl: repo.dir });
    await driver.nudge();
    const res = await waitFor("route for idle app", async () => {
      const r = await ingressGet(daemon.ingressPort, other.host);
      return r.status === 503 ? r : null;
    });
    expect(res.body).toContain("app not deployed yet");
  });

  it("runs containers locked down: loopback port, no capabilities, no-new-privileges, limits, init", async () => {
    const [id] = await liveContainers();
    const info = (await podmanInspect(id!)) as {
      HostConfig: { CapDrop: string[]; CapAdd: string[] | null; SecurityOpt: string[]; Memory: number; NanoCpus: number; CpuQuota: number; Init: boolean; PortBindings: Record<string, { HostIp: string; HostPort: string }[]>; RestartPolicy: { Name: string } };
      EffectiveCaps: string[] | null;
      Config: { Labels: Record<string, string> };
    };
    expect(info.HostConfig.CapDrop).toEqual(expect.arrayContaining(["CAP_CHOWN", "CAP_NET_RAW", "CAP_SETUID", "CAP_KILL"].map((c) => expect.stringMatching(new RegExp(`^(CAP_)?${c.replace("CAP_", "")}$`)))));
    expect(info.EffectiveCaps ?? []).toEqual([]);
    expect(info.HostConfig.SecurityOpt).toContain("no-new-privileges");
    expect(info.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(info.HostConfig.NanoCpus || info.HostConfig.CpuQuota * 10_000).toBe(250_000_000);
    expect(info.HostConfig.Init).toBe(true);
    // slipwayd restarts its replicas itself, with backoff, seeing each exit code (crash loops, auto-rollback).
    expect(info.HostConfig.RestartPolicy.Name).toBe("no");
    for (const bindings of Object.values(info.HostConfig.PortBindings)) for (const b of bindings) expect(b.HostIp).toBe("127.0.0.1");
    expect(info.Config.Labels).toMatchObject({ "slipway.managed": "true", "slipway.app": app.appId, "slipway.release": firstReleaseId });
    const name = ((await podmanInspect(id!)) as { Name: string }).Name.replace(/^\//, "");
    expect(name).toMatch(new RegExp(`^slipway-[0-9a-f]{6}-${firstReleaseId}-[01]$`));
    const limits = (await podmanInspect(id!)) as { HostConfig: { PidsLimit: number; NetworkMode: string } };
    expect(limits.HostConfig.PidsLimit).toBe(512);
    expect(limits.HostConfig.NetworkMode).toMatch(/^(bridge|slipway-[0-9a-f]{6})$/);
  });

  it("streams the runtime logs of every replica through the daemon API and driver", async () => {
    const lines: LogLine[] = [];
    for await (const l of driver.logs(appRef(), { follow: false, tail: 50 })) lines.push(l);
    expect(lines.filter((l) => l.line.includes(startupLine("v1")))).toHaveLength(2);
    expect(new Set(lines.map((l) => l.replica)).size).toBe(2);
    expect(Number.isNaN(Date.parse(lines[0]!.time))).toBe(false);

    // Follow mode: a request through the ingress shows up live, and aborting ends the stream.
    const abort = new AbortController();
    const seen: LogLine[] = [];
    const reading = (async () => {
      for await (const l of driver.logs(appRef(), { follow: true, tail: 0, signal: abort.signal })) {
        seen.push(l);
        if (seen.some((s) => s.line.includes("/follow-probe"))) abort.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    await ingressGet(daemon.ingressPort, app.host, "/follow-probe");
    await ingressGet(daemon.ingressPort, app.host, "/follow-probe");
    await Promise.race([reading, new Promise((_, rej) => setTimeout(() => rej(new Error("follow did not see the request")), 15_000))]);
    expect(seen.some((s) => s.line.includes("/follow-probe"))).toBe(true);
  });

  it("redeploys a new commit with zero failed requests while a client hammers the URL", async () => {
    const oldIds = await liveContainers();
    let stop = false;
    const failures: string[] = [];
    const versions = new Map<string, number>();
    // Three clients, each a new connection per request with a 10 ms pause: a few hundred requests
    // a second, like the benchmark's 100 rps. Unpaced (thousands a second), one connect in one of
    // four CI runs was reset (ECONNRESET) by Caddy around its route reload: a known gap of the
    // ingress, written down in the closing note and README, not hidden by this pause.
    const hammer = async () => {
      while (!stop) {
        try {
          const r = await ingressGet(daemon.ingressPort, app.host);
          const v = /version (v\d+)/.exec(r.body)?.[1] ?? "?";
          if (r.status !== 200) failures.push(`${r.status} ${r.body.trim()}`);
          versions.set(v, (versions.get(v) ?? 0) + 1);
        } catch (e) {
          failures.push(String(e));
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const loops = [hammer(), hammer(), hammer()];
    await repo.commitVersion("v2");
    const buildId = await queueBuild(db, app.appId, "main");
    const build = await waitForBuild(db, buildId);
    expect(build.status).toBe("SUCCEEDED");
    const release = await db.release.findUniqueOrThrow({ where: { buildId } });
    expect(release.version).toBe(2);
    await waitForReleaseStatus(db, release.id, ["LIVE", "FAILED"]);
    // Keep hammering through the drain and the removal of the old replicas.
    await waitFor("old replicas removed", async () => {
      const ids = await liveContainers();
      return ids.length === 2 && ids.every((id) => !oldIds.includes(id));
    }, 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await Promise.all(loops);
    expect(failures).toEqual([]);
    expect(versions.get("v1")).toBeGreaterThan(10);
    expect(versions.get("v2")).toBeGreaterThan(10);
    expect((await ingressGet(daemon.ingressPort, app.host)).body).toContain("version v2");
    const first = await db.release.findUniqueOrThrow({ where: { id: firstReleaseId } });
    expect(first.status).toBe("SUPERSEDED");
    expect((await db.app.findUniqueOrThrow({ where: { id: app.appId } })).liveReleaseId).toBe(release.id);
  });

  it("fails a build with a broken Dockerfile, says why, and keeps the live release serving", async () => {
    const before = await db.app.findUniqueOrThrow({ where: { id: app.appId } });
    await repo.commitBrokenDockerfile();
    const buildId = await queueBuild(db, app.appId, "main");
    const build = await waitForBuild(db, buildId);
    expect(build.status).toBe("FAILED");
    expect(build.error).toMatch(/Image build failed: .*exit status 7/);
    const lines = (await db.buildLogLine.findMany({ where: { buildId }, orderBy: { id: "asc" } })).map((l) => l.line);
    expect(lines.some((l) => l.includes(BROKEN_STEP_MESSAGE))).toBe(true);
    expect(lines.some((l) => l.includes("exit status 7"))).toBe(true);
    const steps = await db.buildStep.findMany({ where: { buildId }, orderBy: { position: "asc" } });
    expect(steps.map((s) => s.status)).toEqual(["SUCCEEDED", "FAILED", "SKIPPED"]);
    expect(await db.release.count({ where: { buildId } })).toBe(0);
    const after = await db.app.findUniqueOrThrow({ where: { id: app.appId } });
    expect(after.liveReleaseId).toBe(before.liveReleaseId);
    expect(after.targetReleaseId).toBe(before.targetReleaseId);
    const res = await ingressGet(daemon.ingressPort, app.host);
    expect(res.status).toBe(200);
    expect(res.body).toContain("version v2");
  });

  it("fails a build whose repository cannot be cloned, with a clear error", async () => {
    const bad = await seedApp(db, { teamSlug: TEAM, appSlug: "gone", gitUrl: "/nonexistent/slipway/repo.git" });
    const buildId = await queueBuild(db, bad.appId, "main");
    const build = await waitForBuild(db, buildId);
    expect(build.status).toBe("FAILED");
    expect(build.error).toMatch(/git clone failed: .*(does not exist|does not appear to be a git repository|Could not read)/i);
    const steps = await db.buildStep.findMany({ where: { buildId }, orderBy: { position: "asc" } });
    expect(steps.map((s) => s.status)).toEqual(["FAILED", "SKIPPED", "SKIPPED"]);
  });

  it("refuses local git sources when the platform does not allow them", async () => {
    await allowLocalGitSources(db, false);
    try {
      const buildId = await queueBuild(db, app.appId, "main");
      const build = await waitForBuild(db, buildId);
      expect(build.status).toBe("FAILED");
      expect(build.error).toContain("Local git sources are disabled");
      expect(build.commitSha).toBeNull();
    } finally {
      await allowLocalGitSources(db, true);
    }
  });

  it("replaces a replica that disappeared and scales with the app's replica count", async () => {
    const [victim, survivor] = await liveContainers();
    await execFileAsync("podman", ["rm", "-f", "-t", "0", victim!]);
    await driver.nudge();
    const ids = await waitFor("replacement replica", async () => {
      const now = await liveContainers();
      return now.length === 2 && !now.includes(victim!) && now.includes(survivor!) ? now : null;
    }, 30_000);
    expect(ids).toHaveLength(2);

    await db.app.update({ where: { id: app.appId }, data: { replicas: 1 } });
    await driver.nudge();
    await waitFor("scaled down to one replica", async () => (await liveContainers()).length === 1, 30_000);
    expect((await ingressGet(daemon.ingressPort, app.host)).status).toBe(200);
  });

  it("removes orphaned containers that carry its labels but belong to no app", async () => {
    const { stdout } = await execFileAsync("podman", [
      "create", "--runtime", "runc", "--ulimit", "nofile=10000:10000", "--ulimit", "nproc=4096:4096",
      "--label", "slipway.managed=true", "--label", `slipway.instance=${daemon.instanceId()}`,
      "--label", "slipway.app=ghost-app", "--label", "slipway.release=ghost-release", "--label", "slipway.replica=0",
      "--name", `slipway-orphan-${TEAM}`, TEST_BASE_IMAGE, "sleep", "600",
    ]);
    // Made (podman answered its id); not listed again here: slipwayd's next pass may already have
    // removed it, which is what this test waits for.
    expect(stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    await driver.nudge();
    await waitFor("orphan removed", async () => (await podmanIdsByLabel("slipway.app=ghost-app")).length === 0, 30_000);
  });

  it("removes an app's containers and route through the driver", async () => {
    await driver.remove(appRef());
    expect(await liveContainers()).toEqual([]);
    expect((await ingressGet(daemon.ingressPort, app.host)).status).toBe(404);
    await driver.remove(appRef());
  });

  it("rejects API calls without the bearer token", async () => {
    const res = await fetch(daemon.apiUrl(`/v1/apps/${app.appId}/status`));
    expect(res.status).toBe(401);
    const wrong = await fetch(daemon.apiUrl(`/v1/apps/${app.appId}/status`), { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect((await fetch(daemon.apiUrl("/healthz"))).status).toBe(200);
  });
});
