#!/usr/bin/env bash
# `make cluster-down`: removes the cluster of STATE_DIR: nodes (nodes-down.sh: containers, mounts, network
# namespaces, cgroups, iptables chains, pod logs), the control plane (down.sh), the bridge and sysctls
# (network.sh down); then STATE_DIR itself unless --keep-logs. Then checks nothing is left, and says so.
#   hack/e2e/cluster-down.sh STATE_DIR [--keep-logs]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
state=${1:?usage: cluster-down.sh STATE_DIR [--keep-logs]}
[[ -d $state ]] || { e2e_log "no cluster state in $state: nothing to remove"; exit 0; }
state=$(cd "$state" && pwd)

bash "$here/nodes-down.sh" "$state"
bash "$here/down.sh" "$state"
bash "$here/network.sh" down "$state"

left=0
# This script and whatever started it name STATE_DIR on their command lines too: not leftovers.
declare -A self=()
p=$$
while [[ $p =~ ^[0-9]+$ ]] && (( p > 1 )); do
  self[$p]=1
  p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
done
procs=()
for d in /proc/[0-9]*; do
  p=${d#/proc/}
  [[ -n ${self[$p]:-} ]] && continue
  cmd=$({ tr '\0' ' ' <"$d/cmdline"; } 2>/dev/null) || continue   # gone meanwhile
  [[ $cmd == *"$state"* ]] && procs+=("$p (${cmd:0:120})")
done
(( ${#procs[@]} == 0 )) || { e2e_log "LEFT: processes ${procs[*]}"; left=1; }
mounts=$(awk -v s="$state/" 'index($2, s) == 1' /proc/self/mounts | wc -l)
(( mounts == 0 )) || { e2e_log "LEFT: $mounts mounts under $state"; left=1; }
! ip link show ncg0 >/dev/null 2>&1 || { e2e_log "LEFT: bridge ncg0"; left=1; }
! iptables-save 2>/dev/null | grep -q 'KUBE-' || { e2e_log "LEFT: KUBE-* iptables rules"; left=1; }
if [[ ${2:-} != --keep-logs ]]; then
  rm -rf "$state"
fi
(( left == 0 )) && e2e_log "cluster removed: no process, mount, network namespace, bridge or iptables chain left"
exit "$left"
