#!/usr/bin/env bash
# Stops every process that up.sh (or the suite, via the same pids file) started, newest first, by PID.
# A PID is signalled only while its command line still names STATE_DIR (no recycled PIDs are hit).
#   hack/e2e/down.sh STATE_DIR [--keep-logs]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
state=${1:?usage: down.sh STATE_DIR}
[[ -f $state/pids ]] || exit 0
state=$(cd "$state" && pwd)

ours() { [[ -r /proc/$1/cmdline ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF "$state"; }

mapfile -t entries < <(tac "$state/pids")
# One at a time, newest first (webhook, scheduler, controller-manager, apiserver, etcd), so each
# process still has what it depends on while it shuts down.
for e in "${entries[@]}"; do
  pid=${e%% *} name=${e#* }
  ours "$pid" || continue
  kill -TERM "$pid" 2>/dev/null && e2e_log "stopping $name (pid $pid)"
  deadline=$(( $(date +%s) + 10 ))
  while ours "$pid" && (( $(date +%s) < deadline )); do sleep 0.1; done
  if ours "$pid"; then kill -KILL "$pid" 2>/dev/null && e2e_log "killed $name (pid $pid) after 10 s"; fi
done
: >"$state/pids"
rm -rf "$state/etcd"
e2e_log "control plane down (logs kept in $state/logs)"
