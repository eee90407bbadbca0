// Compiles slipwayd (server/daemon/main.ts) to plain JavaScript in dist/slipwayd/, so the daemon
// starts without a TypeScript loader: tsx at run time cost ≈ 150 MiB of RSS and seconds per restart.
// `node scripts/build-daemon.mjs` builds; scripts/daemon-command.ts calls it when the build is
// missing or older than a file it was built from (dist/slipwayd/meta.json lists them).
//
// Packages are bundled too: Node then reads, resolves and compiles one file instead of hundreds
// (and does not lex each CommonJS package for its exports), which took a third of the start-up.
// What stays in node_modules: native addons, and the Kubernetes client (imported lazily, on the
// first release bound for a cluster, and 5 MiB of code that would slow every build down).
import * as esbuild from "esbuild";
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DAEMON_OUT_DIR = path.join(root, "dist/slipwayd");
export const DAEMON_ENTRY = path.join(DAEMON_OUT_DIR, "main.mjs");
/** esbuild's metafile: its `inputs` are the files (relative to the repo root) the build read. */
export const DAEMON_META = path.join(DAEMON_OUT_DIR, "meta.json");

const EXTERNAL_PACKAGES = new Set(["better-sqlite3", "pg-native", "@kubernetes/client-node"]);

/**
 * dockerode and docker-modem load, at import time, an SSH client (ssh2, whose Poly1305 module
 * reserves a 16 MiB Emscripten heap) and gRPC + protobuf for BuildKit: ≈ 25 MiB of RSS for
 * features slipwayd cannot use (DOCKER_HOST is unix://, tcp:// or http(s)://; builds run without
 * BuildKit). In the bundle these imports resolve to stubs that throw if they are ever reached.
 */
const unusedFeature = (what) => `module.exports = new Proxy({}, { get(_, key) { if (key === "__esModule") return false; throw new Error(${JSON.stringify(what)}); } });`;
const STUBS = {
  // docker-modem reads `Client` when it loads; constructing one is what must not happen.
  ssh2: "module.exports = { Client: class { constructor() { throw new Error('slipwayd does not support ssh:// engine hosts'); } } };",
  "@grpc/grpc-js": unusedFeature("slipwayd does not run BuildKit sessions"),
  "@grpc/proto-loader": unusedFeature("slipwayd does not run BuildKit sessions"),
  protobufjs: unusedFeature("slipwayd does not read BuildKit progress"),
};

const packagesPlugin = {
  name: "slipwayd-packages",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (Object.hasOwn(STUBS, args.path)) return { path: args.path, namespace: "slipwayd-stub" };
      const name = args.path.startsWith("@") ? args.path.split("/").slice(0, 2).join("/") : args.path.split("/")[0];
      return EXTERNAL_PACKAGES.has(name) ? { external: true } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: "slipwayd-stub" }, (args) => ({ contents: STUBS[args.path], loader: "js" }));
  },
};

/** Builds dist/slipwayd (main.mjs + lazily loaded chunks, source maps, meta.json); returns the time it took. */
export async function buildDaemon() {
  const started = Date.now();
  // Written beside the live build and swapped in file by file (chunks first, main.mjs last), so a
  // slipwayd starting meanwhile, or a second build running at once, never reads half a file.
  const staging = `${DAEMON_OUT_DIR}.tmp-${process.pid}-${started}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: { main: "server/daemon/main.ts" },
      outdir: staging,
      outExtension: { ".js": ".mjs" },
      bundle: true,
      // Dynamic imports become chunks loaded on first use: the Kubernetes driver, and Prisma's
      // query compiler (2.5 MiB of WebAssembly in base64 per database kind; only the one in use loads).
      splitting: true,
      chunkNames: "chunk-[hash]",
      platform: "node",
      format: "esm",
      target: "node20",
      // `server-only` resolves to its empty module under this condition, as in Next.js' server build.
      conditions: ["react-server"],
      plugins: [packagesPlugin],
      // Bundled CommonJS packages call require() for Node's modules and the external packages.
      banner: { js: "import { createRequire as __slipwayCreateRequire } from 'node:module'; const require = __slipwayCreateRequire(import.meta.url);" },
      // Stack traces name the TypeScript files and lines (node --enable-source-maps); without the
      // sources' text the maps are a fifth of the size, so Node parses them faster at start-up.
      sourcemap: true,
      sourcesContent: false,
      metafile: true,
      logLevel: "warning",
    });
    mkdirSync(DAEMON_OUT_DIR, { recursive: true });
    writeFileSync(path.join(staging, "meta.json"), JSON.stringify(result.metafile));
    // Dated when the sources were read: a file saved during the build is newer, so it rebuilds.
    utimesSync(path.join(staging, "main.mjs"), started / 1000, started / 1000);
    const files = readdirSync(staging);
    const order = (f) => (f.startsWith("main.mjs") ? 2 : f === "meta.json" ? 1 : 0);
    for (const f of files.sort((a, b) => order(a) - order(b) || b.localeCompare(a))) {
      renameSync(path.join(staging, f), path.join(DAEMON_OUT_DIR, f));
    }
    pruneOldChunks(new Set(files));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return Date.now() - started;
}

/**
 * Chunks of earlier builds: a slipwayd still running from one may yet load its chunk lazily, so
 * only those unused for an hour go.
 */
function pruneOldChunks(current) {
  const hourAgo = Date.now() - 3_600_000;
  for (const f of readdirSync(DAEMON_OUT_DIR)) {
    if (!f.startsWith("chunk-") || current.has(f)) continue;
    const file = path.join(DAEMON_OUT_DIR, f);
    if (statSync(file).mtimeMs < hourAgo) rmSync(file, { force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ms = await buildDaemon();
  process.stdout.write(`built ${path.relative(process.cwd(), DAEMON_ENTRY)} in ${ms} ms\n`);
}
