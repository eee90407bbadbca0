// Runs the ingress proxy (Caddy) as a process of its own, detached from slipwayd: a slipwayd that
// is killed, restarted or upgraded leaves it serving, and the next slipwayd adopts it through its
// admin socket. slipwayd still supervises it: a Caddy that dies is started again with --resume,
// which reloads the last config slipwayd pushed (Caddy's autosave), before slipwayd pushes again.
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import type { Logger } from "../logger";
import { adminAnswers } from "./caddy-admin";
import { initialCaddyConfig } from "./caddy-config";
import { caddyPaths } from "./caddy-paths";
import { enableListenerHandover } from "./listener-handover";

export interface CaddyProcessOptions {
  dataDir: string;
  log: Logger;
  /** the caddy binary (Debian's package puts it on PATH) */
  bin?: string;
  startTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readPid(pidFile: string): number | null {
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** The pid in the pidfile when that process is alive and still a caddy (pids get reused). */
export function caddyPid(dataDir: string): number | null {
  const pid = readPid(caddyPaths(dataDir).pidFile);
  if (!pid) return null;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return cmdline.includes("caddy") ? pid : null;
  } catch {
    // No such process.
    return null;
  }
}

function logTail(file: string): string {
  try {
    return readFileSync(file, "utf8").slice(-2000);
  } catch {
    return "(no log)";
  }
}

/**
 * Go's garbage collector for Caddy. A proxied request leaves a few KiB of garbage; at the default
 * GOGC=100 collection took about 12% of Caddy's CPU under load (pprof), GOGC=400 about 3%. Caddy's
 * live heap is small (a few MiB), so collecting 4x less often costs little memory; GOMEMLIMIT
 * makes the collector eager again before the heap could grow large. An operator's own GOGC,
 * GOMEMLIMIT or GOMAXPROCS (in slipwayd's environment) wins.
 */
export const CADDY_GO_ENV = { GOGC: "400", GOMEMLIMIT: "256MiB" } as const;

/** Caddy's whole environment: its own state dirs, its Go runtime settings, no slipwayd secrets. */
export function caddyEnv(dataDir: string, from: Record<string, string | undefined> = process.env): NodeJS.ProcessEnv {
  const p = caddyPaths(dataDir);
  const env: Record<string, string> = {
    PATH: from.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: p.root,
    XDG_CONFIG_HOME: p.configHome,
    XDG_DATA_HOME: p.dataHome,
    ...CADDY_GO_ENV,
  };
  for (const k of ["LANG", "TZ", "TMPDIR", "GOGC", "GOMEMLIMIT", "GOMAXPROCS"]) if (from[k]) env[k] = from[k]!;
  return env as NodeJS.ProcessEnv;
}

export interface CaddyHandle {
  /** true when this call started it, false when it adopted a running one */
  started: boolean;
  pid: number | null;
}

/** Adopt the Caddy answering on this data dir's admin socket, or start one and wait for it. */
export async function ensureCaddy(opts: CaddyProcessOptions): Promise<CaddyHandle> {
  const p = caddyPaths(opts.dataDir);
  // Before any route is pushed: every push re-listens (see listener-handover.ts).
  enableListenerHandover(opts.log);
  if (await adminAnswers(p.adminSocket)) {
    opts.log.info({ socket: p.adminSocket, pid: caddyPid(opts.dataDir) }, "adopting running ingress proxy (caddy)");
    return { started: false, pid: caddyPid(opts.dataDir) };
  }
  // A caddy that is alive but does not answer is hung: it would hold the ports.
  const stale = caddyPid(opts.dataDir);
  if (stale) {
    opts.log.warn({ pid: stale }, "ingress proxy does not answer its admin socket; killing it");
    await killAndWait(stale, "SIGKILL", 5000);
  }
  for (const d of [p.root, p.configHome, p.dataHome]) mkdirSync(d, { recursive: true, mode: 0o700 });
  if (existsSync(p.adminSocket)) unlinkSync(p.adminSocket);
  writeFileSync(p.initialConfig, JSON.stringify(initialCaddyConfig(p.adminSocket)));
  const out = openSync(p.logFile, "a");
  // --resume: the autosaved config (the last routes pushed) wins over the initial one, so a
  // restarted Caddy serves the apps again before slipwayd has said anything.
  const child = spawn(opts.bin ?? "caddy", ["run", "--resume", "--config", p.initialConfig, "--pidfile", p.pidFile], {
    // Its own process group: a signal to slipwayd's group (Ctrl-C, kill -9 of a service) spares it.
    detached: true,
    stdio: ["ignore", out, out],
    env: caddyEnv(opts.dataDir),
    cwd: p.root,
  });
  closeSync(out);
  let exited: string | null = null;
  child.once("exit", (code, signal) => (exited = `exited with ${signal ?? code}`));
  child.once("error", (e) => (exited = `could not start: ${e.message}`));
  child.unref();
  const deadline = Date.now() + (opts.startTimeoutMs ?? 15_000);
  while (Date.now() < deadline) {
    if (exited) throw new Error(`ingress proxy (caddy) ${exited}:\n${logTail(p.logFile)}`);
    if (await adminAnswers(p.adminSocket, 500)) {
      opts.log.info({ pid: child.pid, socket: p.adminSocket }, "ingress proxy (caddy) started");
      return { started: true, pid: child.pid ?? null };
    }
    await sleep(50);
  }
  throw new Error(`ingress proxy (caddy) did not answer on ${p.adminSocket} within ${opts.startTimeoutMs ?? 15_000} ms:\n${logTail(p.logFile)}`);
}

async function killAndWait(pid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<boolean> {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
    return true;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await sleep(50);
  }
  return false;
}

/** Stop this data dir's Caddy (tests and benchmarks tear down with it; slipwayd never does). */
export async function stopCaddy(dataDir: string): Promise<void> {
  const pid = caddyPid(dataDir);
  if (!pid) return;
  if (!(await killAndWait(pid, "SIGTERM", 5000))) await killAndWait(pid, "SIGKILL", 5000);
}

export interface CaddySupervisor {
  stop(): void;
}

/**
 * Checks every `everyMs` that Caddy answers; when it does not (twice in a row, or its process is
 * gone), starts it again and calls onRespawn (the pusher then re-applies the current routes).
 */
export function superviseCaddy(opts: CaddyProcessOptions & { onRespawn: () => void; everyMs?: number }): CaddySupervisor {
  const p = caddyPaths(opts.dataDir);
  let misses = 0;
  let checking = false;
  let stopped = false;
  const check = async () => {
    if (checking || stopped) return;
    checking = true;
    try {
      const alive = caddyPid(opts.dataDir) !== null;
      if (alive && (await adminAnswers(p.adminSocket, 2000))) {
        misses = 0;
        return;
      }
      misses++;
      if (alive && misses < 2) return;
      opts.log.warn({ pid: readPid(p.pidFile), alive }, "ingress proxy (caddy) is down; starting it again");
      await ensureCaddy(opts);
      misses = 0;
      opts.onRespawn();
    } catch (e) {
      opts.log.error({ err: e instanceof Error ? e.message : String(e) }, "restarting the ingress proxy failed; trying again");
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), opts.everyMs ?? 1000);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
