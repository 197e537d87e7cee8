#!/usr/bin/env bash
# Removes what nodes.sh started and what its kubelets and containerds left behind: kubelets and kube-proxy
# stopped, every container killed and deleted through its containerd, containerds stopped, leftover shims
# killed, every mount under STATE_DIR undone (pod volumes, overlay roots, the pods' network namespaces),
# the nodes' cgroups removed, kube-proxy's iptables chains removed; the nodes' mount namespaces
# (their own /var/log/pods and /var/log/containers) go with their holder processes. Safe to run twice, and after a run that was killed.
#   hack/e2e/nodes-down.sh STATE_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
state=${1:?usage: nodes-down.sh STATE_DIR}
[[ -d $state/nodes ]] || exit 0
state=$(cd "$state" && pwd)

ours() { [[ -r /proc/$1/cmdline ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF "$state"; }
stop_named() { # PATTERN: stops the pids-file entries whose name matches, TERM then KILL after 10 s
  local e pid name
  [[ -f $state/pids ]] || return 0
  while read -r pid name; do
    [[ $name == $1 ]] && ours "$pid" || continue
    kill -TERM "$pid" 2>/dev/null && e2e_log "stopping $name (pid $pid)"
    local deadline=$(( $(date +%s) + 10 ))
    while ours "$pid" && (( $(date +%s) < deadline )); do sleep 0.1; done
    ours "$pid" && kill -KILL "$pid" 2>/dev/null && e2e_log "killed $name (pid $pid)"
  done < <(tac "$state/pids")
}

stop_named 'kubelet-*'
stop_named kube-proxy

for d in "$state"/nodes/*/; do
  [[ -f $d/containerd.toml ]] || continue
  d=${d%/} sock=$d/containerd.sock node=$(basename "$d")
  if ctr --address "$sock" version >/dev/null 2>&1; then
    c="ctr --address $sock -n k8s.io"
    for t in $($c tasks ls -q 2>/dev/null); do $c tasks kill -s SIGKILL "$t" >/dev/null 2>&1; done
    for _ in $(seq 50); do
      [[ -z $($c tasks ls 2>/dev/null | awk 'NR > 1 && $3 != "STOPPED"') ]] && break
      sleep 0.1
    done
    for t in $($c tasks ls -q 2>/dev/null); do $c tasks delete -f "$t" >/dev/null 2>&1; done
    for k in $($c containers ls -q 2>/dev/null); do $c containers delete "$k" >/dev/null 2>&1; done
    e2e_log "$node: containers removed"
  fi
done
stop_named 'containerd-*'

# Shims outlive a containerd that was killed: they name its socket on their command line.
for p in $(pgrep -f containerd-shim-runc-v2 2>/dev/null); do
  ours "$p" && kill -KILL "$p" 2>/dev/null && e2e_log "killed leftover shim $p"
done
# Container processes whose shim is gone: their runc state is under the node directory.
for d in "$state"/nodes/*/; do
  root=${d%/}/runc/k8s.io
  [[ -d $root ]] || continue
  for id in $(runc --root "$root" list -q 2>/dev/null); do
    runc --root "$root" kill "$id" KILL >/dev/null 2>&1
    runc --root "$root" delete -f "$id" >/dev/null 2>&1
  done
done

# The nodes' mount namespaces (pod logs) go with their holders: every process inside has stopped.
stop_named 'mntns-*'

# Deepest first, lazily (a mount still busy goes when its last user does).
for _ in 1 2 3; do
  mapfile -t mounts < <(awk -v s="$state/" 'index($2, s) == 1 { print $2 }' /proc/self/mounts | sort -r)
  ((${#mounts[@]})) || break
  for m in "${mounts[@]}"; do umount -l "$m" 2>/dev/null; done
done
left=$(awk -v s="$state/" 'index($2, s) == 1' /proc/self/mounts | wc -l)
(( left == 0 )) && e2e_log "no mounts left under $state" || e2e_log "WARNING: $left mount(s) left under $state"

# cgroups: deepest first; a cgroup with no process left can be removed.
for c in /sys/fs/cgroup/*/ncg-* /sys/fs/cgroup/ncg-*; do
  [[ -d $c ]] || continue
  find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null
done
left=$(ls -d /sys/fs/cgroup/*/ncg-* /sys/fs/cgroup/ncg-* 2>/dev/null | wc -l)
(( left == 0 )) || e2e_log "WARNING: $left cgroup(s) ncg-* left"

# iptables: kube-proxy's chains (services) and the kubelets' (KUBE-FIREWALL, KUBE-MARK-*, canaries).
# Every KUBE-* chain goes, with the rules of the built-in chains that jump to one: no other Kubernetes
# runs on this machine (network.sh refuses to start beside another cluster of ours).
for t in mangle nat filter; do
  iptables -t "$t" -S 2>/dev/null | awk '/^-A (PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING) .*-j KUBE-/' | while read -r rule; do
    eval "iptables -t $t -D ${rule#-A }" 2>/dev/null
  done
  chains=$(iptables -t "$t" -S 2>/dev/null | awk '/^-N KUBE-/ { print $2 }')
  for c in $chains; do iptables -t "$t" -F "$c" 2>/dev/null; done
  for c in $chains; do iptables -t "$t" -X "$c" 2>/dev/null; done
done
iptables-save 2>/dev/null | grep -q 'KUBE-' && e2e_log "WARNING: KUBE-* iptables rules left" || e2e_log "iptables: no KUBE-* chain left"

e2e_log "nodes down"
