// The one command line that runs slipwayd: `npm start` (scripts/run-platform.ts), the integration
// tests' daemon harness, the Playwright platform and the benchmarks all launch it from here. It
// runs the compiled daemon (scripts/build-daemon.mjs), building it first when the build is missing
// or older than any file it was built from, so no launcher can run stale code.
//
// `node --import tsx scripts/daemon-command.ts` prints the command line, shell-quoted (npm run daemon).
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(root, "dist/slipwayd");
export const DAEMON_ENTRY = path.join(outDir, "main.mjs");
const buildScript = path.join(root, "scripts/build-daemon.mjs");
/** What the build reads besides the sources its metafile lists. */
const buildConfig = [buildScript, path.join(root, "tsconfig.json"), path.join(root, "package-lock.json")];

/**
 * Node and V8 settings of the daemon, measured with 50 running apps (bench/daemon-footprint.ts):
 * - --liftoff-only: Prisma's query compiler is WebAssembly; V8 would compile it a second time with
 *   its optimizing tier (≈ 15 MiB of code). The baseline tier is fast enough for building queries.
 * - --max-semi-space-size=8 (MiB): the young generation otherwise grows to 3 × 16 MiB. It was 1,
 *   until log collection: a burst of a million log lines (bench/log-stream.ts) keeps more than a
 *   1–4 MiB semi-space of short-lived lines, frames and rows alive across scavenges, which promoted
 *   them and grew the old space by 85–100 MiB; with 8 the burst grows slipwayd by 2–31 MiB. The
 *   price: ~7 MiB more at rest with 50 apps (116.6 → 123.5 MiB peak in bench/daemon-footprint.ts).
 * Not --enable-source-maps: it costs ≈ 5 MiB and start-up time. The bundle is not minified, names
 * its source file above each module, and dist/slipwayd/*.map is there for `node --enable-source-maps`.
 */
export const DAEMON_NODE_FLAGS = ["--liftoff-only", "--max-semi-space-size=8"];

interface Metafile {
  inputs: Record<string, unknown>;
}

/** True when dist/slipwayd/main.mjs exists and no file it was built from changed after the build. */
export function daemonBuildIsCurrent(): boolean {
  let builtAt: number;
  let inputs: string[];
  try {
    builtAt = statSync(DAEMON_ENTRY).mtimeMs;
    const meta = JSON.parse(readFileSync(path.join(outDir, "meta.json"), "utf8")) as Metafile;
    // Keys are paths relative to the repo root; "namespace:name" keys are the build's own stubs.
    inputs = Object.keys(meta.inputs)
      .filter((f) => !/^[\w-]+:/.test(f))
      .map((f) => path.join(root, f));
  } catch {
    return false; // never built (or an interrupted build): build now
  }
  for (const file of [...inputs, ...buildConfig]) {
    try {
      if (statSync(file).mtimeMs > builtAt) return false;
    } catch {
      return false; // an input was deleted or renamed: the sources changed
    }
  }
  return true;
}

/** Builds dist/slipwayd unless it is current (≈ 1.5 s; a stat of each input otherwise). */
export function ensureDaemonBuild(): void {
  if (daemonBuildIsCurrent()) return;
  // A child process: esbuild's plugin API is asynchronous and launchers want the command at once.
  // Build errors go to stderr and make this throw.
  execFileSync(process.execPath, [buildScript], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
}

/** The slipwayd command line (one process: a SIGKILL sent to it kills the daemon itself). */
export function daemonCommand(): { command: string; args: string[] } {
  ensureDaemonBuild();
  return { command: process.execPath, args: [...DAEMON_NODE_FLAGS, DAEMON_ENTRY] };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { command, args } = daemonCommand();
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  process.stdout.write(`${[command, ...args].map(quote).join(" ")}\n`);
}
