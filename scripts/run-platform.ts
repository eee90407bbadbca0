// A small supervisor for `npm start`: runs the web server (`next start`) and slipwayd side by side,
// prefixes their output, restarts a process that dies (with backoff), and stops both on Ctrl-C or
// SIGTERM. It announces the URL once the web server answers HTTP and slipwayd has printed its
// `slipwayd ready` line.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { daemonCommand } from "./daemon-command";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const webPort = Number(process.env.SLIPWAY_WEB_PORT ?? 3000);
const webHost = process.env.SLIPWAY_WEB_HOST ?? "127.0.0.1";
const publicUrl = process.env.SLIPWAY_PUBLIC_URL ?? `http://localhost:${webPort}`;
const color = process.stdout.isTTY;
const paint = (code: number, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);

interface Service {
  name: string;
  tag: string;
  command: string;
  args: string[];
  child?: ChildProcess;
  ready: boolean;
  startedAt: number;
  restarts: number;
  /** consecutive crashes that happened soon after a start */
  quickCrashes: number;
  /** give up after this many quick crashes in a row (web: a port in use will not go away) */
  maxQuickCrashes: number;
  onLine?: (line: string, svc: Service) => void;
}

let stopping = false;
let announced = false;

const web: Service = {
  name: "web",
  tag: paint(36, "[web]   "),
  command: path.join(root, "node_modules/.bin/next"),
  args: ["start", "-p", String(webPort), "-H", webHost],
  ready: false,
  startedAt: 0,
  restarts: 0,
  quickCrashes: 0,
  maxQuickCrashes: 5,
};

const daemon: Service = {
  name: "slipwayd",
  tag: paint(35, "[daemon]"),
  // The compiled daemon (start.sh built it; rebuilt here if sources changed since). One process,
  // not a wrapper and a child, so a crash cannot leave an orphan holding the daemon's ports.
  ...daemonCommand(),
  ready: false,
  startedAt: 0,
  restarts: 0,
  quickCrashes: 0,
  maxQuickCrashes: Number.POSITIVE_INFINITY,
  onLine(line, svc) {
    if (!svc.ready && /^slipwayd ready\b/.test(line)) {
      svc.ready = true;
      if (svc.restarts > 0 && announced) log(`slipwayd is back (restart ${svc.restarts}).`);
      maybeAnnounce();
    }
  },
};

function log(message: string): void {
  process.stdout.write(`${paint(1, "[slipway]")} ${message}\n`);
}

function pipe(stream: NodeJS.ReadableStream | null, svc: Service, out: NodeJS.WriteStream): void {
  if (!stream) return;
  readline.createInterface({ input: stream }).on("line", (line) => {
    out.write(`${svc.tag} ${line}\n`);
    svc.onLine?.(line, svc);
  });
}

function start(svc: Service): void {
  svc.ready = false;
  svc.startedAt = Date.now();
  // Own process group, so that Ctrl-C reaches only this supervisor and the stop order is ours
  // (and `next start`'s own workers go down with it).
  const child = spawn(svc.command, svc.args, {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...(color ? { FORCE_COLOR: "1" } : {}) },
  });
  svc.child = child;
  pipe(child.stdout, svc, process.stdout);
  pipe(child.stderr, svc, process.stderr);
  child.on("error", (e) => log(`${svc.name} could not be started: ${e.message}`));
  child.on("exit", (code, signal) => {
    // Whatever the process left behind in its group (workers, a wrapped child) goes with it.
    signalGroup(child, "SIGKILL");
    svc.child = undefined;
    svc.ready = false;
    if (stopping) return;
    const ranFor = Date.now() - svc.startedAt;
    svc.quickCrashes = ranFor < 30_000 ? svc.quickCrashes + 1 : 0;
    if (svc.quickCrashes >= svc.maxQuickCrashes) {
      log(`${svc.name} exited ${signal ?? `with code ${code}`} ${svc.quickCrashes} times in a row; giving up.`);
      void stopAll(1);
      return;
    }
    // A first crash restarts at once (slipwayd is back in well under a second); a crash loop backs off.
    const delay = svc.quickCrashes <= 1 ? 0 : Math.min(30_000, 1000 * 2 ** (svc.quickCrashes - 2));
    log(`${svc.name} exited ${signal ?? `with code ${code}`}; restarting in ${Math.round(delay / 1000)} s.`);
    setTimeout(() => {
      if (stopping) return;
      svc.restarts++;
      start(svc);
    }, delay);
  });
}

/**
 * The sign-in page: it answers 200 without a session and runs no auth check, so the probe neither
 * depends on the dashboard's sign-in redirect nor makes the server log anything about a visitor.
 */
function probeWeb(): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: webHost, port: webPort, path: "/sign-in", timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

async function watchWeb(): Promise<void> {
  while (!stopping) {
    if (web.child && !web.ready && (await probeWeb())) {
      web.ready = true;
      if (announced) log(`the web server is back (restart ${web.restarts}).`);
      maybeAnnounce();
    }
    await new Promise((r) => setTimeout(r, web.ready ? 2000 : 300));
  }
}

/**
 * While the platform has no users, the first account needs a one-time setup token (only its hash
 * is stored): issued here, before the web server starts, and printed as a link once it answers.
 */
function issueSetupToken(): string | null {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", path.join(root, "scripts/issue-setup-token.ts")],
    { cwd: root, env: process.env, encoding: "utf8" },
  );
  if (result.status !== 0) {
    log(`could not check for a first-time setup token:\n${result.stderr || result.error?.message || ""}`);
    return null;
  }
  return result.stdout.trim() || null;
}

const setupToken = issueSetupToken();

function maybeAnnounce(): void {
  if (announced || !web.ready || !daemon.ready) return;
  announced = true;
  log(paint(32, `Slipway is running: open ${publicUrl}`));
  if (setupToken) log(paint(33, `First-time setup: open ${publicUrl}/sign-up?setup=${setupToken}`) + " (the first account becomes the platform admin; the link works once)");
  log("Press Ctrl-C to stop.");
}

function signalGroup(child: ChildProcess | undefined, signal: NodeJS.Signals): void {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

async function stopAll(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log("stopping the web server and slipwayd (running apps keep running)…");
  const children = [web.child, daemon.child].filter((c): c is ChildProcess => Boolean(c));
  const exited = children.map((c) => new Promise<void>((r) => (c.exitCode !== null ? r() : c.once("exit", () => r()))));
  for (const c of children) signalGroup(c, "SIGTERM");
  const timer = setTimeout(() => {
    log("still running after 10 s; killing.");
    for (const c of children) signalGroup(c, "SIGKILL");
  }, 10_000);
  await Promise.all(exited);
  clearTimeout(timer);
  log("stopped.");
  process.exit(exitCode);
}

process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));
process.on("SIGHUP", () => void stopAll(0));
// Should the supervisor itself die, it must not leave detached children behind.
process.on("exit", () => {
  for (const c of [web.child, daemon.child]) signalGroup(c, "SIGTERM");
});

log(`starting the web server on http://${webHost}:${webPort} and slipwayd…`);
start(daemon);
start(web);
void watchWeb();
