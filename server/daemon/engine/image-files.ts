// Reads small files out of an image without running it: a container is created (never started),
// each file is fetched through the engine's archive endpoint (a tar of one entry), and the
// container is removed. Works the same on Podman's compat API and on Docker.
import type Docker from "dockerode";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import tar from "tar-fs";
import { EngineError, statusOf } from "./engine";

/** Largest file read; /etc/passwd and /etc/group are a few KiB. */
const MAX_FILE_BYTES = 1024 * 1024;


/** The files' contents by path; a file the image lacks maps to null. */
export async function readImageFiles(docker: Docker, image: string, files: string[]): Promise<Map<string, string | null>> {
  // A command is required to create a container from an image that has none; it never runs.
  const container = await docker.createContainer({ Image: image, Cmd: ["/slipway-never-started"], Entrypoint: [], NetworkDisabled: true, Labels: { "slipway.purpose": "read-image-files" } }).catch((e: unknown) => {
    throw new EngineError(`could not open image ${image} to read ${files.join(", ")}: ${e instanceof Error ? e.message : String(e)}`, statusOf(e));
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-image-files-"));
  try {
    const out = new Map<string, string | null>();
    for (const [i, file] of files.entries()) {
      let archive: NodeJS.ReadableStream;
      try {
        archive = await container.getArchive({ path: file });
      } catch (e) {
        if (statusOf(e) === 404) {
          out.set(file, null);
          continue;
        }
        throw new EngineError(`could not read ${file} from image ${image}: ${e instanceof Error ? e.message : String(e)}`, statusOf(e));
      }
      const into = path.join(dir, String(i));
      // Only regular files, renamed to one fixed name: nothing in the archive chooses a path here.
      let entries = 0;
      await pipeline(archive, tar.extract(into, { ignore: (_name, header) => header?.type !== "file" || (header.size ?? 0) > MAX_FILE_BYTES || entries++ > 0, map: (h) => ({ ...h, name: "content" }) }));
      try {
        out.set(file, readFileSync(path.join(into, "content"), "utf8"));
      } catch (e) {
        // A path that is a directory, a link or too large: there is no file to read.
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
        out.set(file, null);
      }
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await container.remove({ force: true }).catch((e: unknown) => {
      // Never started and labelled: a leftover is harmless, but say so.
      process.stderr.write(`slipway: removing the container that read ${image}'s files failed: ${String(e)}\n`);
    });
  }
}
