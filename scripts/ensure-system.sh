#!/usr/bin/env bash
# Makes sure the Debian packages Slipway needs are present. Idempotent: it installs only what is
# missing, runs `apt-get update` at most once and only when something must be installed, and
# changes no host configuration unless the host would otherwise pick a runtime that fails here.
#
#   scripts/ensure-system.sh                   podman + runc, caddy, git, busybox-static, build tools
#   scripts/ensure-system.sh --with-postgres   … and PostgreSQL (integration tests)
#   scripts/ensure-system.sh --with-browser    … and Debian's Chromium (Playwright journeys)
#   scripts/ensure-system.sh --for-tests       all of the above + mmdebstrap, docker-registry, containerd
set -euo pipefail

with_postgres=0
with_browser=0
with_test_tools=0
for arg in "$@"; do
  case "$arg" in
    --with-postgres) with_postgres=1 ;;
    --with-browser) with_browser=1 ;;
    --for-tests) with_postgres=1; with_browser=1; with_test_tools=1 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "ensure-system: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

say() { echo "[ensure-system] $*"; }

if [ ! -r /etc/debian_version ] || ! command -v dpkg-query >/dev/null 2>&1; then
  say "this does not look like Debian; install podman, runc, git and busybox-static yourself." >&2
  exit 1
fi

# The container engine. runc is listed explicitly: Podman depends on "crun | runc", and crun fails
# on these machines' hybrid cgroup layout. uidmap/slirp4netns/fuse-overlayfs are Podman's
# recommends (rootless networking and storage); catatonit backs `--init`.
wanted=(podman runc conmon containernetworking-plugins catatonit uidmap slirp4netns fuse-overlayfs iptables
        git busybox-static ca-certificates)
# The ingress proxy: slipwayd runs Caddy itself, with its own config and state under the data dir.
wanted+=(caddy)
# Embedded volumes: one ext4 image per volume (mkfs.ext4, resize2fs), loop-mounted (mount, losetup).
wanted+=(e2fsprogs mount)
# Volume backups: tar + zstd archives, streamed (server/daemon/backups).
wanted+=(tar zstd)
# better-sqlite3 and cpu-features are compiled by `npm ci` when no prebuilt binary can be fetched.
wanted+=(python3 make g++)
[ "$with_postgres" = 1 ] && wanted+=(postgresql)
[ "$with_browser" = 1 ] && wanted+=(chromium fonts-liberation)
# Tests build their own base images (no registry is reachable) and run a local registry.
[ "$with_test_tools" = 1 ] && wanted+=(mmdebstrap docker-registry)
# The S3-compatible server of the backup tests (moto, from PyPI into a venv: tests/support/s3-server.ts).
[ "$with_test_tools" = 1 ] && wanted+=(python3-venv python3-pip)
# The test cluster's real node (scripts/real-node-up.sh): containerd beside kubelet, with runc and
# containernetworking-plugins (listed above); gcc (from g++) compiles its pause image. Debian's
# package enables a containerd.service: where systemd runs it starts a system containerd, which
# the test cluster never uses (it runs its own, with its own socket and state dir).
[ "$with_test_tools" = 1 ] && wanted+=(containerd)

installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = "installed" ]
}

missing=()
for pkg in "${wanted[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  say "all ${#wanted[@]} required packages are installed."
else
  say "missing packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    cat >&2 <<EOF
[ensure-system] ERROR: these Debian packages are missing and installing them needs root:
    ${missing[*]}
  Either run this command again as root (sudo npm start / sudo npm test), or install them once:
    sudo apt-get update && sudo apt-get install -y ${missing[*]}
EOF
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  say "apt-get update…"
  apt-get update -qq
  say "apt-get install ${missing[*]} (this can take a few minutes)…"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  for pkg in "${missing[@]}"; do
    installed "$pkg" || { say "ERROR: $pkg is still not installed after apt-get install." >&2; exit 1; }
  done
  say "installed: ${missing[*]}"
fi

# slipwayd starts `podman --runtime runc system service` with its own containers.conf, so it needs
# no host configuration. Plain `podman` commands (tests, an operator at the shell) would still pick
# crun when it is installed; a drop-in that prefers runc only then keeps both paths working.
if installed crun && [ "$(id -u)" -eq 0 ]; then
  dropin=/etc/containers/containers.conf.d/50-slipway-runc.conf
  if [ ! -f "$dropin" ]; then
    mkdir -p "$(dirname "$dropin")"
    printf '# Written by Slipway'"'"'s ensure-system.sh: crun fails on hybrid cgroup v1 hosts.\n[engine]\nruntime = "runc"\n' >"$dropin"
    say "crun is installed: wrote $dropin so that podman uses runc."
  fi
fi

# Debian's caddy package starts a caddy.service serving /etc/caddy/Caddyfile on port 80. slipwayd
# runs its own Caddy (admin API on a socket in its data dir), and the packaged one would hold the
# port an ingress on 80 needs: stop and disable it where systemd runs; without systemd it never started.
if installed caddy && [ "$(id -u)" -eq 0 ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  if systemctl is-enabled --quiet caddy.service 2>/dev/null || systemctl is-active --quiet caddy.service 2>/dev/null; then
    systemctl disable --now caddy.service >/dev/null 2>&1 || say "WARNING: could not stop Debian's caddy.service; it may hold port 80." >&2
    say "stopped and disabled Debian's caddy.service (slipwayd runs its own Caddy)."
  fi
fi
if ! command -v caddy >/dev/null 2>&1; then
  say "WARNING: caddy is not on PATH; slipwayd cannot start its ingress proxy." >&2
fi

if ! podman --runtime runc version --format '{{.Client.Version}}' >/dev/null 2>&1; then
  say "WARNING: 'podman --runtime runc version' failed; slipwayd will not be able to run containers." >&2
fi
if [ "$with_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  say "ERROR: /usr/bin/chromium is missing after installing chromium." >&2
  exit 1
fi
say "system is ready."
