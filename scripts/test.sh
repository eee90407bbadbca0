#!/usr/bin/env bash
# `npm test`: every suite, one summary. The very last line is exactly
# "N passed, N failed, N skipped", summed over all suites (CI reads only that line). Skipped tests
# count as neither passed nor failed; a suite that ran zero tests counts as 1 failed.
#
#   lint         eslint .                                   1 test
#   typecheck    tsc --noEmit                               1 test
#   unit         vitest --project unit                      one per test
#   integration  vitest --project integration               one per test (real SQLite + PostgreSQL, Podman)
#   e2e          playwright test                            one per journey (real web + slipwayd, Chromium)
#
# A suite that crashes without a report counts as 1 failed. Exit status is non-zero when anything
# failed. Run a subset with SLIPWAY_TEST_SUITES="lint unit" (the summary still covers what ran).
# Per-suite time limits (minutes): SLIPWAY_TEST_TIMEOUT_<SUITE>, e.g. SLIPWAY_TEST_TIMEOUT_E2E=40.
set -uo pipefail
cd "$(dirname "$0")/.."

SUITES="${SLIPWAY_TEST_SUITES:-lint typecheck unit integration e2e}"
OUT="test-results/summary"
rm -rf "$OUT"
mkdir -p "$OUT"
export NEXT_TELEMETRY_DISABLED=1
export PRISMA_SKIP_POSTINSTALL_GENERATE=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# Colour codes would only clutter CI logs; keep what the runners print plain when not on a TTY.
[ -t 1 ] || export FORCE_COLOR=0

T0=$SECONDS
total_passed=0
total_failed=0
total_skipped=0
declare -a lines=()

banner() { printf '\n\033[1m==> [%s] %s\033[0m\n' "$(date +%H:%M:%S)" "$*"; }
wants() { [[ " $SUITES " == *" $1 "* ]]; }

# record <suite> <kind> <report> <exit code>
record() {
  local suite="$1" kind="$2" report="$3" code="$4" counts p f s
  [ "$code" = 124 ] && echo "$suite: stopped by its time limit (see SLIPWAY_TEST_TIMEOUT_*, SLIPWAY_TEST_BUDGET_MIN)." >&2
  counts="$(node scripts/summarize-results.mjs "$kind" "$report" "$code")" || counts="0 1 0"
  read -r p f s <<<"$counts"
  total_passed=$((total_passed + p))
  total_failed=$((total_failed + f))
  total_skipped=$((total_skipped + ${s:-0}))
  lines+=("$(printf '  %-12s %4d passed, %4d failed, %4d skipped' "$suite" "$p" "$f" "${s:-0}")")
  printf '\033[1m--> %s: %d passed, %d failed, %d skipped\033[0m\n' "$suite" "$p" "$f" "${s:-0}"
}

# limit <suite> <default minutes>: a `timeout` prefix so one hung suite cannot eat CI's 90 minutes.
# No suite may run past the whole run's budget (SLIPWAY_TEST_BUDGET_MIN, default 80).
BUDGET_S=$(( ${SLIPWAY_TEST_BUDGET_MIN:-80} * 60 ))
limit() {
  local var="SLIPWAY_TEST_TIMEOUT_$(echo "$1" | tr '[:lower:]' '[:upper:]')"
  local own=$(( ${!var:-$2} * 60 )) left=$(( BUDGET_S - (SECONDS - T0) ))
  [ "$left" -lt 60 ] && left=60
  echo "timeout -k 30 $(( own < left ? own : left ))"
}

# ---------------------------------------------------------------------------------------------
banner "Preparing: system packages, Prisma clients, test PostgreSQL"
prep_ok=1
if [ ! -x node_modules/.bin/vitest ] || [ ! -x node_modules/.bin/playwright ]; then
  echo "node_modules is missing or incomplete: npm ci…"
  npm ci --no-audit --no-fund || prep_ok=0
fi
if ! bash scripts/ensure-system.sh --for-tests; then
  echo "ensure-system failed; suites that need the missing packages will fail." >&2
  prep_ok=0
fi
if ! npm run --silent db:generate >"$OUT/db-generate.log" 2>&1; then
  cat "$OUT/db-generate.log" >&2
  echo "prisma generate failed." >&2
  prep_ok=0
fi
if wants integration && [ -z "${SLIPWAY_TEST_POSTGRES_URL:-}" ]; then
  # Stop it at the end only if this run started it (someone else may be using a running one).
  [ -f "${SLIPWAY_TEST_PGDIR:-/tmp/slipway-test-pg}/data/postmaster.pid" ] || started_pg=1
  if url="$(bash scripts/postgres-test-server.sh)"; then
    export SLIPWAY_TEST_POSTGRES_URL="$url"
    echo "test PostgreSQL: $SLIPWAY_TEST_POSTGRES_URL"
  else
    echo "the test PostgreSQL did not start; PostgreSQL tests will fail." >&2
    started_pg=0
  fi
fi

# ---------------------------------------------------------------------------------------------
if wants lint; then
  banner "Suite: lint (eslint)"
  $(limit lint 10) node_modules/.bin/eslint . --max-warnings=-1
  record lint command - $?
fi

if wants typecheck; then
  banner "Suite: typecheck (tsc --noEmit)"
  $(limit typecheck 10) node_modules/.bin/tsc --noEmit -p tsconfig.json
  record typecheck command - $?
fi

run_vitest() {
  local project="$1" minutes="$2" report="$OUT/$1.json"
  banner "Suite: $project (vitest)"
  rm -f "$report"
  $(limit "$project" "$minutes") node_modules/.bin/vitest run --project "$project" \
    --reporter=default --reporter=json --outputFile.json="$report"
  record "$project" vitest "$report" $?
}
wants unit && run_vitest unit 15

# The Kubernetes driver's tests need the test control plane (kube-apiserver, controller-manager,
# scheduler, etcd and KWOK, built from source through the Go module proxy and cached: the first
# build takes a long while on two cores, later starts take seconds). Started once here; if it
# cannot start, the Kubernetes tests fail at once instead of each trying to build it again.
if wants integration && [ -z "${SLIPWAY_TEST_KUBECONFIG:-}" ]; then
  banner "Preparing: the test Kubernetes control plane (scripts/cluster-up.sh)"
  # Stop it at the end only if this run started it (someone else may be using a running one).
  admin_kubeconfig="${SLIPWAY_CLUSTER_DIR:-.cache/cluster}/admin.kubeconfig"
  if [ -f "$admin_kubeconfig" ] && timeout 10 kubectl --kubeconfig "$admin_kubeconfig" get --raw=/readyz >/dev/null 2>&1; then
    cluster_was_running=1
  fi
  if kubeconfig="$($(limit cluster 55) bash scripts/cluster-up.sh | tail -1)" && [ -f "$kubeconfig" ]; then
    export SLIPWAY_TEST_KUBECONFIG="$kubeconfig"
    [ "${cluster_was_running:-0}" = 1 ] || started_cluster=1
    echo "test cluster: $SLIPWAY_TEST_KUBECONFIG"
  else
    echo "the test control plane did not start (see .cache/cluster/logs); the Kubernetes tests will fail." >&2
    export SLIPWAY_TEST_KUBECONFIG=/nonexistent/slipway-test-cluster-did-not-start
    prep_ok=0
  fi
fi
wants integration && run_vitest integration 35

if wants e2e; then
  banner "Suite: e2e (next build, then Playwright + Chromium)"
  report="$OUT/e2e.json"
  rm -f "$report"
  if $(limit build 15) node_modules/.bin/next build >"$OUT/next-build.log" 2>&1; then
    echo "next build: ok (log: $OUT/next-build.log)"
    PLAYWRIGHT_JSON_OUTPUT_NAME="$report" \
      $(limit e2e 35) node_modules/.bin/playwright test --reporter=list,json
    record e2e playwright "$report" $?
  else
    tail -40 "$OUT/next-build.log" >&2
    echo "next build failed: the journeys cannot run." >&2
    record e2e command - 1
  fi
fi

# ---------------------------------------------------------------------------------------------
if [ "${started_cluster:-0}" = 1 ] && [ "${SLIPWAY_TEST_KEEP_CLUSTER:-0}" != 1 ]; then
  bash scripts/cluster-down.sh >/dev/null 2>&1 || true
fi
if [ "${started_pg:-0}" = 1 ] && [ "${SLIPWAY_TEST_KEEP_POSTGRES:-0}" != 1 ]; then
  bash scripts/postgres-test-server.sh stop >/dev/null 2>&1 || true
fi
[ "$prep_ok" = 1 ] || echo "(preparation had errors, see above)"
printf '\n\033[1m==> Summary (%d min %d s)\033[0m\n' $(((SECONDS - T0) / 60)) $(((SECONDS - T0) % 60))
printf '%s\n' "${lines[@]}"
echo "${total_passed} passed, ${total_failed} failed, ${total_skipped} skipped"
[ "$total_failed" -eq 0 ]
