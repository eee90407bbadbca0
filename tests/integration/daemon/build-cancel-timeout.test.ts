// Cancel and time limit against real slipwayd, real Podman and real git, driven through the API
// route handlers (real sessions) on the database the daemon works from: a running `RUN sleep 300`
// build is canceled (or runs into its team's 10 s limit) and its processes and buildah containers
// are gone within seconds; a queued build is canceled before it starts; build containers get the
// platform's cpu and memory limits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Db } from "@/server/db";
import { buildCgroupName } from "@/server/daemon/engine/build-cgroup";
import * as projectsRoute from "@/app/api/v1/projects/route";
import * as projectAppsRoute from "@/app/api/v1/projects/[projectId]/apps/route";
import * as deployRoute from "@/app/api/v1/apps/[appId]/deploy/route";
import * as cancelRoute from "@/app/api/v1/builds/[buildId]/cancel/route";
import * as platformTeamQuota from "@/app/api/v1/platform/teams/[teamId]/quota/route";
import * as meRoute from "@/app/api/v1/me/route";
import { call, setupApiTestEnv, signUp } from "../../support/api-harness";
import { TEST_BASE_IMAGE, ensureTestBaseImage } from "../../support/test-images";
import { createFixtureRepo } from "../../support/git-fixtures";
import {
  allowLocalGitSources,
  cleanupDaemonResources,
  createDaemon,
  createTestDatabase,
  execFileAsync,
  makeDataDir,
  waitFor,
  waitForBuild,
  type DaemonProcess,
} from "../../support/daemon-harness";

const RUN_ID = Date.now().toString(36);
let db: Db;
let daemon: DaemonProcess;
let admin: string;
let ada: { cookie: string; teamId: string };
let projectId: string;

async function member(email: string): Promise<{ cookie: string; teamId: string }> {
  const cookie = await signUp(email);
  const me = await call(meRoute.GET, "GET", "/api/v1/me", { cookie });
  return { cookie, teamId: me.json.team.id };
}

/** An app of Ada's team whose Dockerfile runs `script` in a RUN step. */
async function appRunning(slug: string, script: string): Promise<string> {
  const repo = await createFixtureRepo({ version: slug });
  await repo.commitFiles({ Dockerfile: `FROM ${TEST_BASE_IMAGE}\nRUN ${script}\n` }, `${slug}: a RUN step to stop`);
  const res = await call(projectAppsRoute.POST, "POST", `/api/v1/projects/${projectId}/apps`, { cookie: ada.cookie, params: { projectId }, body: { slug, gitUrl: repo.fileUrl } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json.id;
}

async function deploy(appId: string): Promise<{ id: string; number: number; status: string }> {
  const res = await call(deployRoute.POST, "POST", `/api/v1/apps/${appId}/deploy`, { cookie: ada.cookie, params: { appId } });
  expect(res.status, JSON.stringify(res.json)).toBe(202);
  return res.json.build;
}

async function logLines(buildId: string): Promise<string[]> {
  return (await db.buildLogLine.findMany({ where: { buildId }, orderBy: { id: "asc" } })).map((l) => l.line);
}

/** Pids of every process in the build's cgroup (its RUN steps), from /proc. */
function processesOfBuild(buildId: string): number[] {
  const name = buildCgroupName(buildId);
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cgroup`, "utf8").includes(`/${name}/`)) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

async function pgrep(pattern: string): Promise<string[]> {
  try {
    const { stdout } = await execFileAsync("pgrep", ["-af", pattern]);
    return stdout.split("\n").filter((l) => l && !l.includes("pgrep"));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/**
 * Buildah working containers (`podman ps -a --external`) made for this build: buildah records the
 * build's cgroup parent in each one's buildah.json. `podman ps --external` fails now and then while
 * other builds on the machine create containers, so it is retried.
 */
async function buildahContainersOf(buildId: string): Promise<string[]> {
  const { stdout: root } = await execFileAsync("podman", ["info", "--format", "{{.Store.GraphRoot}}"]);
  const ids = await waitFor("podman ps --external", async () => {
    const { stdout } = await execFileAsync("podman", ["ps", "-a", "--external", "--no-trunc", "--format", "{{.ID}}"]);
    return { ids: stdout.split("\n").filter(Boolean) };
  }, 20_000, 500);
  const name = buildCgroupName(buildId);
  return ids.ids.filter((id) => {
    const file = path.join(root.trim(), "overlay-containers", id, "userdata", "buildah.json");
    return existsSync(file) && readFileSync(file, "utf8").includes(name);
  });
}

beforeAll(async () => {
  await ensureTestBaseImage();
  const dataDir = makeDataDir("cancel");
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  setupApiTestEnv({ databaseUrl: url });
  await allowLocalGitSources(db, true);
  admin = await signUp(`root${RUN_ID}@example.test`);
  ada = await member(`ada${RUN_ID}@example.test`);
  const project = await call(projectsRoute.POST, "POST", "/api/v1/projects", { cookie: ada.cookie, body: { slug: "shop" } });
  expect(project.status, JSON.stringify(project.json)).toBe(201);
  projectId = project.json.id;
  // The platform's build limits, small enough to read back inside a RUN step.
  daemon = await createDaemon({ dataDir, databaseUrl: url, env: { SLIPWAY_BUILD_MEMORY_MIB: "300", SLIPWAY_BUILD_CPU_MILLICORES: "500" } });
  await daemon.start();
}, 120_000);

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  await db?.$disconnect();
});

describe("canceling builds", () => {
  it("cancels a queued build at once and a running one within seconds: its processes and containers are gone, no release", async () => {
    const marker = `h3-cancel-${RUN_ID}`;
    const appId = await appRunning("sleeper", `echo ${marker}; sleep 300; echo ${marker}-never`);
    const running = await deploy(appId);
    await waitFor("the RUN step to run", async () => (await logLines(running.id)).includes(marker), 90_000);
    expect(processesOfBuild(running.id).length).toBeGreaterThan(0);
    expect(await pgrep(marker)).not.toEqual([]);

    // A deploy during the build waits, queued: one build per app at a time.
    const queued = await deploy(appId);
    expect(queued.number).toBe(running.number + 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await db.build.findUniqueOrThrow({ where: { id: queued.id } })).status).toBe("QUEUED");
    const cq = await call(cancelRoute.POST, "POST", `/api/v1/builds/${queued.id}/cancel`, { cookie: ada.cookie, params: { buildId: queued.id } });
    expect(cq.status, JSON.stringify(cq.json)).toBe(200);
    expect(cq.json).toMatchObject({ id: queued.id, status: "CANCELED", canceledBy: { name: `ada${RUN_ID}` }, error: `Canceled by ada${RUN_ID}`, startedAt: null });
    expect(cq.json.finishedAt).not.toBeNull();

    const t0 = Date.now();
    const cr = await call(cancelRoute.POST, "POST", `/api/v1/builds/${running.id}/cancel`, { cookie: ada.cookie, params: { buildId: running.id } });
    expect(cr.status, JSON.stringify(cr.json)).toBe(200);
    expect(cr.json).toMatchObject({ status: "CANCELED", canceledBy: { name: `ada${RUN_ID}` } });
    // The RUN step's processes and the podman build process stop within seconds.
    await waitFor("the build's processes to end", async () => processesOfBuild(running.id).length === 0 && (await pgrep(marker)).length === 0, 10_000, 100);
    const stoppedMs = Date.now() - t0;
    expect(stoppedMs).toBeLessThan(4000);
    await waitFor("podman build to exit", async () => (await pgrep(`${running.id}.podman`)).length === 0 && (await pgrep(`app-${appId}:b${running.number}`)).length === 0, 10_000, 100);
    // The worker records the stop in the steps and the log, and leaves the row as the cancel wrote it.
    const steps = await waitFor("the steps to record the cancel", async () => {
      const s = await db.buildStep.findMany({ where: { buildId: running.id }, orderBy: { position: "asc" } });
      return s.find((x) => x.name === "build")?.status === "FAILED" ? s : null;
    }, 10_000);
    expect(steps.map((s) => [s.name, s.status, s.error])).toEqual([
      ["clone", "SUCCEEDED", null],
      ["build", "FAILED", "canceled"],
      ["release", "SKIPPED", null],
    ]);
    expect(await logLines(running.id)).toContain(`canceled by ada${RUN_ID}`);
    expect(await logLines(running.id)).not.toContain(`${marker}-never`);
    expect(await buildahContainersOf(running.id)).toEqual([]);
    const row = await db.build.findUniqueOrThrow({ where: { id: running.id }, include: { release: true } });
    expect(row).toMatchObject({ status: "CANCELED", error: `Canceled by ada${RUN_ID}`, release: null, leaseOwner: null });
    expect(await db.release.count({ where: { appId } })).toBe(0);
    expect(await db.auditEvent.count({ where: { action: "build.cancel", targetId: { in: [running.id, queued.id] } } })).toBe(2);
    // The canceled queued build never ran.
    expect(await db.build.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({ status: "CANCELED", startedAt: null, attempts: 0 });

    // Canceling a finished build changes nothing.
    const again = await call(cancelRoute.POST, "POST", `/api/v1/builds/${running.id}/cancel`, { cookie: ada.cookie, params: { buildId: running.id } });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/already finished \(canceled\)/);
  }, 180_000);
});

describe("the team's build time limit", () => {
  it("stops a RUN sleep 300 build at the team's 10 s limit, names the limit and what to do, and leaves no process or container", async () => {
    const set = await call(platformTeamQuota.PUT, "PUT", `/api/v1/platform/teams/${ada.teamId}/quota`, {
      cookie: admin,
      params: { teamId: ada.teamId },
      body: { cpuMillicores: 8000, memoryMib: 8192, storageGib: 40, maxApps: 40, maxConcurrentBuilds: 4, buildTimeoutSeconds: 10 },
    });
    expect(set.status, JSON.stringify(set.json)).toBe(200);
    expect(set.json.buildTimeoutSeconds).toBe(10);
    const marker = `h3-timeout-${RUN_ID}`;
    const appId = await appRunning("slowpoke", `echo ${marker}; sleep 300; echo ${marker}-never`);
    const build = await deploy(appId);
    const done = await waitForBuild(db, build.id, 90_000);
    expect(done.status, daemon.output().slice(-3000)).toBe("FAILED");
    expect(done.error).toMatch(/^The build took longer than the team's build time limit of 10 s and was stopped\. Make the build faster .* ask a platform admin to raise the team's build time limit$/);
    expect(done.finishedAt!.getTime() - done.startedAt!.getTime()).toBeGreaterThanOrEqual(10_000);
    expect(done.finishedAt!.getTime() - done.startedAt!.getTime()).toBeLessThan(20_000);
    expect(await logLines(build.id)).toContain(marker);
    await waitFor("the build's processes to end", async () => processesOfBuild(build.id).length === 0 && (await pgrep(marker)).length === 0, 10_000, 100);
    await waitFor("podman build to exit", async () => (await pgrep(`${build.id}.podman`)).length === 0, 10_000, 100);
    expect(await buildahContainersOf(build.id)).toEqual([]);
    const steps = await db.buildStep.findMany({ where: { buildId: build.id }, orderBy: { position: "asc" } });
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ["clone", "SUCCEEDED"],
      ["build", "FAILED"],
      ["release", "SKIPPED"],
    ]);
    await call(platformTeamQuota.PUT, "PUT", `/api/v1/platform/teams/${ada.teamId}/quota`, {
      cookie: admin,
      params: { teamId: ada.teamId },
      body: { cpuMillicores: 8000, memoryMib: 8192, storageGib: 40, maxApps: 40, maxConcurrentBuilds: 4, buildTimeoutSeconds: 1800 },
    });
  }, 120_000);
});

describe("build container limits", () => {
  it("runs RUN steps under the platform's memory and cpu limits (300 MiB, 500 millicores)", async () => {
    // cgroup v1 (these machines) or v2 files, whichever the container sees. The run id keeps the
    // step out of the layer cache (a cached step prints nothing).
    const script = [
      `echo run=${RUN_ID}`,
      "echo mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max)",
      "echo cpu=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cat /sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us 2>/dev/null || cat /sys/fs/cgroup/cpu.max)",
    ].join("; ");
    const appId = await appRunning("limits", script);
    const build = await deploy(appId);
    const done = await waitForBuild(db, build.id, 90_000);
    expect(done.error, daemon.output().slice(-3000)).toBeNull();
    const lines = await logLines(build.id);
    expect(lines).toContain(`mem=${300 * 1024 * 1024}`);
    expect(lines.find((l) => l.startsWith("cpu="))).toMatch(/^cpu=50000( 100000)?$/);
  }, 120_000);
});

describe("what a build builds", () => {
  it("builds exactly a push's SHA, not the branch head, and records the commit's subject and author when the trigger did not", async () => {
    const repo = await createFixtureRepo({ version: "pinned" });
    const pushedSha = await repo.head();
    await repo.commitVersion("later");
    const res = await call(projectAppsRoute.POST, "POST", `/api/v1/projects/${projectId}/apps`, { cookie: ada.cookie, params: { projectId }, body: { slug: "pinned", gitUrl: repo.fileUrl } });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const appId: string = res.json.id;
    // As the webhook intake queues it: the payload's SHA as gitRef, no message in this payload.
    const push = await db.build.create({ data: { teamId: ada.teamId, appId, number: 1, gitRef: pushedSha, trigger: "push" } });
    const pushed = await waitForBuild(db, push.id, 90_000);
    expect(pushed.error, daemon.output().slice(-3000)).toBeNull();
    expect(pushed).toMatchObject({ status: "SUCCEEDED", commitSha: pushedSha, commitMessage: "version pinned", commitAuthor: "Slipway Tests" });
    // A manual deploy builds the branch head and learns its commit the same way.
    const manual = await deploy(appId);
    const built = await waitForBuild(db, manual.id, 90_000);
    expect(built).toMatchObject({ status: "SUCCEEDED", commitSha: await repo.head(), commitMessage: "version later", commitAuthor: "Slipway Tests" });
    // A message the push payload carried is kept as it was.
    const withMessage = await db.build.create({ data: { teamId: ada.teamId, appId, number: 3, gitRef: pushedSha, trigger: "push", commitMessage: "from the payload", commitAuthor: "Payload Author" } });
    expect(await waitForBuild(db, withMessage.id, 90_000)).toMatchObject({ status: "SUCCEEDED", commitMessage: "from the payload", commitAuthor: "Payload Author" });
  }, 240_000);
});
