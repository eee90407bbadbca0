#!/usr/bin/env bash
# Stops the test control plane started by scripts/cluster-up.sh, and its real node (kubelet +
# containerd, via scripts/real-node-down.sh, which also restores the host settings they changed).
# Safe to call any number of times. Only processes whose pid is recorded in $STATE/pids and whose
# executable is the matching cluster binary are signalled. Certificates and built binaries are
# kept; pass --purge to also delete the state dir (certs, etcd data, logs).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${SLIPWAY_CLUSTER_DIR:-$ROOT/.cache/cluster}"
PIDS="$STATE/pids"
log() { echo "[cluster-down] $*" >&2; }

stop() { # stop <component>
  local name="$1" f="$PIDS/$1.pid" pid i
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if [[ -n "$pid" && -d "/proc/$pid" && "$(readlink "/proc/$pid/exe" 2>/dev/null)" == */"$name" ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do
      [[ -d "/proc/$pid" ]] || break
      # a zombie child of ours counts as stopped
      [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]] && break
      sleep 0.1
    done
    if [[ -d "/proc/$pid" && "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]]; then
      log "$name (pid $pid) did not stop in 10s — killing"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$f"
}

if [[ -d "$PIDS" ]]; then
  exec 8>"$STATE/.down.lock"
  flock 8
  # The real node first, while the API server can still take its pods away.
  bash "$ROOT/scripts/real-node-down.sh" || log "real-node-down reported a problem (see above)"
  # reverse start order
  for c in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do stop "$c"; done
fi
rm -f "$STATE/cluster.json"
if [[ "${1:-}" == "--purge" ]]; then
  rm -rf "$STATE/pki" "$STATE/etcd-data" "$STATE/logs" "$STATE/kwok" "$STATE/pids" \
    "$STATE"/*.kubeconfig "$STATE/ports.env" "$STATE/scheduler.yaml"
  log "purged $STATE (binaries are kept in the build cache)"
fi
log "cluster stopped"
