#!/usr/bin/env bash
# Regenerates the staging-module `replace` lines of e2e/cluster/go.mod from k8s.io/kubernetes's
# own go.mod: every k8s.io module it requires as v0.0.0 (its staging/ directory) is replaced by
# the published module at the matching v0.<minor>.<patch>.
# Usage: e2e/cluster/hack/gen-replaces.sh [v1.37.2]   (default: the version already in go.mod)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH" GOFLAGS="-mod=mod -buildvcs=false"
K8S_VERSION="${1:-$(go mod edit -json | grep -A1 '"Path": "k8s.io/kubernetes"' | sed -n 's/.*"Version": "\(.*\)".*/\1/p' | head -1)}"
[[ "$K8S_VERSION" == v1.* ]] || { echo "cannot determine k8s.io/kubernetes version" >&2; exit 1; }
STAGING_VERSION="v0.${K8S_VERSION#v1.}"
modfile="$(go mod download -json "k8s.io/kubernetes@${K8S_VERSION}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')"
[[ -f "$modfile" ]] || { echo "could not download k8s.io/kubernetes@${K8S_VERSION}" >&2; exit 1; }
go mod edit -require="k8s.io/kubernetes@${K8S_VERSION}"
staging="$(awk '$2=="v0.0.0" && $1 ~ /^k8s\.io\// {print $1}' "$modfile")"
args=()
for m in $staging; do args+=("-dropreplace=$m" "-replace=$m=$m@${STAGING_VERSION}"); done
go mod edit "${args[@]}"
echo "pinned $(wc -w <<<"$staging") staging modules to ${STAGING_VERSION} for k8s.io/kubernetes ${K8S_VERSION}"
