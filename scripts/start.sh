#!/usr/bin/env bash
# `npm start`: from a fresh Debian 12 machine to a running Slipway. Every step is idempotent and
# skips itself when there is nothing to do, so a second `npm start` is quick.
#   1. Debian packages (Podman + runc, git, busybox-static, build tools)  scripts/ensure-system.sh
#   2. npm packages (`npm ci` when node_modules is missing or older than the lock file)
#   3. Prisma clients, 4. database migrations (SQLite in $SLIPWAY_DATA_DIR, or $DATABASE_URL)
#   5. `next build` when sources changed since the last build
#   6. slipwayd compiled to dist/slipwayd (scripts/build-daemon.mjs, a second or two)
#   7. the web server and slipwayd under scripts/run-platform.ts
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\n\033[31mnpm start failed: %s\033[0m\n' "$*" >&2; exit 1; }

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
[ "$node_major" -ge 20 ] || fail "Node.js 20.9 or newer is required (found $(node -v 2>/dev/null || echo none))."

step "1/7 System packages"
bash scripts/ensure-system.sh || fail "system packages are missing (see above)."

step "2/7 npm packages"
# A stamp of the manifest + lock file tells whether node_modules matches them.
deps_hash="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
stamp="node_modules/.slipway-deps-hash"
if [ -d node_modules ] && [ "$(cat "$stamp" 2>/dev/null || true)" = "$deps_hash" ]; then
  echo "node_modules is up to date."
elif [ -d node_modules ] && [ ! -f "$stamp" ] && [ -f node_modules/.package-lock.json ] \
  && [ node_modules/.package-lock.json -nt package-lock.json ] && [ node_modules/.package-lock.json -nt package.json ]; then
  # Installed by hand after the last change to the manifest: trust it, remember it.
  echo "node_modules is up to date."
  echo "$deps_hash" >"$stamp"
else
  echo "running npm ci (first run, or package-lock.json changed)…"
  # @prisma/client's postinstall would run `prisma -v`, which tries to download engines.
  PRISMA_SKIP_POSTINSTALL_GENERATE=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund \
    || fail "npm ci failed."
  echo "$deps_hash" >"$stamp"
fi

step "3/7 Prisma clients"
mkdir -p .data
if ! npm run --silent db:generate >.data/db-generate.log 2>&1; then
  cat .data/db-generate.log >&2
  fail "prisma generate failed."
fi
echo "generated server/generated/{sqlite,postgres}."

step "4/7 Database migrations"
if [ -n "${DATABASE_URL:-}" ]; then
  echo "database: ${DATABASE_URL%%\?*}" | sed -E 's#//([^:@/]+):[^@/]*@#//\1:***@#'
else
  echo "database: SQLite in ${SLIPWAY_DATA_DIR:-.data}/slipway.db"
fi
if node scripts/migrate.mjs >.data/migrate.log 2>&1; then
  grep -E "applied|up to date|No pending|Applied" .data/migrate.log | head -3 || true
else
  cat .data/migrate.log >&2
  fail "migrations failed."
fi

step "5/7 Web build"
# Rebuild only when something the build reads is newer than the last build.
build_inputs=(app components server lib public prisma/schema.prisma next.config.ts postcss.config.mjs
              tsconfig.json package-lock.json)
existing_inputs=()
for p in "${build_inputs[@]}"; do [ -e "$p" ] && existing_inputs+=("$p"); done
if [ -f .next/BUILD_ID ] && [ -z "$(find "${existing_inputs[@]}" -newer .next/BUILD_ID -not -path 'server/generated/*' -print -quit 2>/dev/null)" ] \
  && [ "${SLIPWAY_FORCE_BUILD:-0}" != 1 ]; then
  echo "the last build is up to date (SLIPWAY_FORCE_BUILD=1 rebuilds)."
else
  NEXT_TELEMETRY_DISABLED=1 node_modules/.bin/next build || fail "next build failed."
fi

step "6/7 slipwayd build"
# Plain JavaScript, so the daemon starts in a fraction of a second with no TypeScript loader.
node scripts/build-daemon.mjs || fail "building slipwayd failed."

step "7/7 Starting the web server and slipwayd"
export NEXT_TELEMETRY_DISABLED=1
exec node --import tsx "$ROOT/scripts/run-platform.ts"
