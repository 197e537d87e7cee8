#!/usr/bin/env bash
# Makes the two local base images the Dockerfile builds from, since no container registry is reachable:
#   runtime: a distroless-like root: glibc, libgcc and libstdc++ from Debian bookworm (current security
#            updates), the node binary (stripped) from the npm registry, /etc/passwd and group with
#            65532 nonroot, os-release and a dpkg status.d (so image scanners see the Debian packages),
#            licences. No shell, no package manager, no CA bundle: node carries its own roots, and the
#            webhook trusts the API server through its service-account CA file.
#   build:   the runtime root plus busybox (Debian's static build: the shell and tools the RUN steps
#            use) and npm, instead of a whole Debian minbase.
# Debian's packages are only extracted (mmdebstrap --variant=extract), never configured: none of them
# needs its maintainer scripts to be usable as a library.
# Prints "<runtime image> <build image>". Both are tagged with a hash of their inputs (this script, the
# Node pin and the Debian sources) and made only when missing; REFRESH_BASE=1 remakes them, e.g. to
# take Debian's newest security updates.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$REPO_ROOT/hack/node.env"

SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
SOURCES=("deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main" "deb $SECURITY_MIRROR $SUITE-security main")
RUNTIME_DEBS=libc6,libgcc-s1,libstdc++6,base-files
BUILD_DEBS=busybox-static
# base-files pulls in mawk for its maintainer scripts, which never run here.
NOT_KEPT=" mawk $BUILD_DEBS "
PATH_ENV=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin

key=$(cat "$0" "$REPO_ROOT/hack/install-node.sh" "$REPO_ROOT/hack/node.env" <(printf '%s\n' "${SOURCES[@]}") | sha256sum | cut -c1-12)
runtime_image=$BASE_REPO:runtime-$key
build_image=$BASE_REPO:build-$key

if [ "${REFRESH_BASE:-0}" != 1 ] && podman image exists "$runtime_image" && podman image exists "$build_image"; then
  echo "$runtime_image $build_image"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "needs root (mmdebstrap --mode=root, chroot, rootful podman)"
started=$(date +%s)
work=$(mktemp -d /var/tmp/nifi-ca-guard-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
extract=$work/extract rt=$work/runtime bt=$work/build

say "base: extracting $RUNTIME_DEBS,$BUILD_DEBS from Debian $SUITE"
# The hook runs while the .debs are still there: their control fields become status.d entries.
# shellcheck disable=SC2016
mmdebstrap --quiet --variant=extract --mode=root --format=directory --include="$RUNTIME_DEBS,$BUILD_DEBS" \
  --extract-hook='mkdir -p "$1/.control" && for d in "$1"/var/cache/apt/archives/*.deb; do
      dpkg-deb -f "$d" > "$1/.control/$(dpkg-deb -f "$d" Package)"; done' \
  "$SUITE" "$extract" "${SOURCES[@]}" >&2

keep_package() { # NAME ROOT: its dpkg status entry and copyright
  cp "$extract/.control/$1" "$2/var/lib/dpkg/status.d/$1"
  if [ -e "$extract/usr/share/doc/$1/copyright" ]; then
    mkdir -p "$2/usr/share/doc/$1"
    cp "$extract/usr/share/doc/$1/copyright" "$2/usr/share/doc/$1/"
  fi
}

# runtime: only the shared libraries (the dynamic loader finds them in its built-in multiarch
# directories, no ld.so.cache needed) and what identifies and licenses them.
mkdir -p "$rt"/{etc,tmp,home/nonroot,usr/lib,usr/share/doc,usr/local/bin,var/lib/dpkg/status.d}
cp -a "$extract/lib" "$extract/lib64" "$rt/"
cp -a "$extract/usr/lib/x86_64-linux-gnu" "$rt/usr/lib/"
rm -rf "$rt/usr/lib/x86_64-linux-gnu/gconv" # glibc's iconv modules (8 MB): node has ICU
cp -a "$extract/usr/lib/os-release" "$rt/usr/lib/"
cp -a "$extract/etc/os-release" "$extract/etc/debian_version" "$rt/etc/"
cp -a "$extract/usr/share/common-licenses" "$rt/usr/share/"
for p in $(ls "$extract/.control"); do
  case "$NOT_KEPT" in *" $p "*) continue ;; esac
  keep_package "$p" "$rt"
done
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/nologin\n' >"$rt/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$rt/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rt/etc/nsswitch.conf"
chmod 1777 "$rt/tmp"
chown 65532:65532 "$rt/home/nonroot"
bash "$REPO_ROOT/hack/install-node.sh" "$rt/usr/local" --without-npm --strip
[ "$(chroot "$rt" /usr/local/bin/node -p 'process.release.lts')" != undefined ] || die "node in the runtime root is not an LTS release"

# build: the same root, plus busybox's applets where Debian would have them, npm and root's home.
cp -a "$rt" "$bt"
mkdir -p "$bt"/{bin,sbin,usr/bin,usr/sbin,root}
cp "$extract/bin/busybox" "$bt/bin/busybox"
for applet in $("$bt/bin/busybox" --list-full); do
  [ -e "$bt/$applet" ] || [ -L "$bt/$applet" ] || ln -s /bin/busybox "$bt/$applet"
done
keep_package busybox-static "$bt"
bash "$REPO_ROOT/hack/install-node.sh" "$bt/usr/local" --strip
[ "$(chroot "$bt" /bin/sh -c 'npm --version')" = "$NPM_VERSION" ] || die "npm does not run in the build root"

import() { # ROOT IMAGE DESCRIPTION
  tar --numeric-owner -C "$1" -cf - . |
    podman import --quiet --change "ENV PATH=$PATH_ENV" --change "LABEL org.opencontainers.image.description=$3" - "$2" >/dev/null
}
replaced=$(podman image inspect --format '{{.Id}}' "$runtime_image" "$build_image" 2>/dev/null || true)
import "$rt" "$runtime_image" "nifi-ca-guard runtime base: Debian $SUITE glibc and libstdc++, Node.js $NODE_VERSION"
import "$bt" "$build_image" "nifi-ca-guard build base: runtime base, busybox, npm $NPM_VERSION"

# Earlier bases, and the ones a refresh just untagged, are only dead weight now (an image still in use
# by a container stays).
for old in $(podman images --format '{{.Repository}}:{{.Tag}}' "$BASE_REPO") $replaced; do
  [ "$old" = "$runtime_image" ] || [ "$old" = "$build_image" ] || podman rmi "$old" >/dev/null 2>&1 || true
done
say "base: $runtime_image ($(du -sm "$rt" | cut -f1) MB) and $build_image in $(($(date +%s) - started)) s"
echo "$runtime_image $build_image"
