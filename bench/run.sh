#!/usr/bin/env bash
# npm run bench: every benchmark under bench/, one after another, each against its own slipwayd.
# Each script cleans up after itself and stops by itself; a failing one does not stop the others.
# webhook-ack starts the production web server: it needs a `next build` (made if there is none).
#   bench/run.sh --kubernetes   also runs bench/kwok-pod-listing.ts (needs the test control plane
#                               built by scripts/cluster-up.sh; starts one of its own for the run)
#                               and bench/cluster-push-to-live.ts (starts or reuses the test cluster
#                               with its real node; builds kubectl v1.37 once)
set -uo pipefail
cd "$(dirname "$0")/.."

benches=(ingress-proxy daemon-kill daemon-footprint build-and-deploy build-cache scale-route webhook-ack volume-backup log-stream log-search metrics-sampling)
for a in "$@"; do
  case "$a" in
    --kubernetes) benches+=(kwok-pod-listing cluster-push-to-live) ;;
    *) echo "usage: bench/run.sh [--kubernetes]" >&2; exit 2 ;;
  esac
done

if [ ! -d server/generated/sqlite ]; then npm run --silent db:generate; fi

failed=0
for name in "${benches[@]}"; do
  echo "### bench/${name}.ts"
  if ! node --conditions=react-server --import tsx "bench/${name}.ts"; then
    echo "### bench/${name}.ts FAILED"
    failed=$((failed + 1))
  fi
  echo
done
[ "$failed" -eq 0 ] || { echo "${failed} benchmark(s) failed"; exit 1; }
