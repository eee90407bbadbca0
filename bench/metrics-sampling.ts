// What sampling container metrics costs: 100 small app-like containers (the test base image
// running `sleep`, with the limits and ulimits of an app: 250 millicores, 64 MiB, 512 pids,
// nofile/nproc), sampled for 120 s by the sampler slipwayd runs (server/daemon/metrics/
// container-sampler.ts: cgroup and /proc reads per container every 5 s; the engine listed only
// when a container cgroup came or went, or once a minute), in a process of its own. Its CPU is
// compared with an idle process of the same make (the baseline, same run), plus the Podman
// service's CPU over each phase. For comparison, the engine's own stats API
// (`/libpod/containers/stats?stream=false`, all containers in one call) is timed over the same
// time at the same interval. Prints "% of a core per 100 containers"
// (target < 1 %) and the sampler's peak RSS.
//
//   flock /tmp/slipway-heavy.lock node --conditions=react-server --import tsx bench/metrics-sampling.ts
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { daemonPaths } from "../server/daemon/config";
import { ensurePodmanService } from "../server/daemon/engine/podman-service";
import { createLogger } from "../server/daemon/logger";
import { ContainerSampler } from "../server/daemon/metrics/container-sampler";
import { listInstanceContainers } from "../server/daemon/metrics/engine-containers";
import { openMetricsDb } from "../server/daemon/metrics/metrics-database";
import { MetricsStore } from "../server/daemon/metrics/metrics-store";
import { ensureTestBaseImage, TEST_BASE_IMAGE } from "../tests/support/test-images";
import { processCpuSeconds } from "./support/cpu-usage";
import { fmt, loadNote, table } from "./support/report";

const run = promisify(execFile);
const CONTAINERS = Number(process.env.BENCH_CONTAINERS ?? 100);
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 120_000);
const EVERY_MS = 5000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Child mode: `--child idle|sample <socket> <instance> <db>`; prints "ready", runs until killed. */
async function child(mode: string, socket: string, instance: string, dbFile: string): Promise<void> {
  if (mode === "sample") {
    const store = new MetricsStore(openMetricsDb(dbFile));
    const sampler = new ContainerSampler({ store, log: createLogger("warn"), list: () => listInstanceContainers(socket, instance), everyMs: EVERY_MS });
    // Loaded and warmed (the first pass compiles the code paths and opens the file) before "ready".
    await sampler.sampleOnce();
    sampler.start();
    // The sampler's timer does not hold a process open (slipwayd's API server does).
    setInterval(() => undefined, 1 << 30);
    process.on("SIGTERM", () => {
      process.stdout.write(`listings ${sampler.listings}\n`);
      process.exit(0);
    });
  } else {
    // The same modules loaded, nothing started: what a slipwayd without sampling would hold.
    openMetricsDb(dbFile).close();
    setInterval(() => undefined, 1 << 30);
  }
  process.stdout.write("ready\n");
}

function vmHwmMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

async function startChild(mode: string, socket: string, instance: string, dbFile: string): Promise<ChildProcess> {
  const c = spawn(process.execPath, [...process.execArgv, process.argv[1]!, "--child", mode, socket, instance, dbFile], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    c.stdout!.on("data", (b: Buffer) => b.toString().includes("ready") && resolve());
    c.once("exit", (code) => reject(new Error(`${mode} child exited with ${code}`)));
  });
  return c;
}

function libpodStats(socket: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath: socket, path: "/v4.0.0/libpod/containers/stats?stream=false&all=true" }, (res) => {
        let n = 0;
        res.on("data", (b: Buffer) => (n += b.length));
        res.on("end", () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`stats answered ${res.statusCode}`))));
      })
      .on("error", reject);
  });
}

interface Phase {
  name: string;
  procSeconds: number;
  podmanSeconds: number;
  wallSeconds: number;
  rssMiB: number;
}

async function measure(name: string, pid: number, podmanPid: number, during?: () => Promise<void>): Promise<Phase> {
  const p0 = processCpuSeconds(pid);
  const e0 = processCpuSeconds(podmanPid);
  const t0 = performance.now();
  if (during) await during();
  else await sleep(PHASE_MS);
  const wallSeconds = (performance.now() - t0) / 1000;
  return { name, procSeconds: processCpuSeconds(pid) - p0, podmanSeconds: processCpuSeconds(podmanPid) - e0, wallSeconds, rssMiB: vmHwmMiB(pid) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-bench-metrics-"));
  const instance = `benchmetrics${Date.now().toString(36)}`;
  const children: ChildProcess[] = [];
  const paths = daemonPaths(dir);
  try {
    await ensureTestBaseImage();
    const { socketPath } = await ensurePodmanService(dir, createLogger("warn"));
    const podmanPid = Number(readFileSync(paths.podmanPidFile, "utf8"));
    const env = { ...process.env, CONTAINERS_CONF: path.resolve(paths.containersConf) };
    const t0 = performance.now();
    for (let i = 0; i < CONTAINERS; i += 5) {
      await Promise.all(
        Array.from({ length: Math.min(5, CONTAINERS - i) }, (_, k) =>
          run(
            "podman",
            [
              ...["--runtime", "runc", "run", "-d", "--name", `${instance}-${i + k}`],
              ...["--ulimit", "nofile=10000:10000", "--ulimit", "nproc=4096:4096", "--cpus", "0.25", "--memory", "64m", "--memory-swap", "64m", "--pids-limit", "512"],
              ...["--label", "slipway.managed=true", "--label", `slipway.instance=${instance}`, "--label", `slipway.app=app${(i + k) % 10}`, "--label", `slipway.replica=${Math.floor((i + k) / 10)}`],
              ...[TEST_BASE_IMAGE, "sleep", "3600"],
            ],
            { env },
          ),
        ),
      );
    }
    process.stdout.write(`${CONTAINERS} containers started in ${fmt((performance.now() - t0) / 1000, 1)} s\n`);
    const listed = await listInstanceContainers(socketPath, instance);
    if (listed.filter((c) => c.running).length !== CONTAINERS) throw new Error(`expected ${CONTAINERS} running containers, listed ${listed.length}`);
    await sleep(3000);

    const idle = await startChild("idle", socketPath, instance, path.join(dir, "idle.db"));
    children.push(idle);
    const baseline = await measure("baseline: idle process of the same make", idle.pid!, podmanPid);
    idle.kill();

    const dbFile = path.join(dir, "metrics.db");
    const sampler = await startChild("sample", socketPath, instance, dbFile);
    children.push(sampler);
    let childOut = "";
    sampler.stdout!.on("data", (b: Buffer) => (childOut += b.toString()));
    const sampling = await measure("sampler (slipwayd's): cgroup reads every 5 s, engine listed on change or each minute", sampler.pid!, podmanPid);
    const exited = new Promise((r) => sampler.once("exit", r));
    sampler.kill("SIGTERM");
    await exited;
    const listings = Number(/listings (\d+)/.exec(childOut)?.[1] ?? Number.NaN);
    const db = new Database(dbFile, { readonly: true });
    const rows = (db.prepare("SELECT COUNT(*) AS n, COUNT(DISTINCT container) AS c FROM container_samples").get() as { n: number; c: number });
    db.close();

    // The engine's stats API, called from this process at the same interval (its own CPU counted).
    let statsBytes = 0;
    const statsApi = await measure("engine stats API (libpod, all containers, one call) every 5 s", process.pid, podmanPid, async () => {
      const end = performance.now() + PHASE_MS;
      while (performance.now() < end) {
        const started = performance.now();
        statsBytes = await libpodStats(socketPath);
        await sleep(Math.max(0, EVERY_MS - (performance.now() - started)));
      }
    });

    const per100 = (s: number, wall: number) => ((s / wall) * 100 * 100) / CONTAINERS;
    const base = { proc: baseline.procSeconds / baseline.wallSeconds, podman: baseline.podmanSeconds / baseline.wallSeconds };
    const cost = (p: Phase, withProcBaseline: boolean) => {
      const proc = p.procSeconds - (withProcBaseline ? base.proc * p.wallSeconds : 0);
      const podman = p.podmanSeconds - base.podman * p.wallSeconds;
      return { proc, podman, pct: per100(proc + podman, p.wallSeconds) };
    };
    const s = cost(sampling, true);
    // This process idles otherwise (timers only): its CPU over the phase is the stats calls' own.
    const a = cost(statsApi, false);
    process.stdout.write(
      `\n${table(
        ["phase", "wall s", "process CPU s", "podman CPU s", "peak RSS MiB"],
        [baseline, sampling, statsApi].map((p) => [p.name, fmt(p.wallSeconds, 1), fmt(p.procSeconds, 3), fmt(p.podmanSeconds, 3), fmt(p.rssMiB, 1)]),
      )}\n\n`,
    );
    process.stdout.write(`sampled: ${rows.n} samples of ${rows.c} containers in ${fmt(sampling.wallSeconds, 0)} s; the engine listed ${listings} times (after the warm-up pass)\n`);
    process.stdout.write(`sampling cost: ${fmt(s.proc, 3)} s sampler + ${fmt(s.podman, 3)} s podman over baseline = ${fmt(s.pct, 3)} % of a core per 100 containers (target < 1 %); sampler peak RSS ${fmt(sampling.rssMiB, 1)} MiB (idle process ${fmt(baseline.rssMiB, 1)} MiB)\n`);
    process.stdout.write(`engine stats API instead: ${fmt(a.proc, 3)} s caller + ${fmt(a.podman, 3)} s podman = ${fmt(a.pct, 3)} % of a core per 100 containers (${statsBytes} bytes per call)\n`);
    process.stdout.write(`${loadNote()}\n`);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    const { stdout } = await run("podman", ["ps", "-a", "-q", "--filter", `label=slipway.instance=${instance}`]).catch(() => ({ stdout: "" }));
    const ids = stdout.split("\n").filter(Boolean);
    if (ids.length) await run("podman", ["rm", "-f", "-t", "0", ...ids]).catch((e: unknown) => process.stderr.write(`removing bench containers failed: ${String(e)}\n`));
    try {
      process.kill(Number(readFileSync(paths.podmanPidFile, "utf8")), "SIGTERM");
    } catch (e) {
      process.stderr.write(`stopping the bench's podman service: ${String(e)}\n`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child") {
  void child(process.argv[3]!, process.argv[4]!, process.argv[5]!, process.argv[6]!);
} else {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`metrics-sampling bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
