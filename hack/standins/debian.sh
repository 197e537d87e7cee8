#!/usr/bin/env bash
# The stand-in image's Debian part, as a tarball cached in .build/standins/: bookworm packages (current
# security updates) extracted with mmdebstrap --variant=extract (no maintainer scripts: none is needed to
# use them), trimmed of docs, man pages and locales; dpkg status.d entries and copyrights kept, so image
# scanners see the packages. The shells and tools the recipes' scripts use: bash, sh (dash), coreutils,
# grep (egrep), sed, gzip, hostname, jq, openssl (the cetic chart's cert-request), findutils, procps;
# libz and libstdc++ for the Java runtime. Prints the tarball's path; remade when this script or the
# Debian sources change, or with REFRESH_BASE=1 (Debian's newest updates).
set -euo pipefail
. "$(dirname "$0")/../image/lib.sh"
say() { echo "[standins] $*" >&2; }

SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
SOURCES=("deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main" "deb $SECURITY_MIRROR $SUITE-security main")
DEBS=base-files,bash,dash,coreutils,grep,sed,gzip,hostname,jq,openssl,findutils,procps,mawk,zlib1g,libstdc++6,libgcc-s1
CACHE=$REPO_ROOT/.build/standins

key=$(cat "$0" <(printf '%s\n' "${SOURCES[@]}") | sha256sum | cut -c1-12)
out=$CACHE/debian-$key.tar
if [ "${REFRESH_BASE:-0}" != 1 ] && [ -s "$out" ]; then
  echo "$out"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "needs root (mmdebstrap --mode=root)"
mkdir -p "$CACHE"
work=$(mktemp -d /var/tmp/nifi-standins-debian.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
say "debian: extracting $DEBS from Debian $SUITE"
# The hook runs while the .debs are still there: their control fields become status.d entries.
# shellcheck disable=SC2016
mmdebstrap --quiet --variant=extract --mode=root --format=directory --include="$DEBS" \
  --extract-hook='mkdir -p "$1/.control" && for d in "$1"/var/cache/apt/archives/*.deb; do
      dpkg-deb -f "$d" > "$1/.control/$(dpkg-deb -f "$d" Package)"; done' \
  "$SUITE" "$root" "${SOURCES[@]}" >&2

# What dpkg would know, and each package's copyright; then the bulk nobody reads in a test image.
mkdir -p "$root/var/lib/dpkg/status.d"
for control in "$root"/.control/*; do
  cp "$control" "$root/var/lib/dpkg/status.d/${control##*/}"
done
rm -rf "$root/.control"
find "$root/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
find "$root/usr/share/doc" -type d -empty -delete
rm -rf "$root"/usr/share/{man,info,locale,lintian,bug,menu,doc-base} "$root/usr/lib/x86_64-linux-gnu/gconv" \
  "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/var/log/* "$root/boot" "$root/dev"/* "$root/proc"/* "$root/sys"/*
# The links update-alternatives would make in a postinst that never ran.
ln -sf /usr/bin/mawk "$root/usr/bin/awk"
[ -L "$root/bin/sh" ] || ln -s dash "$root/bin/sh"
chroot "$root" /bin/bash -c 'jq --version && openssl version && hostname --version 2>&1 | head -1 && echo ok | awk "{print}"' >&2 \
  || die "the extracted tools do not run"
tar --numeric-owner -C "$root" -cf "$out.tmp" .
mv -f "$out.tmp" "$out"
# Older cached roots are dead weight now.
for old in "$CACHE"/debian-*.tar; do [ "$old" = "$out" ] || rm -f "$old"; done
say "debian: $(du -sm "$root" | cut -f1) MB, $out"
echo "$out"
