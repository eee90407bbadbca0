#!/usr/bin/env bash
# npm run bench: every benchmark under bench/, one after another, each against its own slipwayd.
# Each script cleans up after itself and stops by itself; a failing one does not stop the others.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -d server/generated/sqlite ]; then npm run --silent db:generate; fi

failed=0
for name in ingress-proxy build-and-deploy; do
  echo "### bench/${name}.ts"
  if ! node --conditions=react-server --import tsx "bench/${name}.ts"; then
    echo "### bench/${name}.ts FAILED"
    failed=$((failed + 1))
  fi
  echo
done
[ "$failed" -eq 0 ] || { echo "${failed} benchmark(s) failed"; exit 1; }
