// Starts (or reuses) Podman's Docker-compatible API on a private unix socket. The service is
// detached from slipwayd on purpose: a daemon restart must not take running containers' engine
// with it, and the next daemon simply reuses the socket when it still answers.
import { spawn } from "node:child_process";
import { openSync, closeSync, writeFileSync, unlinkSync, existsSync, mkdirSync, rmSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import type { Logger } from "../logger";
import { daemonPaths } from "../config";

// Podman 4.3 on these machines needs runc (crun fails on hybrid cgroups) and explicit ulimits
// (the hard open-files limit is below Podman's default). Written by the daemon itself so a fresh
// machine needs no hand-made config.
const CONTAINERS_CONF = `# Written by slipwayd; regenerated on start.
[containers]
default_ulimits = ["nofile=10000:10000", "nproc=4096:4096"]

[engine]
runtime = "runc"
`;

export function pingSocket(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request({ socketPath, path: "/_ping", method: "GET", timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

export interface PodmanService {
  socketPath: string;
  /** true when this process started it, false when it reused a running one */
  started: boolean;
}

/**
 * The Podman service's whole environment. Builds run inside it (pulls, RUN steps' proxy
 * variables), so it gets an allow-list, not slipwayd's env: no operator secrets, a HOME that is an
 * empty directory (no ~/.docker/config.json or ~/.config/containers/auth.json), and an empty
 * registry auth file in place of /run/containers/0/auth.json.
 */
export function engineEnvironment(dataDir: string, parent: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const paths = daemonPaths(dataDir);
  const home = path.resolve(paths.engineHome);
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true, mode: 0o700 });
  writeFileSync(path.resolve(paths.engineAuthFile), JSON.stringify({ auths: {} }), { mode: 0o600 });
  const env: Record<string, string | undefined> = {
    PATH: parent.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, ".config"),
    DOCKER_CONFIG: path.join(home, ".docker"),
    REGISTRY_AUTH_FILE: path.resolve(paths.engineAuthFile),
    CONTAINERS_CONF: path.resolve(paths.containersConf),
  };
  for (const k of ["LANG", "TZ", "TMPDIR"]) if (parent[k]) env[k] = parent[k];
  return env as NodeJS.ProcessEnv;
}

export async function ensurePodmanService(dataDir: string, log: Logger, timeoutMs = 30_000): Promise<PodmanService> {
  const paths = daemonPaths(dataDir);
  mkdirSync(dataDir, { recursive: true });
  if (await pingSocket(paths.podmanSocket)) {
    log.info({ socket: paths.podmanSocket }, "reusing running podman service");
    return { socketPath: paths.podmanSocket, started: false };
  }
  // A socket file nobody answers on is left over from a dead service.
  if (existsSync(paths.podmanSocket)) unlinkSync(paths.podmanSocket);
  writeFileSync(paths.containersConf, CONTAINERS_CONF);
  const out = openSync(paths.podmanLog, "a");
  const child = spawn(
    "podman",
    ["--runtime", "runc", "system", "service", "--time=0", `unix://${path.resolve(paths.podmanSocket)}`],
    {
      detached: true,
      stdio: ["ignore", out, out],
      env: engineEnvironment(dataDir),
      // conmon inherits it and writes an "oom" marker file into its working directory when a
      // container is OOM-killed: into the data dir, not wherever slipwayd was started.
      cwd: path.resolve(dataDir),
    },
  );
  closeSync(out);
  let exited: number | null = null;
  child.on("exit", (code) => {
    exited = code ?? -1;
  });
  child.on("error", (e) => log.error({ err: e.message }, "podman service failed to spawn"));
  child.unref();
  if (child.pid) writeFileSync(paths.podmanPidFile, String(child.pid));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) {
      throw new Error(`podman system service exited with code ${exited}; see ${paths.podmanLog}`);
    }
    if (await pingSocket(paths.podmanSocket)) {
      log.info({ socket: paths.podmanSocket, pid: child.pid }, "started podman service");
      return { socketPath: paths.podmanSocket, started: true };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`podman service did not answer on ${paths.podmanSocket} within ${timeoutMs} ms`);
}
