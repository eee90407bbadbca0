# shellcheck shell=bash
# Sourced by scripts/cluster-up.sh once the control plane and KWOK's nodes are up: starts one REAL
# node beside KWOK's fake ones — Debian's containerd (runc, CNI bridge plugins) and a kubelet built
# from the same k8s.io/kubernetes module as the control plane. Uses cluster-up.sh's helpers (log,
# die, start, wait_for, cert, kubeconfig, free_port) and variables (STATE, BIN, PKI, LOGS, PIDS,
# KUBECTL, API_PORT).
#
# The settings below are the ones this VM needs (see ARCHITECTURE.md, "A real kubelet works
# here"): cgroup v1 + cgroupfs, no CAP_SYS_RESOURCE (restrict_oom_score_adj), a pause image built
# from the module's pause.c (nothing is pulled from outside), node name and address 127.0.0.1.
#
# Everything lives under $STATE/node (containerd root/state/socket, runc state, netns mounts, CNI
# config and IPAM, kubelet root dir, pod logs) except what the kernel keeps globally: the cgroup
# subtree (/sys/fs/cgroup/*/$REAL_NODE_CGROUP_ROOT), the bridge $REAL_NODE_BRIDGE, kubelet's
# KUBE-* iptables chains and three sysctls. scripts/real-node-down.sh puts all of those back; the
# values it restores are recorded here, before anything changes, in $STATE/node-host-before.env.
#
# Pods land on this node only when they ask: it carries the label and NoSchedule taint
# slipway.dev/real-node=true (tolerate it and select on the label).

REAL_NODE_NAME="127.0.0.1"
REAL_NODE_LABEL="slipway.dev/real-node"
REAL_NODE_PAUSE_IMAGE="localhost/slipway/pause:1"

# Names and addresses that must not collide with another checkout's cluster on the same host.
real_node_ids() {
  local id
  id="$(printf '%s' "$STATE" | sha256sum | cut -c1-6)"
  NODE_DIR="$STATE/node"
  CONTAINERD_SOCK="$NODE_DIR/containerd/containerd.sock"
  REAL_NODE_CGROUP_ROOT="slipway-node-$id"
  REAL_NODE_BRIDGE="slipkube-$id" # at most 15 characters
}

# A /24 in 10.245.0.0/16 that no interface or route on the host uses yet (Podman's networks are in
# 10.88.0.0/16 and 10.89.0.0/16; KWOK's fake pod IPs in 10.244.0.0/16 are never routed).
real_node_subnet() {
  local i used
  used="$(ip -4 route show | awk '{print $1}')"
  for i in $(seq $((16#${REAL_NODE_BRIDGE: -2})) 255) $(seq 0 255); do
    grep -q "^10\.245\.$i\." <<<"$used" || { echo "10.245.$i.0/24"; return 0; }
  done
  die "no free /24 in 10.245.0.0/16 for the real node's bridge"
}

# pause.c from the module, compiled static, as a one-file image FROM scratch (docker-archive tar,
# which `ctr images import` reads). Cached next to the binaries: same module, same pause.
ensure_pause_image() {
  [[ -s "$BIN/pause-image.tar" ]] && return 0
  command -v gcc >/dev/null || die "gcc is needed to build the pause image (apt-get install gcc)"
  local src work layer_sha config_sha t
  src="$(cd "$MOD" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c"
  [[ -f "$src" ]] || die "pause.c not found at $src"
  log "building the pause image from $src"
  t=${EPOCHREALTIME/./}
  work="$(mktemp -d)"
  mkdir -p "$work/rootfs" "$work/image"
  gcc -Os -Wall -Werror -static -DVERSION="slipway-$(basename "$BIN")" -o "$work/rootfs/pause" "$src" \
    || die "gcc failed on $src"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/rootfs" -cf "$work/layer.tar" pause
  layer_sha="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
  cp "$work/layer.tar" "$work/image/$layer_sha.tar"
  printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/pause"],"User":"65535:65535"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$layer_sha" >"$work/config.json"
  config_sha="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
  cp "$work/config.json" "$work/image/$config_sha.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s.tar"]}]' \
    "$config_sha" "$REAL_NODE_PAUSE_IMAGE" "$layer_sha" >"$work/image/manifest.json"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/image" -cf "$BIN/.pause-image.tmp" .
  mv "$BIN/.pause-image.tmp" "$BIN/pause-image.tar"
  rm -rf "$work"
  log "built the pause image in $(( (${EPOCHREALTIME/./} - t) / 1000 )) ms"
}

# Host settings kubelet and the CNI bridge change, recorded once (a second up after a crash must
# not record the changed values as "before").
record_host_settings() {
  local f="$STATE/node-host-before.env" k
  [[ -f "$f" ]] && return 0
  {
    for k in vm.overcommit_memory kernel.panic kernel.panic_on_oops net.ipv4.ip_forward; do
      echo "sysctl $k $(sysctl -n "$k")"
    done
    for t in filter nat mangle; do
      iptables-save -t "$t" 2>/dev/null | sed -n 's/^:\(KUBE-[^ ]*\) .*/iptables '"$t"' \1/p'
      ip6tables-save -t "$t" 2>/dev/null | sed -n 's/^:\(KUBE-[^ ]*\) .*/ip6tables '"$t"' \1/p'
    done
    [[ -e /var/log/containers ]] && echo "existed /var/log/containers"
    [[ -e /run/containerd ]] && echo "existed /run/containerd"
  } >"$f.tmp"
  mv "$f.tmp" "$f"
}

write_containerd_config() {
  local subnet="$1" d="$NODE_DIR"
  mkdir -p "$d/containerd" "$d/cni/net.d" "$d/cni/ipam" "$d/certs.d" "$d/runc"
  cat >"$d/containerd/config.toml" <<EOF
# Written by scripts/real-node-up.sh: the test cluster's own containerd, apart from any system one.
version = 2
root = "$d/containerd/root"
state = "$d/containerd/state"
# Without CAP_SYS_RESOURCE (this VM) containerd must not lower its own or its shims' OOM score.
oom_score = 0

[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$d/containerd/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$REAL_NODE_PAUSE_IMAGE"
  # Without it every sandbox fails with runc "can't get final child's PID from pipe: EOF".
  restrict_oom_score_adj = true
  # Pod network namespaces are mounted under our state dir, not in /run/netns beside Podman's.
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        Root = "$d/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$d/cni/net.d"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".registry]
    # hosts.toml per registry host. Only loopback registries are allowed over plain http.
    config_path = "$d/certs.d"
EOF
  cat >"$d/cni/net.d/10-slipway-real-node.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "slipway-real-node",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$REAL_NODE_BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$d/cni/ipam",
        "ranges": [[{ "subnet": "$subnet" }]]
      }
    }
  ]
}
EOF
}

write_kubelet_config() {
  local port="$1" healthz_port="$2" d="$NODE_DIR"
  mkdir -p "$d/kubelet" "$d/pod-logs"
  cat >"$d/kubelet-config.yaml" <<EOF
# Written by scripts/real-node-up.sh (settings: ARCHITECTURE.md, "A real kubelet works here").
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: /$REAL_NODE_CGROUP_ROOT
failSwapOn: false
address: 127.0.0.1
port: $port
healthzBindAddress: 127.0.0.1
healthzPort: $healthz_port
readOnlyPort: 0
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization:
  mode: Webhook
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
podLogsDir: $d/pod-logs
# A test VM's disk is never "under pressure" enough to evict the pods under test.
evictionHard: {}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
registerWithTaints:
- {key: $REAL_NODE_LABEL, value: "true", effect: NoSchedule}
EOF
}

real_node_up() {
  real_node_ids
  [[ "$(id -u)" == 0 ]] || die "the real node (kubelet + containerd) needs root; run as root or set SLIPWAY_CLUSTER_REAL_NODE=0"
  local c
  for c in containerd ctr runc iptables-save; do
    command -v "$c" >/dev/null || die "$c not found: run scripts/ensure-system.sh --for-tests (or SLIPWAY_CLUSTER_REAL_NODE=0)"
  done
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback ]] \
    || die "CNI plugins missing in /usr/lib/cni (apt-get install containernetworking-plugins)"
  ensure_pause_image

  # A stale node dir (crash, kill -9) is cleaned by real-node-down.sh before cluster-up gets here;
  # never delete through a mount (a pod's subPath can be a bind mount of a host directory).
  if awk -v d="$NODE_DIR" '$5 == d || index($5, d "/") == 1 {found=1} END {exit !found}' /proc/self/mountinfo; then
    die "mounts remain under $NODE_DIR: run scripts/cluster-down.sh first"
  fi
  rm -rf --one-file-system "$NODE_DIR"
  mkdir -p "$NODE_DIR"
  record_host_settings

  local subnet kubelet_port healthz_port
  subnet="$(real_node_subnet)"
  write_containerd_config "$subnet"
  : >"$LOGS/containerd.log"
  log "real node: containerd socket $CONTAINERD_SOCK, CNI bridge $REAL_NODE_BRIDGE $subnet, cgroups /$REAL_NODE_CGROUP_ROOT"
  start_external containerd "$(command -v containerd)" --config "$NODE_DIR/containerd/config.toml"
  wait_for "containerd" 60 ctr --address "$CONTAINERD_SOCK" version
  ctr --address "$CONTAINERD_SOCK" -n k8s.io images import "$BIN/pause-image.tar" >/dev/null \
    || die "ctr images import of the pause image failed"
  log "containerd ready; pause image $REAL_NODE_PAUSE_IMAGE imported"

  # Each cgroup v1 hierarchy gets our root; kubelet makes kubepods/ inside it.
  local h
  for h in /sys/fs/cgroup/*/; do
    [[ -f "$h/cgroup.procs" ]] && mkdir -p "$h$REAL_NODE_CGROUP_ROOT"
  done

  cert kubelet "/O=system:nodes/CN=system:node:$REAL_NODE_NAME"
  cert kubelet-serving "/CN=system:node:$REAL_NODE_NAME" "IP:127.0.0.1,DNS:localhost" serverAuth
  kubeconfig "$STATE/kubelet.kubeconfig" kubelet "system:node:$REAL_NODE_NAME"
  kubelet_port="$(free_port 10250 "$API_PORT" "$ETCD_PORT" "$ETCD_PEER_PORT" "$KCM_PORT" "$SCHED_PORT" "$KWOK_PORT")"
  healthz_port="$(free_port 10248 "$API_PORT" "$ETCD_PORT" "$ETCD_PEER_PORT" "$KCM_PORT" "$SCHED_PORT" "$KWOK_PORT" "$kubelet_port")"
  echo "KUBELET_PORT=$kubelet_port" >>"$STATE/ports.env"
  KUBELET_PORT="$kubelet_port"
  write_kubelet_config "$kubelet_port" "$healthz_port"
  : >"$LOGS/kubelet.log"
  start kubelet \
    --config="$NODE_DIR/kubelet-config.yaml" \
    --kubeconfig="$STATE/kubelet.kubeconfig" \
    --root-dir="$NODE_DIR/kubelet" \
    --cert-dir="$NODE_DIR/kubelet/pki" \
    `# It refuses --node-ip=127.0.0.1; without this it would report the VM's eth0 address.` \
    --hostname-override="$REAL_NODE_NAME" \
    --node-labels="$REAL_NODE_LABEL=true"
  wait_for "kubelet to register node $REAL_NODE_NAME" 90 "${KUBECTL[@]}" get node "$REAL_NODE_NAME"
  wait_for "node $REAL_NODE_NAME Ready" 120 "${KUBECTL[@]}" wait --for=condition=Ready node "$REAL_NODE_NAME" --timeout=5s
  pid_alive kubelet || die "kubelet exited (log: $LOGS/kubelet.log)"
  log "real node $REAL_NODE_NAME Ready (kubelet on 127.0.0.1:$kubelet_port; schedule with toleration + nodeSelector $REAL_NODE_LABEL=true)"
}
