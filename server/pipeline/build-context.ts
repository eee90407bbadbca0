// The build context is the checked-out repository as a tar stream; the Dockerfile must be a
// file inside it (a path escaping the repo could read the daemon's own files into an image).
import { realpathSync, statSync } from "node:fs";
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
