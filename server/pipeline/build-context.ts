// The build context is the checked-out repository as a tar stream; the Dockerfile must be a
// file inside it (a path escaping the repo could read the daemon's own files into an image).
import { lstatSync, readdirSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import tar from "tar-fs";
import { BuildFailure } from "./build-failure";

export function resolveDockerfile(repoDir: string, dockerfilePath: string): string {
  const rel = dockerfilePath.trim() || "Dockerfile";
  if (path.isAbsolute(rel) || rel.includes("\0")) throw new BuildFailure(`Dockerfile path "${rel}" must be relative to the repository`);
  const root = realpathSync(repoDir);
  const full = path.resolve(root, rel);
  if (!full.startsWith(root + path.sep)) throw new BuildFailure(`Dockerfile path "${rel}" points outside the repository`);
  let real: string;
  try {
    real = realpathSync(full);
  } catch {
    throw new BuildFailure(`No Dockerfile at "${rel}" in the repository; set the app's Dockerfile path`);
  }
  if (!real.startsWith(root + path.sep)) throw new BuildFailure(`Dockerfile path "${rel}" points outside the repository`);
  if (!statSync(real).isFile()) throw new BuildFailure(`"${rel}" is not a file`);
  return path.relative(root, real).split(path.sep).join("/");
}

export function packContext(repoDir: string): Readable {
  return tar.pack(repoDir, {
    ignore: (name) => path.relative(repoDir, name).split(path.sep)[0] === ".git",
  }) as unknown as Readable;
}

/**
 * Bytes on disk under `dir` (files and symlinks themselves, never followed), stopping early once
 * past `stopAfter`. `skipGit` leaves out the top-level .git, as packContext does.
 */
export function treeSize(dir: string, opts: { skipGit?: boolean; stopAfter?: number } = {}): number {
  let total = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (opts.skipGit && d === dir && entry.name === ".git") continue;
      if (entry.isDirectory()) stack.push(full);
      else total += lstatSync(full).size;
      if (opts.stopAfter !== undefined && total > opts.stopAfter) return total;
    }
  }
  return total;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 1)} MiB`;

/** Refuses a repository (clone, .git included) or build context over the platform's limit. */
export function assertTreeWithinLimit(dir: string, what: "repository" | "build context", limitBytes: number): number {
  const size = treeSize(dir, { skipGit: what === "build context" });
  if (size > limitBytes) {
    throw new BuildFailure(
      `The ${what} is ${mib(size)}, over this platform's limit of ${mib(limitBytes)}` +
        (what === "repository" ? "; remove large files from its history or ask a platform admin to raise the limit" : "; keep large files out of the repository or ask a platform admin to raise the limit"),
    );
  }
  return size;
}
