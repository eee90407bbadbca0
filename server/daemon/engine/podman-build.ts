// Builds with the `podman build` CLI, one process per build, rather than through the API service.
// Two reasons, both seen on these machines:
//  - The compat API runs RUN steps in the host's network namespace unless told otherwise, and when
//    told to use a CNI network, a RUN step is SIGKILLed whenever the service tears down some other
//    container meanwhile (an app replica restarting is enough). A process of its own is immune.
//  - The process gets an allow-listed environment of its own: an empty HOME and an empty registry
//    auth file per build, so no operator login (~/.docker/config.json, /run/containers/0/auth.json,
//    REGISTRY_AUTH_FILE) and no secret in slipwayd's env can reach a build.
// The image lands in the same storage the service uses, so the reconciler runs it as before.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { EngineError } from "./engine";
import { buildNetworkFor } from "./network-isolation";
import { scopeBuildCache } from "./build-cache-scope";

export interface PodmanBuildOptions {
  contextDir: string;
  /** relative to contextDir */
  dockerfile: string;
  tag: string;
  /**
   * whose build it is: the team's label goes on the image (build-cache-scope.ts), its layer cache
   * is the team's own, and its RUN steps join the team's network
   */
  teamId: string;
  /**
   * a Podman network name, or "none"; Slipway's installation network stands for the team's own
   * network, so RUN steps never share a network with another team
   */
  network?: string;
  cgroupParent?: string;
  memoryBytes?: number;
  cpuQuota?: number;
  /** containers.conf the service uses (runtime, ulimits) */
  containersConf?: string;
  /** where this build's private HOME and auth file live; removed afterwards */
  scratchDir: string;
  signal?: AbortSignal;
  onLine: (line: string) => void;
}

/** The build process's whole environment. */
export function buildEnvironment(scratchDir: string, containersConf: string | undefined, parent: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const home = path.join(scratchDir, "home");
  const env: Record<string, string> = {
    PATH: parent.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, ".config"),
    DOCKER_CONFIG: path.join(home, ".docker"),
    REGISTRY_AUTH_FILE: path.join(scratchDir, "auth.json"),
    TMPDIR: path.join(scratchDir, "tmp"),
  };
  if (containersConf) env.CONTAINERS_CONF = containersConf;
  for (const k of ["LANG", "TZ"]) if (parent[k]) env[k] = parent[k]!;
  return env;
}

/** .dockerignore / .containerignore of the repository, plus .git (never part of a context). */
function ignoreFileContent(contextDir: string): string {
  const own = [".containerignore", ".dockerignore"].map((f) => path.join(contextDir, f)).find((f) => existsSync(f));
  return `${own ? readFileSync(own, "utf8") : ""}\n.git\n`;
}

/**
 * The network the build's RUN steps join (the team's own for Slipway's installation network),
 * created now. A build may resolve it ahead (while git clones) and pass the name as its network:
 * a team network's name resolves to itself. `hostRulesAsserted`: the set-up of a team network
 * (ensureTeamNetwork) asserted the host rules of every network of the installation.
 */
export async function podmanBuildNetwork(network: string | undefined, teamId: string): Promise<{ name: string | undefined; hostRulesAsserted: boolean }> {
  try {
    // Only Slipway's installation network resolves to another name: its team's network.
    const name = await buildNetworkFor(network, teamId);
    return { name, hostRulesAsserted: name !== network };
  } catch (e) {
    throw new EngineError(`the team's build network could not be set up: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Runs the build; returns the image id (sha256:…). Throws EngineError with podman's reason. */
export async function podmanBuild(o: PodmanBuildOptions): Promise<string> {
  const network = (await podmanBuildNetwork(o.network, o.teamId)).name;
  rmSync(o.scratchDir, { recursive: true, force: true });
  const env = buildEnvironment(o.scratchDir, o.containersConf);
  for (const d of [env.HOME!, env.TMPDIR!]) mkdirSync(d, { recursive: true, mode: 0o700 });
  writeFileSync(env.REGISTRY_AUTH_FILE!, JSON.stringify({ auths: {} }), { mode: 0o600 });
  const iidFile = path.join(o.scratchDir, "iid");
  const ignoreFile = path.join(o.scratchDir, "ignore");
  writeFileSync(ignoreFile, ignoreFileContent(o.contextDir));
  // The engine reads a copy with the team's label after every FROM (build-cache-scope.ts): no
  // --label, which buildah runs as one more step committed as an image on every build. Its fixed
  // name also keeps buildah from running a "*.in" file through cpp on the host.
  const dockerfile = path.join(o.scratchDir, "Dockerfile");
  try {
    writeFileSync(dockerfile, scopeBuildCache(readFileSync(path.join(o.contextDir, o.dockerfile)), o.teamId));
  } catch (e) {
    rmSync(o.scratchDir, { recursive: true, force: true });
    throw new EngineError(`the Dockerfile could not be prepared: ${e instanceof Error ? e.message : String(e)}`);
  }
  const args = [
    "--runtime", "runc",
    "build",
    "--authfile", env.REGISTRY_AUTH_FILE!,
    "--file", dockerfile,
    "--ignorefile", ignoreFile,
    "--iidfile", iidFile,
    "--tag", o.tag,
    "--layers",
    "--pull=missing",
    "--force-rm",
    ...(network ? ["--network", network] : []),
    ...(o.cgroupParent ? ["--cgroup-parent", o.cgroupParent] : []),
    ...(o.memoryBytes ? ["--memory", String(o.memoryBytes), "--memory-swap", String(o.memoryBytes)] : []),
    ...(o.cpuQuota ? ["--cpu-quota", String(o.cpuQuota), "--cpu-period", "100000"] : []),
    o.contextDir,
  ];
  const child = spawn("podman", args, { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"], cwd: os.tmpdir() });
  let lastError = "";
  const lines = (stream: NodeJS.ReadableStream, isErr: boolean) => {
    let pending = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl).replace(/\r$/, "");
        pending = pending.slice(nl + 1);
        if (isErr && /^(Error|error):/.test(line)) lastError = line.replace(/^(Error|error):\s*/, "");
        o.onLine(line);
      }
    });
    stream.on("end", () => {
      if (pending) o.onLine(pending);
    });
  };
  lines(child.stdout, false);
  lines(child.stderr, true);
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    child.kill("SIGTERM");
    killTimer = setTimeout(() => child.kill("SIGKILL"), 5000);
    killTimer.unref();
  };
  o.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const code = await new Promise<number>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (c, sig) => resolve(c ?? (sig ? 128 : 1)));
    });
    if (o.signal?.aborted) throw new EngineError("build canceled");
    if (code !== 0) throw new EngineError(lastError || `podman build exited with code ${code}`);
    const id = readFileSync(iidFile, "utf8").trim();
    if (!/^sha256:[0-9a-f]{64}$/.test(id)) throw new EngineError(`podman build wrote no image id (${JSON.stringify(id.slice(0, 80))})`);
    return id;
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
    if (killTimer) clearTimeout(killTimer);
    rmSync(o.scratchDir, { recursive: true, force: true });
  }
}
