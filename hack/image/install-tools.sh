#!/usr/bin/env bash
# Installs what `make image` needs from Debian's packages when missing: podman (daemonless, rootful here),
# runc (lib.sh says why not crun), mmdebstrap (extracts the base images' Debian packages), binutils (strip) and dpkg-deb.
# Idempotent: does nothing when all of them are on PATH.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || missing+=(runc)
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
command -v strip >/dev/null 2>&1 || missing+=(binutils)
command -v dpkg-deb >/dev/null 2>&1 || missing+=(dpkg)
[ ${#missing[@]} -gt 0 ] || exit 0

[ "$(id -u)" -eq 0 ] || die "needs root for apt-get and rootful podman; missing: ${missing[*]}"
say "installing ${missing[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
# Other jobs on the machine may hold the dpkg lock for a while: wait for it rather than fail.
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for tool in podman runc mmdebstrap strip dpkg-deb; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool still missing after apt-get install"
done
podman --version >&2
