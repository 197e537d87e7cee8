#!/usr/bin/env bash
# Builds Kubernetes 1.20 binaries from Debian's `kubernetes` source package (1.20.2 with vendor/).
#
#   build-control-plane.sh [control-plane|node]
#
# control-plane (the default): kube-apiserver, kube-scheduler, kube-controller-manager, plus Debian's
#   kubectl 1.20 (kubernetes-client) beside them; cached in $E2E_CACHE_DIR/kubernetes-<key>/bin/.
# node: kubelet, kube-proxy and the pause program (build/pause/linux/pause.c, static), plus pause.tar,
#   an image archive of it for `ctr images import`; cached in $E2E_CACHE_DIR/kubelet-<key>/bin/.
#
# <key> is the source package version, the Go version and the revision of the set's recipe. A second run
# on the same machine finds the stamp file and returns at once; a fresh machine rebuilds (control plane
# 5-15 minutes on 2 cores, node a few minutes more).
#
# Prints the bin directory on its last line of stdout. Logs go to stderr.
set -euo pipefail

SET=${1:-control-plane}
# RECIPE_REV: bump when that set's recipe (patches, targets, flags) changes.
case $SET in
  control-plane) RECIPE_REV=1 PREFIX=kubernetes TARGETS="cmd/kube-apiserver cmd/kube-scheduler cmd/kube-controller-manager" ;;
  node) RECIPE_REV=1 PREFIX=kubelet TARGETS="cmd/kubelet cmd/kube-proxy" ;;
  *) echo "usage: build-control-plane.sh [control-plane|node]" >&2; exit 2 ;;
esac
CACHE_ROOT=${E2E_CACHE_DIR:-/var/cache/nifi-ca-guard}
SRC_PACKAGE=kubernetes
REFLECT2_DEBIAN=/usr/share/gocode/src/github.com/modern-go/reflect2

log() { printf '[build-control-plane] %s\n' "$*" >&2; }

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.build.lock"
flock 9   # one build at a time on a machine

apt_dir="$CACHE_ROOT/apt"
apt_opts=()

# A private apt configuration with deb-src entries derived from the machine's own Debian sources
# (same mirror, suite "bookworm", component main). The machine's apt configuration is left untouched.
setup_private_apt() {
  mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  : >"$apt_dir/sources.list"
  : >"$apt_dir/parts/debian-src.sources"
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -e $f ]] || continue
    awk 'BEGIN { RS = ""; ORS = "\n\n" }
      $0 ~ /(^|\n)Suites:([ \t]+[^ \t\n]+)*[ \t]+bookworm([ \t]|\n|$)/ &&
      $0 ~ /(^|\n)Components:[^\n]*[ \t]main([ \t]|\n|$)/ {
        sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); print }' "$f" >>"$apt_dir/parts/debian-src.sources"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -e $f ]] || continue
    awk '$1 == "deb" { line = $0; sub(/^deb/, "deb-src", line);
           n = split($0, w, /[ \t]+/); i = 2; if (w[i] ~ /^\[/) { while (w[i] !~ /\]$/) i++; i++ }
           if (w[i + 1] == "bookworm") print line }' "$f" >>"$apt_dir/sources.list"
  done
  if [[ ! -s $apt_dir/sources.list && ! -s $apt_dir/parts/debian-src.sources ]]; then
    log "no Debian bookworm main entry found in /etc/apt: cannot derive a deb-src entry"
    exit 1
  fi
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/parts"
            -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o "APT::Sandbox::User=root")
  log "apt-get update (private deb-src lists in $apt_dir)"
  apt-get "${apt_opts[@]}" update -qq >&2
}

# Without the package index (no network), an already built cache of this recipe still serves.
newest_cached() {
  ls -1dt "$CACHE_ROOT/$PREFIX"-*-r"$RECIPE_REV" 2>/dev/null | while read -r d; do
    [[ -f $d/.complete ]] && { echo "$d"; break; }
  done
}

if ! setup_private_apt; then
  cached=$(newest_cached)
  if [[ -n $cached ]]; then
    log "apt-get update failed; using the cached build $cached"
    echo "$cached/bin"
    exit 0
  fi
  exit 1
fi
src_version=$(apt-cache "${apt_opts[@]}" showsrc "$SRC_PACKAGE" | awk '/^Version:/ { print $2; exit }')
[[ -n $src_version ]] || { log "apt knows no source package $SRC_PACKAGE"; exit 1; }
go_version=$(go env GOVERSION)
key="${src_version//[^A-Za-z0-9.+-]/_}-${go_version}-r${RECIPE_REV}"
out="$CACHE_ROOT/$PREFIX-$key"
if [[ -f $out/.complete ]]; then
  log "cache hit: $out"
  echo "$out/bin"
  exit 0
fi

log "cache miss: building $SET of Kubernetes $src_version with $go_version into $out"
start=$(date +%s)
work="$CACHE_ROOT/work-$PREFIX-$key"
rm -rf "$work" "$out"
mkdir -p "$work/dl" "$out/bin"

( cd "$work/dl" && apt-get "${apt_opts[@]}" source --download-only "$SRC_PACKAGE=$src_version" >&2 )
# --skip-debianization: the upstream tree as released, without debian/ and Debian's packaging patches
# (not needed to build these three binaries; the only change made is the reflect2 swap below).
dpkg-source -x --skip-debianization "$work"/dl/*.dsc "$work/src" >&2
cd "$work/src"

# Kubernetes 1.20 vendors reflect2 1.0.1, which makes kube-apiserver segfault under Go >= 1.18
# (map iteration). Debian's reflect2 1.0.2 fixes it; vendor/modules.txt keeps its v1.0.1 line, which
# `go build -mod=vendor` only checks against go.mod, not against the files.
[[ -d $REFLECT2_DEBIAN ]] || { log "missing $REFLECT2_DEBIAN (golang-github-modern-go-reflect2-dev)"; exit 1; }
rm -rf vendor/github.com/modern-go/reflect2
mkdir -p vendor/github.com/modern-go/reflect2
( cd "$REFLECT2_DEBIAN" && find . -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' -o -name LICENSE \) ! -name '*_test.go' \
    -exec cp {} "$work/src/vendor/github.com/modern-go/reflect2/" \; )
log "vendor/github.com/modern-go/reflect2 replaced with Debian's copy"

# No .git in a source package: give the version stamp explicitly (kubectl reports a matching server).
upstream=${src_version#*really}; upstream=${upstream%%-*}; upstream=${upstream%%+*}
export KUBE_GIT_VERSION="v$upstream" KUBE_GIT_TREE_STATE=clean KUBE_GIT_COMMIT=0000000000000000000000000000000000000000
export KUBE_GIT_MAJOR=${upstream%%.*} KUBE_GIT_MINOR=$(echo "$upstream" | cut -d. -f2)
export KUBE_BUILD_PLATFORMS=linux/$(go env GOARCH)
log "make WHAT=\"$TARGETS\" (KUBE_GIT_VERSION=$KUBE_GIT_VERSION)"
make WHAT="$TARGETS" >&2
for t in $TARGETS; do
  b=${t#cmd/}
  cp "_output/local/bin/linux/$(go env GOARCH)/$b" "$out/bin/$b" 2>/dev/null || cp "_output/bin/$b" "$out/bin/$b"
done

if [[ $SET == control-plane ]]; then
  # kubectl 1.20 from Debian's kubernetes-client, unpacked here rather than installed: the package
  # conflicts with other kubectl packages that own /usr/bin/kubectl.
  mkdir -p "$work/kc"
  ( cd "$work/kc" && { apt-get download -qq kubernetes-client >&2 || { apt-get update -qq >&2 && apt-get download -qq kubernetes-client >&2; }; } )
  dpkg-deb -x "$work"/kc/kubernetes-client_*.deb "$work/kc/root"
  cp "$work/kc/root/usr/bin/kubectl" "$out/bin/kubectl"
else
  # The sandbox ("pause") image every pod starts with: the source's own pause.c, static, as the only file
  # of an image (no registry is reachable). Its tag carries the source's pause version.
  pause_tag=$(awk -F' *= *' '$1 == "TAG" { print $2; exit }' build/pause/Makefile)
  gcc -Os -static -Wall -Werror -DVERSION="v$pause_tag-nifi-ca-guard-e2e" -o "$out/bin/pause" build/pause/linux/pause.c >&2
  strip "$out/bin/pause"
  mkdir -p "$work/pause-image"
  cp "$out/bin/pause" "$work/pause-image/pause"
  printf 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n' >"$work/pause-image/Containerfile"
  pause_ref=localhost/nifi-ca-guard-e2e/pause:$pause_tag
  podman --runtime runc build -q -t "$pause_ref" -f "$work/pause-image/Containerfile" "$work/pause-image" >&2
  rm -f "$out/pause.tar"
  podman --runtime runc save --format docker-archive -o "$out/pause.tar" "$pause_ref" >&2
  echo "$pause_ref" >"$out/pause.ref"
fi

cd /
rm -rf "$work"
echo "set=$SET source=$src_version go=$go_version recipe=$RECIPE_REV built=$(date -u +%FT%TZ) seconds=$(( $(date +%s) - start ))" >"$out/.complete"
log "built in $(( $(date +%s) - start ))s: $out/bin"
echo "$out/bin"
