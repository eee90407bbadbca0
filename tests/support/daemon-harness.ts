// Runs slipwayd as a real child process (compiled, like production) against a fresh SQLite database
// and a private data dir, plus helpers to seed apps, queue builds and call the ingress.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { createDb, type Db } from "../../server/db";
import { freePort, ingressGet } from "./net";
import { copySqliteTemplate } from "./test-db";
import { rememberSeededApp } from "./seeded-app-images";
import { daemonCommand } from "../../scripts/daemon-command";

export { freePort, ingressGet };
import { daemonPaths } from "../../server/daemon/config";
import { removeNetworkIsolation } from "../../server/daemon/engine/network-isolation";
import { stopCaddy } from "../../server/daemon/ingress/caddy-process";
import { unmountTestVolumes } from "./test-volumes";

const run = promisify(execFile);
// Not __dirname: the generated Prisma client defines a global one pointing into server/generated.
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** A migrated SQLite database at `file`, copied from the migrated template (tests/support/test-db). */
export async function createTestDatabase(file: string): Promise<{ url: string; db: Db }> {
  const url = copySqliteTemplate(file);
  return { url, db: createDb(url) };
}


export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
}

export interface DaemonProcess {
  dataDir: string;
  databaseUrl: string;
  apiPort: number;
  ingressPort: number;
  /** HTTPS for verified custom domains (the ingress proxy's internal CA: ingressCaRootPath(dataDir)) */
  ingressHttpsPort: number;
  env: NodeJS.ProcessEnv;
  child: ChildProcess | null;
  /** everything the daemon printed (stdout + stderr) since the harness was created */
  output(): string;
  start(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  token(): string;
  instanceId(): string;
  apiUrl(path: string): string;
}

export interface DaemonOptions {
  dataDir: string;
  databaseUrl: string;
  env?: Record<string, string>;
}

export async function createDaemon(opts: DaemonOptions): Promise<DaemonProcess> {
  const apiPort = await freePort();
  const ingressPort = await freePort();
  const ingressHttpsPort = await freePort();
  let out = "";
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SLIPWAY_DATA_DIR: opts.dataDir,
    DATABASE_URL: opts.databaseUrl,
    SLIPWAY_DAEMON_PORT: String(apiPort),
    SLIPWAY_INGRESS_PORT: String(ingressPort),
    SLIPWAY_INGRESS_HTTPS_PORT: String(ingressHttpsPort),
    SLIPWAY_TLS_ISSUER: "internal",
    SLIPWAY_INGRESS_DOMAIN: "localhost",
    SLIPWAY_BUILD_WORKERS: "2",
    LOG_LEVEL: "info",
    ...opts.env,
  };
  delete env.DOCKER_HOST;
  const d: DaemonProcess = {
    dataDir: opts.dataDir,
    databaseUrl: opts.databaseUrl,
    apiPort,
    ingressPort,
    ingressHttpsPort,
    env,
    child: null,
    output: () => out,
    async start() {
      // The compiled daemon, built first when sources changed (scripts/daemon-command.ts).
      const { command, args } = daemonCommand();
      const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
      d.child = child;
      const ready = new Promise<void>((resolve, reject) => {
        const onData = (b: Buffer) => {
          out += b.toString("utf8");
          if (out.includes("slipwayd ready")) resolve();
        };
        child.stdout!.on("data", onData);
        child.stderr!.on("data", onData);
        child.once("exit", (code) => reject(new Error(`slipwayd exited with ${code} before ready:\n${out.slice(-3000)}`)));
      });
      // Ready lines from an earlier run must not count.
      out += `\n--- start ${new Date().toISOString()} ---\n`;
      const marker = out.length;
      await Promise.race([
        ready.then(async () => {
          while (!out.slice(marker).includes("slipwayd ready")) await new Promise((r) => setTimeout(r, 20));
        }),
        new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`slipwayd not ready in 60 s:\n${out.slice(-3000)}`)), 60_000)),
      ]);
    },
    async kill(signal: NodeJS.Signals = "SIGTERM") {
      const child = d.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill(signal);
      await exited;
      d.child = null;
    },
    token: () => readFileSync(daemonPaths(opts.dataDir).tokenFile, "utf8").trim(),
    instanceId: () => readFileSync(daemonPaths(opts.dataDir).instanceFile, "utf8").trim(),
    apiUrl: (p: string) => `http://127.0.0.1:${apiPort}${p}`,
  };
  return d;
}

/** A data dir under the OS temp dir, unique per call. */
export function makeDataDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `slipway-${prefix}-`));
}

/** Removes every container, network and firewall chain this data dir's daemon made and stops its Podman service and ingress proxy. */
export async function cleanupDaemonResources(dataDir: string): Promise<void> {
  const paths = daemonPaths(dataDir);
  // The ingress proxy (Caddy) outlives slipwayd by design; a test's own goes with its data dir.
  await stopCaddy(dataDir);
  if (existsSync(paths.instanceFile)) {
    const id = readFileSync(paths.instanceFile, "utf8").trim();
    const { stdout } = await run("podman", ["ps", "-a", "-q", "--filter", `label=slipway.instance=${id}`]);
    const ids = stdout.split("\n").filter(Boolean);
    if (ids.length) await run("podman", ["rm", "-f", "-t", "1", ...ids]).catch(() => undefined);
    // Build leftovers (RUN containers of an interrupted build) would keep the network busy.
    await removeNetworkIsolation(id).catch((e: unknown) => process.stderr.write(`removing the test's networks and firewall chains failed: ${String(e)}\n`));
  }
  await unmountTestVolumes(dataDir);
  if (existsSync(paths.podmanPidFile)) {
    const pid = Number(readFileSync(paths.podmanPidFile, "utf8"));
    if (pid > 0) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  }
}

export { unmountTestVolumes };

export interface SeededApp {
  teamId: string;
  projectId: string;
  appId: string;
  teamSlug: string;
  projectSlug: string;
  appSlug: string;
  host: string;
}

export async function seedApp(
  db: Db,
  opts: { teamSlug: string; projectSlug?: string; appSlug?: string; gitUrl: string; replicas?: number; gitBranch?: string; envEncrypted?: string; maxConcurrentBuilds?: number },
): Promise<SeededApp> {
  const team = await db.team.upsert({ where: { slug: opts.teamSlug }, update: {}, create: { slug: opts.teamSlug, name: opts.teamSlug } });
  await db.teamQuota.upsert({
    where: { teamId: team.id },
    update: {},
    create: { teamId: team.id, maxConcurrentBuilds: opts.maxConcurrentBuilds ?? 2 },
  });
  const projectSlug = opts.projectSlug ?? "shop";
  const project = await db.project.upsert({
    where: { teamId_slug: { teamId: team.id, slug: projectSlug } },
    update: {},
    create: { teamId: team.id, slug: projectSlug, name: projectSlug },
  });
  const appSlug = opts.appSlug ?? "web";
  const app = await db.app.create({
    data: {
      teamId: team.id,
      projectId: project.id,
      slug: appSlug,
      gitUrl: opts.gitUrl,
      gitBranch: opts.gitBranch ?? "main",
      replicas: opts.replicas ?? 1,
      containerPort: 8080,
      healthCheckPath: "/",
      cpuMillicores: 250,
      memoryMib: 64,
      envEncrypted: opts.envEncrypted ?? "",
    },
  });
  rememberSeededApp(app.id);
  return {
    teamId: team.id,
    projectId: project.id,
    appId: app.id,
    teamSlug: team.slug,
    projectSlug,
    appSlug,
    host: `${appSlug}.${projectSlug}.${team.slug}.localhost`,
  };
}

export async function allowLocalGitSources(db: Db, allow: boolean): Promise<void> {
  await db.platformSettings.upsert({ where: { id: "platform" }, update: { allowLocalGitSources: allow }, create: { id: "platform", allowLocalGitSources: allow } });
}

/** Queues a build the way the web layer does (next number per app, status QUEUED). */
export async function queueBuild(db: Db, appId: string, gitRef = "main"): Promise<string> {
  const app = await db.app.findUniqueOrThrow({ where: { id: appId } });
  const max = await db.build.aggregate({ where: { appId }, _max: { number: true } });
  const b = await db.build.create({ data: { teamId: app.teamId, appId, number: (max._max.number ?? 0) + 1, gitRef, status: "QUEUED" } });
  return b.id;
}

export async function waitForBuild(db: Db, buildId: string, timeoutMs = 120_000) {
  return waitFor(
    `build ${buildId} to finish`,
    async () => {
      const b = await db.build.findUniqueOrThrow({ where: { id: buildId } });
      return b.status === "SUCCEEDED" || b.status === "FAILED" || b.status === "CANCELED" ? b : null;
    },
    timeoutMs,
  );
}

export async function waitForReleaseStatus(db: Db, releaseId: string, statuses: string[], timeoutMs = 120_000) {
  return waitFor(
    `release ${releaseId} to be ${statuses.join("/")}`,
    async () => {
      const r = await db.release.findUniqueOrThrow({ where: { id: releaseId } });
      return statuses.includes(r.status) ? r : null;
    },
    timeoutMs,
  );
}

/** One HTTP GET through the ingress with the app's Host header. */

export async function podmanInspect(id: string): Promise<Record<string, unknown>> {
  const { stdout } = await run("podman", ["inspect", "--type", "container", id]);
  return (JSON.parse(stdout) as Record<string, unknown>[])[0]!;
}

export async function podmanIdsByLabel(label: string): Promise<string[]> {
  const { stdout } = await run("podman", ["ps", "-a", "--no-trunc", "-q", "--filter", `label=${label}`]);
  return stdout.split("\n").filter(Boolean).sort();
}

export { run as execFileAsync };
