#!/usr/bin/env bash
# Starts (or reuses) a throw-away PostgreSQL cluster for tests on 127.0.0.1:$PGPORT and prints its
# URL. Installs PostgreSQL from Debian's packages when it is absent. `stop` stops it.
set -euo pipefail
PGPORT="${SLIPWAY_TEST_PGPORT:-55432}"
PGROOT="${SLIPWAY_TEST_PGDIR:-/tmp/slipway-test-pg}"
BIN=""

find_bin() {
  BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
}

find_bin
if [ "${1:-}" = "stop" ]; then
  [ -n "$BIN" ] && [ -d "$PGROOT/data" ] && runuser -u postgres -- "$BIN/pg_ctl" -D "$PGROOT/data" -m fast stop >/dev/null 2>&1 || true
  exit 0
fi

if [ -z "$BIN" ]; then
  echo "PostgreSQL is not installed; installing it from Debian's packages…" >&2
  if [ "$(id -u)" -ne 0 ]; then echo "Run as root, or install postgresql yourself." >&2; exit 1; fi
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  find_bin
fi

RUN=()
if [ "$(id -u)" -eq 0 ]; then RUN=(runuser -u postgres --); fi

mkdir -p "$PGROOT"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$PGROOT"; fi
if [ ! -f "$PGROOT/data/PG_VERSION" ]; then
  "${RUN[@]}" "$BIN/initdb" -D "$PGROOT/data" -U slipway --auth=trust -E UTF8 >/dev/null
fi
if ! "${RUN[@]}" "$BIN/pg_ctl" -D "$PGROOT/data" status >/dev/null 2>&1; then
  "${RUN[@]}" "$BIN/pg_ctl" -D "$PGROOT/data" -w -l "$PGROOT/server.log" \
    -o "-p $PGPORT -k $PGROOT -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
fi
echo "postgresql://slipway@127.0.0.1:$PGPORT/postgres"
