// What slipwayd costs to keep running and how fast it comes back: resident memory with 50 running
// apps (peak while they roll out, then steady), and the time from SIGKILL to a relaunched daemon
// that printed `slipwayd ready` and answers its API. The compiled daemon (scripts/daemon-command.ts)
// is compared, in the same run, with two baselines: a bare `node -e` HTTP server (Node's own floor)
// and the old launch, `node --import tsx` on the TypeScript sources.
//
//   node --conditions=react-server --import tsx bench/daemon-footprint.ts
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { createRelease } from "../server/releases/create-release";
import { runAsFor } from "../server/runtime/run-as";
import { daemonCommand } from "../scripts/daemon-command";
import { freePort, REPO_ROOT, seedApp, waitFor, waitForBuild, waitForReleaseStatus } from "./support/harness";
import { fmt, loadNote, median, processMemory, ratio, table } from "./support/report";
import { runBench, type BenchSession } from "./support/session";

const APPS = 50;
const RESTARTS = 5;
/** how long memory is sampled once every app is live */
const STEADY_MS = 20_000;

interface Launch {
  command: string;
  args: string[];
}

interface Started {
  child: ChildProcess;
  /** spawn → the ready line */
  readyMs: number;
  /** spawn → the API answering an authenticated request */
  apiMs: number;
}

/** What this run spawned itself: the session's cleanup only knows the daemon it started. */
const children = new Set<ChildProcess>();

/** Spawns a daemon (or the bare baseline) and times its ready line and its first API answer. */
async function launch(cmd: Launch, env: NodeJS.ProcessEnv, readyLine: string, apiProbe: () => Promise<boolean>): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(cmd.command, cmd.args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  child.once("exit", () => children.delete(child));
  let out = "";
  const readyMs = await new Promise<number>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString("utf8");
      if (out.includes(readyLine)) resolve(performance.now() - t0);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${cmd.args.at(-1)} exited with ${code} before ready:\n${out.slice(-2000)}`)));
  });
  // Drain the pipes for the rest of its life: a full pipe would block the child.
  child.stdout!.resume();
  child.stderr!.resume();
  while (!(await apiProbe())) await sleep(5);
  return { child, readyMs, apiMs: performance.now() - t0 };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGKILL");
  await exited;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function httpOk(port: number, pathname: string, token?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: pathname, timeout: 2000, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

/** Samples VmRSS every second for `ms`; returns the median and the process's peak (VmHWM). */
async function steadyMemory(pid: number, ms: number): Promise<{ steadyMiB: number; peakMiB: number }> {
  const samples: number[] = [];
  for (const end = Date.now() + ms; Date.now() < end; await sleep(1000)) samples.push(processMemory(pid).rssMiB);
  return { steadyMiB: median(samples), peakMiB: processMemory(pid).peakMiB };
}

/** 49 more apps next to the session's deployed one, each released with its image (one build for all). */
async function seedApps(s: BenchSession, liveReleaseId: string): Promise<string[]> {
  const first = await s.db.release.findUniqueOrThrow({ where: { id: liveReleaseId } });
  const base = await s.db.app.findUniqueOrThrow({ where: { id: s.app.appId } });
  const releases = [liveReleaseId];
  for (let i = 1; i < APPS; i++) {
    const app = await seedApp(s.db, { teamSlug: s.runId, appSlug: `app${i}`, gitUrl: base.gitUrl });
    // Small apps: 50 × 128 MiB would exceed a default team quota nothing here checks anyway.
    await s.db.app.update({ where: { id: app.appId }, data: { cpuMillicores: 100, memoryMib: 32 } });
    const r = await createRelease({ runAs: runAsFor(""), db: s.db, appId: app.appId, imageRef: first.imageRef, imageDigest: first.imageDigest });
    releases.push(r.id);
  }
  return releases;
}

/** The daemon's footprint with the apps running: peak while `start` runs and they settle, then steady. */
async function footprint(cmd: Launch, s: BenchSession) {
  const d = s.daemon;
  const probe = () => httpOk(d.apiPort, `/v1/apps/${s.app.appId}/status`, d.token());
  const restarts: Started[] = [];
  let current = await launch(cmd, d.env, "slipwayd ready", probe);
  for (let i = 0; i < RESTARTS; i++) {
    await sleep(1500);
    await kill(current.child);
    current = await launch(cmd, d.env, "slipwayd ready", probe);
    restarts.push(current);
  }
  // After the restarts the daemon has adopted all 50 apps; let its loops run a while.
  const mem = await steadyMemory(current.child.pid!, STEADY_MS);
  await kill(current.child);
  return { ...mem, readyMs: median(restarts.map((r) => r.readyMs)), apiMs: median(restarts.map((r) => r.apiMs)) };
}

await runBench({ name: "daemon-footprint", limitMs: 15 * 60_000 }, async (s) => {
  const loadBefore = loadNote();
  s.onCleanup(async () => {
    for (const child of children) await kill(child);
  });
  const compiled = daemonCommand();
  const tsx: Launch = { command: process.execPath, args: ["--import", "tsx", "--conditions=react-server", path.join(REPO_ROOT, "server/daemon/main.ts")] };

  // 1. One app deployed through a build; 49 more released with its image while no daemon runs
  //    (SQLite has one writer), then rolled out at once by a compiled daemon: its peak covers that.
  const buildId = await s.deploy();
  const build = await waitForBuild(s.db, buildId, 180_000);
  if (build.status !== "SUCCEEDED") throw new Error(`fixture build ${build.status}`);
  const first = await waitFor("the first release", () => s.db.release.findFirst({ where: { buildId } }), 60_000);
  await waitForReleaseStatus(s.db, first.id, ["LIVE"], 120_000);
  await s.daemon.kill("SIGKILL");
  const releases = await seedApps(s, first.id);
  const rolloutStarted = Date.now();
  const roller = await launch(compiled, s.daemon.env, "slipwayd ready", () => httpOk(s.daemon.apiPort, "/healthz"));
  for (const id of releases) await waitForReleaseStatus(s.db, id, ["LIVE"], 300_000);
  const rolloutSeconds = (Date.now() - rolloutStarted) / 1000;
  const rollout = processMemory(roller.child.pid!);
  await kill(roller.child);

  // 2. Each launch in turn against the same 50 running apps: 5 SIGKILL + relaunch, then steady RSS.
  const compiledRun = await footprint(compiled, s);
  const tsxRun = await footprint(tsx, s);

  // 3. Node's floor: an HTTP server that does nothing.
  const barePort = await freePort();
  const bareRuns: Started[] = [];
  for (let i = 0; i < RESTARTS; i++) {
    const bare = await launch(
      { command: process.execPath, args: ["-e", `require("http").createServer((q, r) => r.end("ok")).listen(${barePort}, "127.0.0.1", () => console.log("bare ready"))`] },
      process.env,
      "bare ready",
      () => httpOk(barePort, "/"),
    );
    bareRuns.push(bare);
    if (i < RESTARTS - 1) await kill(bare.child);
  }
  const lastBare = bareRuns.at(-1)!;
  const bareMem = await steadyMemory(lastBare.child.pid!, 3000);
  await kill(lastBare.child);
  const bare = { ...bareMem, readyMs: median(bareRuns.map((r) => r.readyMs)), apiMs: median(bareRuns.map((r) => r.apiMs)) };

  console.log(`\nslipwayd footprint with ${APPS} running apps (busybox httpd each), ${RESTARTS} SIGKILL + relaunch per launch`);
  console.log(`compiled: ${[compiled.command, ...compiled.args].map((a) => path.relative(REPO_ROOT, a) || a).join(" ")}`);
  console.log(`rollout of ${APPS - 1} apps at once by the compiled daemon: ${fmt(rolloutSeconds, 1)} s, peak RSS ${fmt(rollout.peakMiB, 1)} MiB\n`);
  const row = (name: string, r: typeof bare) => [name, fmt(r.peakMiB, 1), fmt(r.steadyMiB, 1), fmt(r.readyMs, 0), fmt(r.apiMs, 0)];
  console.log(
    table(
      ["launch", "peak RSS MiB", "steady RSS MiB", "to ready ms", "to API ms"],
      [row("bare node http server (floor)", bare), row("slipwayd, node --import tsx (old)", tsxRun), row("slipwayd, compiled", compiledRun)],
    ),
  );
  console.log(
    `\ncompiled vs old tsx launch: peak ${ratio(compiledRun.peakMiB, tsxRun.peakMiB)}, steady ${ratio(compiledRun.steadyMiB, tsxRun.steadyMiB)}, ` +
      `to ready ${ratio(compiledRun.readyMs, tsxRun.readyMs)}, to API ${ratio(compiledRun.apiMs, tsxRun.apiMs)}`,
  );
  console.log(
    `compiled vs bare node: peak ${ratio(compiledRun.peakMiB, bare.peakMiB)}, steady ${ratio(compiledRun.steadyMiB, bare.steadyMiB)}, ` +
      `to ready ${ratio(compiledRun.readyMs, bare.readyMs)}, to API ${ratio(compiledRun.apiMs, bare.apiMs)}`,
  );
  console.log(`targets: peak < 120 MiB with ${APPS} apps (${compiledRun.peakMiB < 120 ? "met" : "NOT met"}), restart to API < 1 s (${compiledRun.apiMs < 1000 ? "met" : "NOT met"})`);
  console.log(`${loadBefore} before; ${loadNote()} after`);
});
