#!/usr/bin/env bash
# Installs the Debian packages the e2e suite needs. Idempotent: does nothing when all are present.
# Packages: golang-go (builds Kubernetes 1.20), rsync (the Kubernetes build uses it), etcd-server,
# golang-github-modern-go-reflect2-dev (reflect2 1.0.2 for the vendor patch), dpkg-dev (dpkg-source unpacks
# the Debian source package), openssl, make, xz-utils, util-linux (flock).
# kubectl: Debian's kubernetes-client (1.20, matching the server) is NOT installed system-wide, since it
# conflicts with other kubectl packages that own /usr/bin/kubectl (e.g. Google's). It is downloaded with
# `apt-get download` and unpacked into the cache directory instead (see build-control-plane.sh).
#   install-deps.sh [nodes]   `nodes` adds what real nodes need: containerd 1.6, runc, the CNI plugins
#                             (bridge, host-local, loopback), iptables and conntrack (kube-proxy), iproute2,
#                             gcc and libc6-dev (the static pause program); podman comes from hack/image.
set -euo pipefail
PKGS=(golang-go rsync etcd-server golang-github-modern-go-reflect2-dev dpkg-dev openssl curl make xz-utils util-linux)
if [[ ${1:-} == nodes ]]; then
  PKGS+=(containerd runc containernetworking-plugins iptables conntrack iproute2 gcc libc6-dev)
fi
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
