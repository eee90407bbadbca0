#!/usr/bin/env bash
# Stops the test cluster's real node (scripts/real-node-up.sh) and puts the host back as it was
# before: called by scripts/cluster-down.sh before it stops the control plane; safe to repeat and
# safe after a crash or kill -9 (every step works from what is on disk, not from a live process).
#
#   1. cordon the node and force-delete its pods through the API (kubelet then stops them the
#      normal way: CRI StopPodSandbox tears down the pod network and its netns);
#   2. stop kubelet; kill and delete whatever containerd still runs (ctr), stop containerd, and
#      then any shim or runc container left under our runc root;
#   3. unmount everything under $STATE/node (rootfs overlays, netns, kubelet's bind mount of its
#      root dir, pod volumes), remove our cgroup subtree, our CNI bridge, the KUBE-* iptables
#      chains kubelet made (only those that were not there before and only when no other kubelet
#      runs on the host), and restore the sysctls recorded before the node started.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${SLIPWAY_CLUSTER_DIR:-$ROOT/.cache/cluster}"
PIDS="$STATE/pids"
NODE_DIR="$STATE/node"
BEFORE="$STATE/node-host-before.env"
SOCK="$NODE_DIR/containerd/containerd.sock"
ID="$(printf '%s' "$STATE" | sha256sum | cut -c1-6)"
CGROUP_ROOT="slipway-node-$ID"
BRIDGE="slipkube-$ID"
log() { echo "[real-node-down] $*" >&2; }

[[ -e "$NODE_DIR" || -e "$BEFORE" || -e "$PIDS/kubelet.pid" || -e "$PIDS/containerd.pid" ]] || exit 0
if [[ "$(id -u)" != 0 ]]; then
  log "ERROR: the real node's teardown needs root (iptables, mounts, cgroups, sysctls)"
  exit 1
fi

pid_of() { # pid_of <component>: the recorded pid if alive and still our binary
  local f="$PIDS/$1.pid" pid
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f")"
  [[ -n "$pid" && -d "/proc/$pid" && "$(readlink "/proc/$pid/exe" 2>/dev/null)" == */"$1" ]] || return 1
  echo "$pid"
}

stop_component() { # stop_component <component> <seconds to wait after TERM>
  local name="$1" wait_s="$2" pid i
  if pid="$(pid_of "$name")"; then
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < wait_s * 10; i++)); do
      [[ -d "/proc/$pid" && "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]] || break
      sleep 0.1
    done
    if [[ -d "/proc/$pid" && "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]]; then
      log "$name (pid $pid) did not stop in ${wait_s}s — killing"
      kill -KILL "$pid" 2>/dev/null
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$PIDS/$name.pid"
}

ctr_() { timeout 20 ctr --address "$SOCK" -n k8s.io "$@"; }

# 1. Pods away through the API, while kubelet and the control plane still run.
if pid_of kubelet >/dev/null && [[ -f "$STATE/admin.kubeconfig" ]]; then
  K=(kubectl --kubeconfig "$STATE/admin.kubeconfig" --request-timeout=10s)
  if "${K[@]}" cordon 127.0.0.1 >/dev/null 2>&1; then
    "${K[@]}" delete pods --all-namespaces --field-selector spec.nodeName=127.0.0.1 \
      --grace-period=0 --force --wait=false >/dev/null 2>&1
    for _ in $(seq 1 100); do
      [[ -z "$(ctr_ tasks ls -q 2>/dev/null)" ]] && break
      sleep 0.2
    done
  fi
fi

# 2. kubelet, then whatever containerd still runs, then containerd itself.
stop_component kubelet 10
if pid_of containerd >/dev/null; then
  tasks="$(ctr_ tasks ls -q 2>/dev/null)"
  if [[ -n "$tasks" ]]; then
    log "killing $(wc -l <<<"$tasks") container(s) left in containerd"
    for t in $tasks; do ctr_ tasks kill -s SIGKILL "$t" >/dev/null 2>&1; done
    for t in $tasks; do ctr_ tasks delete -f "$t" >/dev/null 2>&1 || log "ctr tasks delete $t failed"; done
  fi
  for c in $(ctr_ containers ls -q 2>/dev/null); do ctr_ containers delete "$c" >/dev/null 2>&1; done
fi
stop_component containerd 10
# Shims of our containerd that outlived it (they are found by our socket path in their argv).
# A killed shim leaves its socket in containerd's fixed /run/containerd/s/, named
# sha256("<containerd address>/<namespace>/<container id>"): remove it too.
for p in /proc/[0-9]*; do
  [[ "$(readlink "$p/exe" 2>/dev/null)" == */containerd-shim-runc-v2 ]] || continue
  argv="$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)"
  grep -qF -- "-address $SOCK " <<<"$argv" || continue
  log "killing leftover shim ${p#/proc/}"
  kill -KILL "${p#/proc/}" 2>/dev/null
  shim_ns="$(sed -n 's/.* -namespace \([^ ]*\) .*/\1/p' <<<"$argv")"
  shim_id="$(sed -n 's/.* -id \([^ ]*\) .*/\1/p' <<<"$argv")"
  [[ -n "$shim_ns" && -n "$shim_id" ]] &&
    rm -f "/run/containerd/s/$(printf '%s' "$SOCK/$shim_ns/$shim_id" | sha256sum | cut -c1-64)"
done
if [[ -d "$NODE_DIR/runc" ]]; then
  for c in $(runc --root "$NODE_DIR/runc" list -q 2>/dev/null); do
    log "deleting leftover runc container $c"
    runc --root "$NODE_DIR/runc" delete -f "$c" >/dev/null 2>&1
  done
fi

# 3a. Mounts under the node dir, deepest first (kubelet bind-mounts its root dir onto itself).
for _ in 1 2 3; do
  mapfile -t mounts < <(awk -v d="$NODE_DIR" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo | sort -r)
  ((${#mounts[@]})) || break
  for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"; done
done

# 3b. Our cgroup subtree in every hierarchy (kubelet's kubepods/ is inside it). Any process
# still in it is one of our pods' (the runtime is gone): kill it first.
for h in /sys/fs/cgroup/*/; do
  [[ -d "$h$CGROUP_ROOT" ]] || continue
  find "$h$CGROUP_ROOT" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null
  for _ in 1 2 3 4 5; do
    find "$h$CGROUP_ROOT" -depth -type d -exec rmdir {} + 2>/dev/null
    [[ -d "$h$CGROUP_ROOT" ]] || break
    sleep 0.2
  done
  [[ -d "$h$CGROUP_ROOT" ]] && log "could not remove cgroup $h$CGROUP_ROOT"
done

# 3c. The CNI bridge (the pods' veths went with their network namespaces).
ip link show "$BRIDGE" >/dev/null 2>&1 && { ip link delete "$BRIDGE" || log "could not delete bridge $BRIDGE"; }

# 3d. kubelet's iptables chains (KUBE-FIREWALL, KUBE-KUBELET-CANARY, KUBE-IPTABLES-HINT, …):
# only chains that did not exist before up, and not while another kubelet on this host uses them.
other_kubelet=""
for p in /proc/[0-9]*; do
  [[ "$(readlink "$p/exe" 2>/dev/null)" == */kubelet ]] && other_kubelet="${p#/proc/}"
done
if [[ -n "$other_kubelet" ]]; then
  log "another kubelet runs (pid $other_kubelet): leaving the shared KUBE-* iptables chains in place"
elif [[ -f "$BEFORE" ]]; then
  for ipt in iptables ip6tables; do
    command -v "$ipt-save" >/dev/null || continue
    for t in filter nat mangle; do
      chains="$("$ipt-save" -t "$t" 2>/dev/null | sed -n 's/^:\(KUBE-[^ ]*\) .*/\1/p')"
      [[ -n "$chains" ]] || continue
      ours=()
      for c in $chains; do grep -qx "$ipt $t $c" "$BEFORE" || ours+=("$c"); done
      ((${#ours[@]})) || continue
      # Rules in any chain that jump to ours go first, then our chains are flushed and deleted.
      for c in "${ours[@]}"; do
        "$ipt-save" -t "$t" | grep -E -- "^-A [^ ]+ .*-j $c( |\$)" | sed 's/^-A /-D /' |
          while read -r rule; do eval "$ipt -t $t $rule" 2>/dev/null || log "could not delete $ipt -t $t $rule"; done
      done
      for c in "${ours[@]}"; do "$ipt" -t "$t" -F "$c" 2>/dev/null; done
      for c in "${ours[@]}"; do "$ipt" -t "$t" -X "$c" 2>/dev/null || log "could not delete chain $ipt -t $t $c"; done
    done
  done
fi

# 3e. Sysctls and directories as they were before the node started.
if [[ -f "$BEFORE" ]]; then
  while read -r kind key value; do
    [[ "$kind" == sysctl ]] || continue
    [[ "$(sysctl -n "$key" 2>/dev/null)" == "$value" ]] || sysctl -qw "$key=$value" || log "could not restore $key=$value"
  done <"$BEFORE"
  # kubelet links every container's log into the fixed /var/log/containers; drop our links.
  [[ -d /var/log/containers ]] && find /var/log/containers -maxdepth 1 -type l -lname "$NODE_DIR/*" -delete
  grep -qx "existed /var/log/containers" "$BEFORE" || rmdir /var/log/containers 2>/dev/null
  grep -qx "existed /run/containerd" "$BEFORE" || { rmdir /run/containerd/s 2>/dev/null; rmdir /run/containerd 2>/dev/null; }
fi
if awk -v d="$NODE_DIR" '$5 == d || index($5, d "/") == 1 {found=1} END {exit !found}' /proc/self/mountinfo; then
  log "ERROR: mounts remain under $NODE_DIR; leaving it in place"
  exit 1
fi
rm -rf --one-file-system "$NODE_DIR" && rm -f "$BEFORE"
log "real node stopped, host settings restored"
