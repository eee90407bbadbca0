#!/usr/bin/env bash
# Starts Slipway's test Kubernetes control plane on loopback, building it first if needed:
#   etcd (embedded go.etcd.io/etcd/server/v3) -> kube-apiserver -> kube-controller-manager,
#   kube-scheduler -> kwok (fake nodes, pod status, pod logs) -> fake nodes -> Ready
#   -> one real node: containerd + kubelet (scripts/real-node-up.sh) -> Ready.
# Everything is built from source by e2e/cluster (Go module proxy only) and cached, so a second
# start takes seconds. An already running, healthy cluster is reused.
#
# Prints progress on stderr and, as the last line on stdout, the admin kubeconfig path.
# Also writes $STATE/cluster.json ({kubeconfigPath, server, ...}) for tests.
#
# Environment (all optional):
#   SLIPWAY_CLUSTER_DIR        state dir (certs, data, logs, pids)   default: <repo>/.cache/cluster
#   SLIPWAY_CLUSTER_BIN_CACHE  where built binaries are kept          default: ~/.cache/slipway-cluster
#   SLIPWAY_CLUSTER_NODES      number of fake nodes                   default: 3
#   SLIPWAY_CLUSTER_REAL_NODE  1 = one real node (kubelet + containerd; needs root), 0 = none
#                              default: 1 when run as root, else 0
#   SLIPWAY_CLUSTER_KEEP_DATA  1 = keep etcd data of a stopped cluster (default: start empty)
#   SLIPWAY_CLUSTER_API_PORT   preferred apiserver port               default: 6443 (next free if taken)
#   SLIPWAY_CLUSTER_BUILD_ONLY 1 = build the binaries and exit
#   GOMODCACHE / GOCACHE       Go caches (Go's defaults: ~/go/pkg/mod, ~/.cache/go-build)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MOD="$ROOT/e2e/cluster"
STATE="${SLIPWAY_CLUSTER_DIR:-$ROOT/.cache/cluster}"
NODES="${SLIPWAY_CLUSTER_NODES:-3}"
REAL_NODE="${SLIPWAY_CLUSTER_REAL_NODE:-$([[ "$(id -u)" == 0 ]] && echo 1 || echo 0)}"
PKI="$STATE/pki"
LOGS="$STATE/logs"
PIDS="$STATE/pids"
KUBECONFIG_PATH="$STATE/admin.kubeconfig"
SERVICE_CIDR="10.96.0.0/16"
POD_CIDR="10.244.0.1/16"

export PATH="/usr/local/go/bin:$PATH"
export GOFLAGS="-mod=mod -buildvcs=false"
export GOTOOLCHAIN=local
# Loopback only: never let a client pick up a proxy for 127.0.0.1.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"

T0=${EPOCHREALTIME/./}
log() { local ms=$(( (${EPOCHREALTIME/./} - T0) / 1000 )); printf '[cluster-up %4d.%01ds] %s\n' $((ms / 1000)) $((ms % 1000 / 100)) "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

mkdir -p "$STATE" "$LOGS" "$PIDS"
# Who asked (the tree is shared; this makes "who started that cluster?" answerable).
echo "$(date -u +%FT%TZ) pid=$$ caller=$(tr '\0' ' ' </proc/$PPID/cmdline 2>/dev/null | cut -c1-200)" >>"$LOGS/cluster-up.history"
# One cluster-up at a time per state dir (parallel test workers all call it).
exec 8>"$STATE/.up.lock"
if ! flock -n 8; then
  log "another cluster-up is running for $STATE — waiting for it"
  flock 8
fi

# --------------------------------------------------------------------------------------------
# Build (cached by a key over the module files and the Go version)
# --------------------------------------------------------------------------------------------
command -v go >/dev/null || die "go not found (expected /usr/local/go/bin/go)"
KEY="$(cat "$MOD/go.mod" "$MOD/go.sum" "$MOD/cmd/etcd/main.go" "$MOD/kwok/go.mod" "$MOD/kwok/go.sum" \
  <(go version) <(echo "build-rev 2: -ldflags -s -w + version stamp") | sha256sum | cut -c1-16)"
BIN_CACHE="${SLIPWAY_CLUSTER_BIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/slipway-cluster}"
BIN="$BIN_CACHE/bin-$KEY"
mkdir -p "$BIN_CACHE"

build() { # build <out-name> <module dir> <package> [extra ldflags]
  local out="$1" dir="$2" pkg="$3" ldx="${4:-}" t
  [[ -x "$BIN/$out" ]] && return 0
  log "building $out ($pkg) — first build takes a while"
  t=$(date +%s)
  (cd "$dir" && go build -ldflags="-s -w $ldx" -o "$BIN/.$out.tmp" "$pkg") >"$LOGS/build-$out.log" 2>&1 \
    || { tail -30 "$LOGS/build-$out.log" >&2; die "build of $out failed (log: $LOGS/build-$out.log)"; }
  mv "$BIN/.$out.tmp" "$BIN/$out"
  log "built $out in $(( $(date +%s) - t ))s"
}

# What `hack/lib/version.sh` would stamp, so /version reports v1.37.x instead of v0.0.0-master.
k8s_version_ldflags() {
  [[ -n "${K8S_LDX:-}" ]] && return 0
  local v t p minor
  v="$(cd "$MOD" && go list -m -f '{{.Version}}' k8s.io/kubernetes)"
  t="$(cd "$MOD" && go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes)"
  minor="${v#v1.}"; minor="${minor%%.*}"
  K8S_LDX=""
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    K8S_LDX+=" -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=$t"
  done
}

ensure_binaries() {
  exec 7>"$BIN_CACHE/.build.lock"
  flock 7 # shared between checkouts using the same cache
  mkdir -p "$BIN"
  local need=0 b
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kwok kwok-config.yaml kwok-crds.yaml; do
    [[ -e "$BIN/$b" ]] || need=1
  done
  if (( need )); then
    log "Go module download (GOMODCACHE=$(go env GOMODCACHE))"
    (cd "$MOD" && go mod download) && (cd "$MOD/kwok" && go mod download) \
      || die "go mod download failed"
    build etcd "$MOD" ./cmd/etcd
    k8s_version_ldflags
    build kube-apiserver "$MOD" k8s.io/kubernetes/cmd/kube-apiserver "$K8S_LDX"
    build kube-controller-manager "$MOD" k8s.io/kubernetes/cmd/kube-controller-manager "$K8S_LDX"
    build kube-scheduler "$MOD" k8s.io/kubernetes/cmd/kube-scheduler "$K8S_LDX"
    build kubelet "$MOD" k8s.io/kubernetes/cmd/kubelet "$K8S_LDX"
    build kwok "$MOD/kwok" sigs.k8s.io/kwok/cmd/kwok
    # KWOK's stock stages and CRDs, taken from the same module version as the binary.
    local kdir
    kdir="$(cd "$MOD/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)"
    {
      for f in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
               pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
        echo "---"; cat "$kdir/kustomize/stage/$f.yaml"
      done
    } >"$BIN/.kwok-config.tmp" && mv "$BIN/.kwok-config.tmp" "$BIN/kwok-config.yaml"
    { for f in logs clusterlogs; do echo "---"; cat "$kdir/kustomize/crd/bases/kwok.x-k8s.io_$f.yaml"; done; } \
      >"$BIN/.kwok-crds.tmp" && mv "$BIN/.kwok-crds.tmp" "$BIN/kwok-crds.yaml"
  fi
  if ! command -v kubectl >/dev/null; then
    log "no kubectl installed — building it from k8s.io/kubernetes (Debian 12 has no kubectl package)"
    k8s_version_ldflags
    build kubectl "$MOD" k8s.io/kubernetes/cmd/kubectl "$K8S_LDX"
  fi
  flock -u 7
  [[ -d "$STATE/bin" && ! -L "$STATE/bin" ]] && rm -rf "$STATE/bin"
  ln -sfn "$BIN" "$STATE/bin"
}

ensure_binaries
if [[ "${SLIPWAY_CLUSTER_BUILD_ONLY:-0}" == 1 ]]; then log "binaries ready in $BIN"; exit 0; fi
export PATH="$BIN:$PATH"
command -v kubectl >/dev/null || die "kubectl missing"
KUBECTL=(kubectl --kubeconfig "$KUBECONFIG_PATH" --request-timeout=20s)

# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
[[ "$REAL_NODE" == 0 ]] || COMPONENTS+=(containerd kubelet)

pid_alive() { # pid_alive <component>: the recorded pid is alive and is our binary
  local f="$PIDS/$1.pid" pid
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f")"
  [[ -n "$pid" && -d "/proc/$pid" ]] || return 1
  [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == */"$1" ]]
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { # free_port <preferred> [taken...]
  local p="$1"; shift
  while port_in_use "$p" || [[ " $* " == *" $p "* ]]; do p=$((p + 1)); done
  echo "$p"
}

start() { # start <component> <args...>: runs $BIN/<component>
  local name="$1"; shift
  start_external "$name" "$BIN/$name" "$@"
}

start_external() { # start_external <component> <executable> <args...>
  local name="$1" exe="$2"; shift 2
  log "starting $name (log: $LOGS/$name.log)"
  (
    # Daemons must not inherit our lock fds (or any caller's pipes): close every fd above 2.
    for fd in /proc/$BASHPID/fd/*; do
      fd="${fd##*/}"; (( fd > 2 )) && eval "exec $fd>&-" 2>/dev/null
    done
    exec setsid "$exe" "$@"
  ) >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

wait_for() { # wait_for <what> <timeout s> <command...>
  local what="$1" timeout="$2"; shift 2
  local deadline=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    (( $(date +%s) < deadline )) || die "timed out after ${timeout}s waiting for $what"
    sleep 0.3
  done
}

api_ready() {
  curl -fsS --max-time 3 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://127.0.0.1:$API_PORT/readyz" | grep -q '^ok$'
}

healthy() {
  local c
  for c in "${COMPONENTS[@]}"; do pid_alive "$c" || return 1; done
  [[ -f "$STATE/ports.env" && -f "$KUBECONFIG_PATH" ]] || return 1
  # shellcheck disable=SC1091
  source "$STATE/ports.env"
  api_ready || return 1
  # A real node must still be there and Ready (kubelet up does not mean registered).
  [[ "$REAL_NODE" == 0 ]] || "${KUBECTL[@]}" get node 127.0.0.1 \
    -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -qx True
}

write_json() {
  cat >"$STATE/cluster.json" <<EOF
{
  "kubeconfigPath": "$KUBECONFIG_PATH",
  "server": "https://127.0.0.1:$API_PORT",
  "stateDir": "$STATE",
  "podLogFile": "$STATE/kwok/logs/default.log",
  "ports": { "apiserver": $API_PORT, "etcd": $ETCD_PORT, "kwok": $KWOK_PORT, "controllerManager": $KCM_PORT, "scheduler": $SCHED_PORT },
  "nodes": $NODES,
  "realNode": $(if ! pid_alive kubelet; then echo null; else
    printf '{ "name": "127.0.0.1", "label": "slipway.dev/real-node", "taint": "slipway.dev/real-node", "containerdSocket": "%s", "kubeletPort": %s }' \
      "$STATE/node/containerd/containerd.sock" "${KUBELET_PORT:-0}"; fi),
  "binDir": "$BIN"
}
EOF
}

# --------------------------------------------------------------------------------------------
# Reuse a healthy running cluster
# --------------------------------------------------------------------------------------------
if healthy; then
  log "cluster already running at https://127.0.0.1:$API_PORT — reusing"
  write_json
  echo "$KUBECONFIG_PATH"
  exit 0
fi
if compgen -G "$PIDS/*.pid" >/dev/null || [[ -e "$STATE/node-host-before.env" ]]; then
  log "found a partial/stale cluster — stopping it first"
  "$ROOT/scripts/cluster-down.sh" >&2
fi

# --------------------------------------------------------------------------------------------
# Certificates (kept across restarts)
# --------------------------------------------------------------------------------------------
mkdir -p "$PKI"
cert() { # cert <name> <subject> [san-ext] [extendedKeyUsage]
  local name="$1" subj="$2" san="${3:-}" eku="${4:-clientAuth}"
  [[ -f "$PKI/$name.crt" ]] && return 0
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    [[ -n "$san" ]] && echo "subjectAltName=$san"
  } >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}
if [[ ! -f "$PKI/ca.crt" ]]; then
  log "generating certificates in $PKI"
  rm -f "$PKI"/*
  openssl genrsa -out "$PKI/ca.key" 2048 2>/dev/null
  openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=slipway-test-ca" -days 3650 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$PKI/ca.crt" 2>/dev/null
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
fi
cert apiserver "/CN=kube-apiserver" \
  "IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" serverAuth
cert kwok-serving "/CN=kwok" "IP:127.0.0.1,DNS:localhost" serverAuth
cert admin "/O=system:masters/CN=kubernetes-admin"
cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
cert controller-manager "/CN=system:kube-controller-manager"
cert scheduler "/CN=system:kube-scheduler"
cert kwok "/O=system:masters/CN=kwok-controller"
# Aggregation layer (front proxy): its own CA, so that request-header auth is configured.
if [[ ! -f "$PKI/front-proxy-ca.crt" ]]; then
  openssl genrsa -out "$PKI/front-proxy-ca.key" 2048 2>/dev/null
  openssl req -x509 -new -key "$PKI/front-proxy-ca.key" -subj "/CN=slipway-test-front-proxy-ca" -days 3650 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$PKI/front-proxy-ca.crt" 2>/dev/null
  rm -f "$PKI/front-proxy-client.crt"
fi
if [[ ! -f "$PKI/front-proxy-client.crt" ]]; then
  openssl genrsa -out "$PKI/front-proxy-client.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/front-proxy-client.key" -subj "/CN=front-proxy-client" 2>/dev/null |
    openssl x509 -req -CA "$PKI/front-proxy-ca.crt" -CAkey "$PKI/front-proxy-ca.key" -CAcreateserial -days 3650 -sha256 \
      -extfile <(echo "extendedKeyUsage=clientAuth") -out "$PKI/front-proxy-client.crt" 2>/dev/null
fi

# --------------------------------------------------------------------------------------------
# Ports, kubeconfigs, configs
# --------------------------------------------------------------------------------------------
API_PORT="$(free_port "${SLIPWAY_CLUSTER_API_PORT:-6443}")"
ETCD_PORT="$(free_port 23790 "$API_PORT")"
ETCD_PEER_PORT="$(free_port 23800 "$API_PORT" "$ETCD_PORT")"
KCM_PORT="$(free_port 10357 "$API_PORT" "$ETCD_PORT" "$ETCD_PEER_PORT")"
SCHED_PORT="$(free_port 10359 "$API_PORT" "$ETCD_PORT" "$ETCD_PEER_PORT" "$KCM_PORT")"
KWOK_PORT="$(free_port 10350 "$API_PORT" "$ETCD_PORT" "$ETCD_PEER_PORT" "$KCM_PORT" "$SCHED_PORT")"
cat >"$STATE/ports.env" <<EOF
API_PORT=$API_PORT
ETCD_PORT=$ETCD_PORT
ETCD_PEER_PORT=$ETCD_PEER_PORT
KCM_PORT=$KCM_PORT
SCHED_PORT=$SCHED_PORT
KWOK_PORT=$KWOK_PORT
EOF

kubeconfig() { # kubeconfig <file> <cert name> <user>
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: slipway-test
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $3
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$2.crt")
    client-key-data: $(base64 -w0 "$PKI/$2.key")
contexts:
- name: slipway-test
  context: {cluster: slipway-test, user: $3}
current-context: slipway-test
EOF
  chmod 600 "$1"
}
kubeconfig "$KUBECONFIG_PATH" admin kubernetes-admin
kubeconfig "$STATE/controller-manager.kubeconfig" controller-manager system:kube-controller-manager
kubeconfig "$STATE/scheduler.kubeconfig" scheduler system:kube-scheduler
kubeconfig "$STATE/kwok.kubeconfig" kwok kwok-controller

cat >"$STATE/scheduler.yaml" <<EOF
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection:
  kubeconfig: $STATE/scheduler.kubeconfig
  qps: 200
  burst: 400
leaderElection:
  leaderElect: false
EOF

mkdir -p "$STATE/kwok/logs"
DEFAULT_POD_LOG="$STATE/kwok/logs/default.log"
if [[ ! -f "$DEFAULT_POD_LOG" ]]; then
  # CRI log format, as a kubelet would serve it.
  for i in 1 2 3; do
    printf '%s stdout F slipway test pod: log line %d\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" "$i"
  done >"$DEFAULT_POD_LOG"
fi

# --------------------------------------------------------------------------------------------
# Start
# --------------------------------------------------------------------------------------------
for c in "${COMPONENTS[@]}"; do : >"$LOGS/$c.log"; done

if [[ "${SLIPWAY_CLUSTER_KEEP_DATA:-0}" != 1 ]]; then rm -rf "$STATE/etcd-data"; fi
start etcd --data-dir="$STATE/etcd-data" \
  --listen-client-url="http://127.0.0.1:$ETCD_PORT" --listen-peer-url="http://127.0.0.1:$ETCD_PEER_PORT"
wait_for "etcd" 60 curl -fsS --max-time 2 "http://127.0.0.1:$ETCD_PORT/health"
log "etcd healthy on 127.0.0.1:$ETCD_PORT"

start kube-apiserver \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
  --endpoint-reconciler-type=none \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --authorization-mode=Node,RBAC \
  --enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,ResourceQuota,NodeRestriction,RuntimeClass,DefaultTolerationSeconds,DefaultStorageClass,DefaultIngressClass,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy \
  --allow-privileged=true \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
  --kubelet-preferred-address-types=InternalIP,Hostname \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
  --max-requests-inflight=800 --max-mutating-requests-inflight=400 \
  --profiling=false
wait_for "kube-apiserver /readyz" 120 api_ready
log "kube-apiserver ready at https://127.0.0.1:$API_PORT"

start kube-controller-manager \
  --kubeconfig="$STATE/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$STATE/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$STATE/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$KCM_PORT" \
  --leader-elect=false \
  --controllers='*' \
  --use-service-account-credentials=true \
  --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
  --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --kube-api-qps=200 --kube-api-burst=400 \
  --concurrent-deployment-syncs=10 --concurrent-replicaset-syncs=10 \
  `# On 2 busy cores KWOK's lease renewals for 1,000 nodes can lag; a short grace period would` \
  `# mark their pods not ready for good (KWOK never flips them back).` \
  --node-monitor-grace-period=5m \
  --profiling=false

start kube-scheduler \
  --config="$STATE/scheduler.yaml" \
  --authentication-kubeconfig="$STATE/scheduler.kubeconfig" \
  --authorization-kubeconfig="$STATE/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" \
  --profiling=false

log "installing KWOK's Logs/ClusterLogs CRDs"
"${KUBECTL[@]}" apply -f "$BIN/kwok-crds.yaml" >/dev/null
"${KUBECTL[@]}" wait --for=condition=Established crd/logs.kwok.x-k8s.io crd/clusterlogs.kwok.x-k8s.io --timeout=30s >/dev/null
"${KUBECTL[@]}" apply -f - >/dev/null <<EOF
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata:
  name: slipway-default
spec:
  selector: {}
  logs:
  - logsFile: $DEFAULT_POD_LOG
    follow: true
EOF

# The stock stages plus the test stage that fails pods on demand (scripts/kwok-crash-stage.yaml).
{ cat "$BIN/kwok-config.yaml"; echo "---"; cat "$ROOT/scripts/kwok-crash-stage.yaml"; } >"$STATE/kwok-config.yaml"
start kwok \
  --kubeconfig="$STATE/kwok.kubeconfig" \
  --config="$STATE/kwok-config.yaml" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --node-ip=127.0.0.1 --node-port="$KWOK_PORT" --server-address="127.0.0.1:$KWOK_PORT" \
  --tls-cert-file="$PKI/kwok-serving.crt" --tls-private-key-file="$PKI/kwok-serving.key" \
  --cidr="$POD_CIDR" \
  --node-lease-duration-seconds=40 \
  --enable-crds=Logs,ClusterLogs

log "creating $NODES fake nodes"
for i in $(seq 0 $((NODES - 1))); do
  cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/role: agent
    node-role.kubernetes.io/agent: ""
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "250", ephemeral-storage: 1Ti}
  capacity: {cpu: "32", memory: 256Gi, pods: "250", ephemeral-storage: 1Ti}
EOF
done | "${KUBECTL[@]}" apply -f - >/dev/null
wait_for "nodes Ready" 90 "${KUBECTL[@]}" wait --for=condition=Ready node -l type=kwok --timeout=5s
log "$NODES nodes Ready"
wait_for "default service account" 60 "${KUBECTL[@]}" get serviceaccount default -n default
wait_for "kube-root-ca.crt configmap" 60 "${KUBECTL[@]}" get configmap kube-root-ca.crt -n default

if [[ "$REAL_NODE" == 0 ]]; then
  log "no real node (SLIPWAY_CLUSTER_REAL_NODE=0, or not root): pods run on KWOK's nodes only"
else
  # shellcheck source=scripts/real-node-up.sh
  source "$ROOT/scripts/real-node-up.sh"
  real_node_up
fi

for c in "${COMPONENTS[@]}"; do pid_alive "$c" || die "$c exited (log: $LOGS/$c.log)"; done
write_json
log "cluster ready: https://127.0.0.1:$API_PORT (kubectl --kubeconfig $KUBECONFIG_PATH ...)"
echo "$KUBECONFIG_PATH"
