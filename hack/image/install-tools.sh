#!/usr/bin/env bash
# Installs what `make image` needs from Debian's packages when missing: podman (daemonless, rootful here),
# runc (lib.sh says why not crun), mmdebstrap (extracts the base images' Debian packages), binutils (strip) and dpkg-deb.
# Idempotent: does nothing when all of them are on PATH.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

missing=()
# type -P, not command -v: lib.sh defines a podman function, which command -v would report as present.
for tool in podman:podman runc:runc mmdebstrap:mmdebstrap strip:binutils dpkg-deb:dpkg; do
  type -P "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
[ ${#missing[@]} -gt 0 ] || exit 0

[ "$(id -u)" -eq 0 ] || die "needs root for apt-get and rootful podman; missing: ${missing[*]}"
say "installing ${missing[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
# Other jobs on the machine may hold the dpkg lock for a while: wait for it rather than fail.
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for tool in podman runc mmdebstrap strip dpkg-deb; do
  type -P "$tool" >/dev/null || die "$tool still missing after apt-get install"
done
podman --version >&2
