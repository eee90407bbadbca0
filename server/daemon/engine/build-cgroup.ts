// `podman build` has no pids limit, and RLIMIT_NPROC does not bind root (RUN steps run as root).
// A build's RUN steps therefore run below a cgroup of their own whose pids.max slipwayd sets: a
// fork bomb in a Dockerfile fails with "can't fork" instead of exhausting the machine. The steps
// get `<build cgroup>/steps` as their cgroup parent, not the build cgroup itself: runc removes the
// cgroup a step ran in when the step ends, and the limit must hold for every later step too
// (pids.max of an ancestor counts all its descendants). Needs a local engine and a writable cgroupfs (slipwayd runs
// as root); elsewhere the build runs without the cap and the daemon log says so.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const ROOT = "/sys/fs/cgroup";

function pidsDir(): string | null {
  if (existsSync(path.join(ROOT, "pids", "pids.max")) || existsSync(path.join(ROOT, "pids", "cgroup.procs"))) return path.join(ROOT, "pids"); // v1
  if (existsSync(path.join(ROOT, "cgroup.controllers"))) return ROOT; // v2 (unified)
  return null;
}

/** The cgroup name for a build: only [a-z0-9-], so it is a plain relative path. */
export function buildCgroupName(buildId: string): string {
  return `slipway-build-${buildId.toLowerCase().replace(/[^a-z0-9]/g, "")}`;
}

/** Creates the build's cgroup with pids.max; returns the cgroup parent for its steps, or null when not possible. */
export function createBuildCgroup(name: string, pidsLimit: number): string | null {
  const base = pidsDir();
  if (!base) return null;
  const dir = path.join(base, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "pids.max"), String(pidsLimit));
  return `/${name}/steps`;
}

/** Removes the build's cgroup from every hierarchy it appeared in (runc often already did). */
export function removeBuildCgroup(name: string): string[] {
  const problems: string[] = [];
  const dirs = existsSync(path.join(ROOT, "cgroup.controllers"))
    ? [path.join(ROOT, name)]
    : readdirSync(ROOT).map((c) => path.join(ROOT, c, name));
  for (const d of dirs.flatMap((dir) => [path.join(dir, "steps"), dir])) {
    if (!existsSync(d)) continue;
    try {
      rmdirSync(d);
    } catch (e) {
      problems.push(`${d}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return problems;
}

/**
 * SIGKILLs every process in the build's cgroup and below (its RUN steps); returns how many. This is
 * how a canceled or timed-out build is stopped: `podman build` killed by a signal leaves its RUN
 * step running (runc's child is reparented to init) and its working container in storage, whereas a
 * RUN step that dies makes podman fail the step, remove its containers (--force-rm) and exit.
 */
export function killBuildProcesses(name: string): number {
  const base = pidsDir();
  if (!base) return 0;
  let killed = 0;
  const visit = (dir: string) => {
    if (!existsSync(dir)) return;
    let procs: string[] = [];
    try {
      procs = readFileSync(path.join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean);
    } catch {
      return; // removed meanwhile (runc removes a step's cgroup when the step ends)
    }
    for (const pid of procs) {
      try {
        process.kill(Number(pid), "SIGKILL");
        killed++;
      } catch {
        // exited meanwhile
      }
    }
    let children: string[] = [];
    try {
      children = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch {
      return; // removed meanwhile
    }
    for (const c of children) visit(path.join(dir, c));
  };
  visit(path.join(base, name));
  return killed;
}
