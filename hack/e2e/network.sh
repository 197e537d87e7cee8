#!/usr/bin/env bash
# The nodes' network, all on this machine: one Linux bridge (ncg0, 10.244.0.1/16) that every node's pods
# join through the CNI bridge plugin, each node with its own /24 of it (host-local IPAM). The bridge's
# address is the "host" address: kube-apiserver binds there, kubelets serve there, pods route through it.
# IP forwarding is turned on (a pod reaching a ClusterIP is DNATed back out of the bridge by kube-proxy);
# the previous value is saved and restored by `down`.
#
#   hack/e2e/network.sh up STATE_DIR      prints nothing; writes STATE_DIR/network.env
#   hack/e2e/network.sh down STATE_DIR    removes the bridge, restores the sysctls
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

BRIDGE=ncg0
HOST_IP=10.244.0.1
POD_NET=10.244.0.0/16
SERVICE_NET=10.0.0.0/24

cmd=${1:?usage: network.sh up|down STATE_DIR}
state=${2:?usage: network.sh up|down STATE_DIR}
mkdir -p "$state"

sysctl_file() { echo "/proc/sys/${1//.//}"; }

case $cmd in
up)
  if ip link show "$BRIDGE" >/dev/null 2>&1; then
    e2e_log "bridge $BRIDGE exists already: another cluster runs here (make cluster-down), or a run was killed"
    exit 1
  fi
  [[ -d /proc/sys/net/bridge ]] || modprobe br_netfilter 2>/dev/null || true
  : >"$state/sysctl.saved"
  for key in net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables; do
    f=$(sysctl_file "$key")
    [[ -w $f ]] || { e2e_log "cannot write $f (br_netfilter not loaded? try: modprobe br_netfilter)"; exit 1; }
    echo "$key $(cat "$f")" >>"$state/sysctl.saved"
    echo 1 >"$f"
  done
  ip link add "$BRIDGE" type bridge
  ip addr add "$HOST_IP/16" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  cat >"$state/network.env" <<ENV
export E2E_BRIDGE='$BRIDGE'
export E2E_HOST_IP='$HOST_IP'
export E2E_POD_NET='$POD_NET'
export E2E_SERVICE_NET='$SERVICE_NET'
ENV
  e2e_log "network up: bridge $BRIDGE $HOST_IP/16"
  ;;
down)
  if ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link del "$BRIDGE" && e2e_log "bridge $BRIDGE removed"
  fi
  if [[ -f $state/sysctl.saved ]]; then
    while read -r key value; do
      echo "$value" >"$(sysctl_file "$key")" 2>/dev/null || true
    done <"$state/sysctl.saved"
    rm -f "$state/sysctl.saved"
  fi
  ;;
*) echo "usage: network.sh up|down STATE_DIR" >&2; exit 2 ;;
esac
