// Boots the real platform for a journey: a fresh data dir (SQLite), free ports, migrations, the
// production web server (`next start` on the last `next build`) and slipwayd as child processes,
// exactly as `npm start` runs them. stop() kills both and removes every container, network,
// firewall chain and the Podman service this data dir's daemon created (its containers carry
// `slipway.instance=<instance id>`).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, type WriteStream } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import readline from "node:readline";
import { freePort } from "../../tests/support/net";
import { daemonCommand } from "../../scripts/daemon-command";
import { stopCaddy } from "../../server/daemon/ingress/caddy-process";
import { removeNetworkIsolation } from "../../server/daemon/engine/network-isolation";
import { unmountTestVolumes } from "../../tests/support/test-volumes";

export { freePort };

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface PlatformOptions {
  /** Extra environment for both processes (e.g. SLIPWAY_BUILD_WORKERS). */
  env?: Record<string, string>;
  /** Start slipwayd too (default true). */
  daemon?: boolean;
  /** How long each process may take to become ready (default 120 s). */
  readyTimeoutMs?: number;
  /**
   * The dashboard's host name in webUrl and SLIPWAY_PUBLIC_URL (default localhost). Chromium
   * resolves every *.localhost name to loopback, so e.g. "dash.slipway.localhost" with
   * SLIPWAY_INGRESS_DOMAIN "slipway.localhost" puts the dashboard and the apps on one site, as
   * dash.example.com and *.apps.example.com are in production.
   */
  webHost?: string;
  /** The platform's database (default: a fresh SQLite file in the data dir), e.g. a fresh PostgreSQL database's URL. */
  databaseUrl?: string;
}

export interface Platform {
  dataDir: string;
  databaseUrl: string;
  webPort: number;
  daemonPort: number;
  ingressPort: number;
  /** verified custom domains answer HTTPS here (certificates from the ingress proxy's internal CA) */
  ingressHttpsPort: number;
  /** http://localhost:<web port>, also SLIPWAY_PUBLIC_URL */
  webUrl: string;
  /** The URL an app is served at through the ingress proxy. */
  appUrl(app: { app: string; project: string; team: string }, pathname?: string): string;
  /** The environment both processes got (to run scripts against the same data dir). */
  env: Record<string, string>;
  /** The last lines either process printed (for assertion messages). */
  logs(which: "web" | "daemon", lines?: number): string;
  /** Kill slipwayd (SIGKILL by default: the crash a restart must survive) without restarting it. */
  killDaemon(signal?: NodeJS.Signals): Promise<void>;
  /** Start slipwayd again (after killDaemon) and wait for `slipwayd ready`. */
  startDaemon(): Promise<void>;
  restartDaemon(signal?: NodeJS.Signals): Promise<void>;
  /** The first-time setup link `npm start` prints while there are no users (a new token each call). */
  setupLink(): string;
  stop(): Promise<void>;
}

const LOG_LINES = 400;

class ManagedProcess {
  child?: ChildProcess;
  readonly recent: string[] = [];
  private readonly file: WriteStream;
  private readyResolve?: () => void;

  constructor(
    readonly name: "web" | "daemon",
    private readonly command: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
    logFile: string,
    private readonly readyLine?: RegExp,
  ) {
    this.file = createWriteStream(logFile, { flags: "a" });
  }

  start(): void {
    // Own process group so that stop() also takes down `next start`'s worker processes.
    const child = spawn(this.command, this.args, {
      cwd: repoRoot,
      env: this.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    liveGroups.add(child);
    child.on("exit", () => liveGroups.delete(child));
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream! }).on("line", (line) => {
        this.file.write(`${line}\n`);
        this.recent.push(line);
        if (this.recent.length > LOG_LINES) this.recent.shift();
        if (process.env.SLIPWAY_E2E_VERBOSE === "1") process.stdout.write(`[${this.name}] ${line}\n`);
        if (this.readyLine?.test(line)) this.readyResolve?.();
      });
    }
  }

  /** Resolves on the ready line (daemon) or when `probe` succeeds (web); rejects if the process exits first. */
  waitReady(timeoutMs: number, probe?: () => Promise<boolean>): Promise<void> {
    const child = this.child;
    if (!child) return Promise.reject(new Error(`${this.name} is not running`));
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const finish = (err?: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        child.off("exit", onExit);
        this.readyResolve = undefined;
        if (err) reject(err);
        else resolve();
      };
      const onExit = (code: number | null, signal: string | null) =>
        finish(new Error(`${this.name} exited (${signal ?? `code ${code}`}) before it was ready:\n${this.tail(60)}`));
      const timer = setTimeout(
        () => finish(new Error(`${this.name} was not ready within ${timeoutMs / 1000} s:\n${this.tail(60)}`)),
        timeoutMs,
      );
      child.once("exit", onExit);
      if (this.readyLine) this.readyResolve = () => finish();
      if (probe) {
        const poll = async () => {
          while (!done) {
            if (await probe()) return finish();
            await sleep(250);
          }
        };
        void poll();
      }
    });
  }

  async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    killGroup(child, signal);
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
    // `next start` workers in the same group must not outlive their parent.
    killGroup(child, "SIGKILL");
    this.child = undefined;
  }

  tail(lines = 40): string {
    return this.recent.slice(-lines).join("\n");
  }

  close(): void {
    this.file.end();
  }
}

// Children that must not survive this process, whatever way it ends.
const liveGroups = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of liveGroups) killGroup(child, "SIGKILL");
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // gone already
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}


function httpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/", timeout: 2000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

/** `next build` has to have run; the harness builds when there is no build at all. */
export function ensureWebBuild(): void {
  if (existsSync(path.join(repoRoot, ".next/BUILD_ID"))) return;
  execFileSync(path.join(repoRoot, "node_modules/.bin/next"), ["build"], {
    cwd: repoRoot,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  ensureWebBuild();
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "slipway-e2e-"));
  const [webPort, daemonPort, ingressPort, ingressHttpsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const databaseUrl = options.databaseUrl ?? `file:${path.join(dataDir, "slipway.db")}`;
  const webUrl = `http://${options.webHost ?? "localhost"}:${webPort}`;
  const env: Record<string, string> = {
    SLIPWAY_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    SLIPWAY_WEB_PORT: String(webPort),
    SLIPWAY_DAEMON_PORT: String(daemonPort),
    SLIPWAY_INGRESS_PORT: String(ingressPort),
    SLIPWAY_INGRESS_HTTPS_PORT: String(ingressHttpsPort),
    SLIPWAY_TLS_ISSUER: "internal",
    SLIPWAY_PUBLIC_URL: webUrl,
    SLIPWAY_BUILD_WORKERS: "1",
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: "info",
    ...options.env,
  };
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // A developer's own `npm start` settings must not leak into the run.
  delete childEnv.DOCKER_HOST;
  if (options.env?.DOCKER_HOST) childEnv.DOCKER_HOST = options.env.DOCKER_HOST;

  execFileSync("node", [path.join(repoRoot, "scripts/migrate.mjs")], { cwd: repoRoot, env: childEnv, stdio: "pipe" });

  const web = new ManagedProcess(
    "web",
    path.join(repoRoot, "node_modules/.bin/next"),
    ["start", "-p", String(webPort), "-H", "127.0.0.1"],
    childEnv,
    path.join(dataDir, "web.log"),
  );
  // The compiled daemon, built first when sources changed; one process, so killDaemon() kills it.
  const slipwayd = daemonCommand();
  const daemon = new ManagedProcess(
    "daemon",
    slipwayd.command,
    slipwayd.args,
    childEnv,
    path.join(dataDir, "daemon.log"),
    /^slipwayd ready\b/,
  );

  let stopped = false;
  const platform: Platform = {
    dataDir,
    databaseUrl,
    webPort,
    daemonPort,
    ingressPort,
    ingressHttpsPort,
    webUrl,
    env,
    appUrl: ({ app, project, team }, pathname = "/") =>
      `http://${app}.${project}.${team}.${env.SLIPWAY_INGRESS_DOMAIN ?? "localhost"}:${ingressPort}${pathname}`,
    logs: (which, lines = 80) => (which === "web" ? web : daemon).tail(lines),
    async killDaemon(signal = "SIGKILL") {
      await daemon.stop(signal, 5_000);
    },
    async startDaemon() {
      daemon.start();
      await daemon.waitReady(readyTimeoutMs);
    },
    async restartDaemon(signal = "SIGTERM") {
      await daemon.stop(signal);
      daemon.start();
      await daemon.waitReady(readyTimeoutMs);
    },
    setupLink() {
      // The same script `npm start` runs before the web server (scripts/run-platform.ts).
      const token = execFileSync(
        process.execPath,
        ["--import", "tsx", "--conditions=react-server", path.join(repoRoot, "scripts/issue-setup-token.ts")],
        { cwd: repoRoot, env: childEnv, encoding: "utf8" },
      ).trim();
      if (!token) throw new Error("the platform already has users: no setup token was issued");
      return `${webUrl}/sign-up?setup=${token}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all([web.stop(), daemon.stop()]);
      // The ingress proxy outlives slipwayd by design: the run's own is stopped here.
      await stopCaddy(dataDir);
      web.close();
      daemon.close();
      removeEngineLeftovers(dataDir);
      await removeEngineNetworks(dataDir);
      // Embedded volumes are loop mounts inside the data dir; slipwayd leaves them mounted on purpose.
      await unmountTestVolumes(dataDir);
      if (process.env.SLIPWAY_E2E_KEEP_DATA === "1") {
        process.stdout.write(`[e2e] kept data dir ${dataDir}\n`);
      } else {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };

  try {
    const waits: Promise<void>[] = [];
    if (options.daemon !== false) {
      daemon.start();
      waits.push(daemon.waitReady(readyTimeoutMs));
    }
    web.start();
    waits.push(web.waitReady(readyTimeoutMs, () => httpAnswers(webPort)));
    await Promise.all(waits);
  } catch (e) {
    await platform.stop().catch(() => undefined);
    throw e;
  }
  return platform;
}

/**
 * Removes the per-team networks and host firewall chains this data dir's daemon created (after its
 * containers are gone), so runs do not pile up `slipway-*` networks and `SLIPWAY-*` chains.
 */
export async function removeEngineNetworks(dataDir: string): Promise<void> {
  let instanceId = "";
  try {
    instanceId = readFileSync(path.join(dataDir, "instance-id"), "utf8").trim();
  } catch {
    return; // the daemon never got that far, so it made no network
  }
  await removeNetworkIsolation(instanceId).catch((e: unknown) =>
    process.stderr.write(`[e2e] could not remove the networks of instance ${instanceId}: ${e instanceof Error ? e.message : String(e)}\n`),
  );
}

/**
 * Removes the containers this data dir's daemon created (label slipway.instance=<instance id>) and
 * stops the Podman API service it started (detached on purpose, so a daemon restart keeps it).
 * Images stay: they are the cache that keeps the next run fast.
 */
export function removeEngineLeftovers(dataDir: string): void {
  const podman = (args: string[]) =>
    execFileSync("podman", ["--runtime", "runc", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
  let instanceId = "";
  try {
    instanceId = readFileSync(path.join(dataDir, "instance-id"), "utf8").trim();
  } catch {
    // the daemon never got that far
  }
  if (instanceId) {
    try {
      const ids = podman(["ps", "-aq", "--filter", "label=slipway.managed=true", "--filter", `label=slipway.instance=${instanceId}`])
        .split("\n")
        .filter(Boolean);
      if (ids.length) podman(["rm", "-f", "-t", "2", ...ids]);
    } catch (e) {
      process.stderr.write(`[e2e] could not remove containers of instance ${instanceId}: ${(e as Error).message}\n`);
    }
  }
  try {
    const pid = Number(readFileSync(path.join(dataDir, "podman.pid"), "utf8").trim());
    if (pid > 0) process.kill(pid, "SIGTERM");
  } catch {
    // not started by this run, or already gone
  }
}
